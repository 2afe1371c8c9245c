import Foundation
import HotfixEngine
import HotfixRuntime
import HotfixScreen
import HotfixTerminal
#if canImport(Glibc)
import Glibc
#endif

/// The console's event loop. One thread (this one) owns ncurses; it sleeps in `poll()` on stdin,
/// the mailbox pipe and the next whole-second tick, applies every message that arrived through
/// `ConsoleModel.update`, runs the effects, and draws at most once per batch.
/// Unchecked Sendable: it is handed to its own thread once and used only there.
final class ConsoleLoop: @unchecked Sendable {
    let session: Session
    let id: IncidentID
    let journal: JournalFile
    let clock: any Clock
    let theme: Theme
    let noColor: Bool
    let mailbox: Mailbox
    let firstFrameFile: String?
    var startupStatus: StatusMessage?
    /// A recorded deploy to play into the monitoring window (`hotfix monitor --replay`).
    var replay: MonitorReplay?
    var replayTask: Task<Void, Never>?

    static let signals: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGWINCH]

    /// The background job (tests, a git step, a deploy), if one is going.
    var job: (task: Task<Void, Never>, done: DispatchSemaphore)?
    /// Ends the running deploy's monitoring window early (`r`, or a rollback made elsewhere).
    var windowStopper: WindowStopper?

    init(session: Session, id: IncidentID, theme: Theme, noColor: Bool) throws(HotfixError) {
        self.session = session
        self.id = id
        journal = session.store.journal(id)
        clock = session.clock
        let environment = session.environment
        self.theme = theme
        self.noColor = noColor
        mailbox = try Mailbox()
        firstFrameFile = environment["HOTFIX_FIRST_FRAME_FILE"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Runs until `q`, Ctrl-C, SIGINT, SIGTERM or SIGHUP; the terminal is restored on every way out.
    func run() throws(HotfixError) {
        let follower = JournalFollower(path: journal.path)
        let initial = follower.poll()
        // Signals are routed before ncurses starts so it leaves SIGWINCH to us.
        Terminal.routeSignals(Self.signals, to: mailbox.writeFD)
        defer { Terminal.defaultSignals(Self.signals) }
        let terminal = try Terminal(theme: theme, noColor: noColor)
        defer { terminal.stop() }
        // Warnings from work done in this process go to the log pane, not over the screen.
        let mailbox = mailbox
        Output.warnings.claim { text in mailbox.post(.output([LogLine(at: nil, text: "  ! " + text, level: .warn)])) }
        defer { Output.warnings.claim(nil) }
        defer { stopJob() }

        guard var model = ConsoleModel(events: initial, now: clock.now, size: terminal.size) else {
            throw HotfixError.environment("the journal at \(journal.path) does not start an incident",
                                          untouched: "the file was left as it is", next: "check it with hotfix timeline")
        }
        model.status = startupStatus
        model.deployWindow = session.config.deploy.window
        model.deployWarmup = session.config.deploy.warmup
        terminal.present(Screen.render(model))
        recordFirstFrame()
        if let replay {
            model.viewed = .deploy
            let (mailbox, clock) = (mailbox, clock)
            replayTask = Task { await replay.play(into: mailbox, clock: clock) }
        }
        defer { replayTask?.cancel() }

        let watch = JournalWatch(path: journal.path)
        let fixWatch = FixWatch()
        fixWatch.refresh(model.incident, session: session, mailbox: mailbox)
        var fds = [pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: mailbox.readFD, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: watch.fd, events: Int16(POLLIN), revents: 0)]
        while true {
            let now = clock.now.timeIntervalSince1970
            let nextTick = now.rounded(.down) + 1
            let timeout = Int32(max(1, ((nextTick - now) * 1000).rounded(.up)))
            for i in fds.indices { fds[i].revents = 0 }
            let ready = poll(&fds, nfds_t(fds.count), timeout)
            if ready < 0, errno != EINTR {
                throw HotfixError.environment("the console's poll() failed: \(String(cString: strerror(errno)))")
            }

            var batch: [ConsoleMessage] = []
            let journalTouched = fds[2].revents & Int16(POLLIN) != 0 && watch.drain()
            let (posted, signals) = mailbox.drain()
            for s in signals {
                if s == SIGWINCH { batch.append(.resize(terminal.refreshSize())) } else { return }
            }
            batch += posted
            if fds[0].revents & Int16(POLLHUP | POLLERR) != 0, fds[0].revents & Int16(POLLIN) == 0 { return }
            for input in terminal.readInput() {
                switch input {
                case .key(let k): batch.append(.key(k))
                case .resize(let s): batch.append(.resize(s))
                }
            }
            if ready == 0 || clock.now.timeIntervalSince1970 >= nextTick { batch.append(.tick(clock.now)) }
            guard !batch.isEmpty || journalTouched else { continue }
            // Another terminal, or the test job, may have written: read the journal once per batch.
            let fresh = follower.poll()
            if !fresh.isEmpty { batch.append(.journal(fresh)) }

            var queue = batch[...]
            while let message = queue.popFirst() {
                for effect in model.update(message) {
                    switch effect {
                    case .quit:
                        return
                    case .start(let job):
                        let stopper = job == .deploy ? WindowStopper() : nil
                        windowStopper = stopper
                        startJob(stopper: stopper) { await $0.run(job) }
                    case .plan(let job) where job.planIsInstant:
                        StepJob(session: session, id: id, mailbox: mailbox).planRollback()
                    case .plan(let job):
                        startJob { await $0.plan(job) }
                    case .endWindow(let why):
                        windowStopper?.stop(why)
                    case .suspend(let args):
                        terminal.suspend { runInForeground(args) }
                        queue.append(.resize(terminal.refreshSize()))
                    case .append(let bodies):
                        if let failure = perform(bodies, basedOn: model.incident.lastSeq) { queue.append(failure) }
                        let fresh = follower.poll()
                        if !fresh.isEmpty { queue.append(.journal(fresh)) }
                    }
                }
            }
            terminal.present(Screen.render(model))
            fixWatch.refresh(model.incident, session: session, mailbox: mailbox)
        }
    }

    /// Appends what the engine decided, unless the journal moved on since (another terminal wrote):
    /// then nothing is written and the console shows the fresh state.
    func perform(_ bodies: [EventBody], basedOn seq: Int) -> ConsoleMessage? {
        do {
            var state: IncidentState?
            let written = try journal.transact(clock: clock) { (current: IncidentState?) throws(HotfixError) -> [EventBody] in
                guard let current, current.lastSeq == seq else {
                    throw HotfixError.refused("the incident changed just now (another terminal, or the running tests)",
                                              next: "look at the screen again and repeat the action if it still applies")
                }
                state = current
                return bodies
            }
            if var state {
                for e in written { state.apply(e) }
                notify(written, state)
            }
            return nil
        } catch {
            return .failed(error)
        }
    }

    /// What the CLI sends after the same events (GitHub comments, the issue close, Telegram),
    /// sent in the background; the results reach the screen through the journal.
    func notify(_ events: [Event], _ state: IncidentState) {
        let session = self.session
        guard !Notifications.plan(after: events, state: state, settings: session.notifier.settings).isEmpty else { return }
        Task.detached { _ = try? await session.dispatch(events, state: state) }
    }

    /// Runs `hotfix ARGS… --incident ID` on the real terminal and waits (the editor for the post-mortem).
    func runInForeground(_ args: [String]) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: StepJob.executable)
        process.arguments = args + ["--incident", id.rawValue]
        process.currentDirectoryURL = URL(fileURLWithPath: session.repository.root)
        do {
            try process.run()
            process.waitUntilExit()
        } catch {
            mailbox.post(.failed(HotfixError.environment("cannot run hotfix \(args.joined(separator: " ")): \(error.localizedDescription)")))
        }
    }

    /// Starts a job in the background (the model refuses a second one while one is going).
    func startJob(stopper: WindowStopper? = nil, _ work: @escaping @Sendable (StepJob) async -> Void) {
        let (steps, done) = (StepJob(session: session, id: id, mailbox: mailbox, stopper: stopper), DispatchSemaphore(value: 0))
        let task = Task {
            await work(steps)
            done.signal()
        }
        job = (task, done)
    }

    /// On the way out: cancel a running job and wait (bounded) so no child is orphaned.
    func stopJob() {
        guard let job else { return }
        job.task.cancel()
        _ = job.done.wait(timeout: .now() + 5)
    }

    /// For the benchmark: the wall-clock time of the first full frame, when asked for.
    func recordFirstFrame() {
        guard let path = firstFrameFile else { return }
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        let text = String(format: "%ld.%09ld\n", ts.tv_sec, ts.tv_nsec)
        try? text.write(toFile: path, atomically: true, encoding: .utf8)
    }
}
