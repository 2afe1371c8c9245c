import Foundation
import HotfixEngine
import HotfixRuntime
import HotfixConsole
import HotfixScreen
import HotfixWorkflow
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
    /// Runs the phase steps through the workflow, posting progress to the mailbox.
    let steps: StepJob
    let firstFrameFile: String?
    var startupStatus: StatusMessage?
    /// A recorded deploy to play into the monitoring window (`hotfix monitor --replay`).
    var replay: MonitorReplay?
    /// What is wrong in a practice sandbox (`hotfix demo`), for the FIX pane.
    var drill: Drill?
    var replayTask: Task<Void, Never>?

    static let signals: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGWINCH]

    /// The background job (tests, a git step, a deploy), if one is going.
    var job: (task: Task<Void, Never>, done: DispatchSemaphore)?
    /// Ends the running deploy's monitoring window early (`r`, or a rollback made elsewhere).
    var windowControl: WindowControl?
    /// The rollback's plan, shown beside a running deploy (not the console's one job).
    var planning: Task<Void, Never>?
    /// The running deploy's followed lines, taken at most once per `StreamBeat.interval`.
    var inbox: StreamInbox?
    var beat = StreamBeat()

    init(session: Session, id: IncidentID, theme: Theme, noColor: Bool) throws(HotfixError) {
        let mailbox = try Mailbox()
        self.mailbox = mailbox
        // The console's jobs: warnings into the log pane, every command in a process group of its own.
        steps = StepJob(session: session, id: id) { mailbox.post($0) }
        self.session = steps.session
        self.id = id
        journal = session.store.journal(id)
        clock = session.clock
        let environment = session.environment
        self.theme = theme
        self.noColor = noColor
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
        let mailbox = mailbox
        defer { stopJob() }

        guard var model = ConsoleModel(events: initial, now: clock.now, size: terminal.size) else {
            throw HotfixError.environment("the journal at \(journal.path) does not start an incident",
                                          untouched: "the file was left as it is", next: "check it with hotfix timeline")
        }
        model.status = startupStatus
        model.deployWindow = session.config.deploy.window
        model.deployWarmup = session.config.deploy.warmup
        let how = DeployWorkflow(session).howItDeploys
        model.deployWords = DeployWords(steps: how.steps, rollback: how.rollback, listed: how.listed)
        model.streamCapacity = session.config.logs.history
        model.repository = session.repository.root
        model.drill = drill
        do throws(HotfixError) { model.editor = try FixWorkflow(session).editor().label } catch { model.editorProblem = error.description }
        terminal.present(Screen.render(model))
        recordFirstFrame()
        if let replay {
            model.viewed = .deploy
            let (mailbox, clock) = (mailbox, clock)
            replayTask = Task { await replay.play(clock: clock) { mailbox.post($0) } }
        }
        defer { replayTask?.cancel() }

        let watch = JournalWatch(path: journal.path)
        let fixWatch = FixWatch()
        fixWatch.refresh(model.incident, session: session) { mailbox.post($0) }
        var fds = [pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: mailbox.readFD, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: watch.fd, events: Int16(POLLIN), revents: 0)]
        while true {
            let now = clock.now.timeIntervalSince1970
            let nextTick = now.rounded(.down) + 1
            let beatWait = beat.wait(pending: inbox?.hasPending == true, now: ProcessInfo.processInfo.systemUptime) ?? 1
            let timeout = Int32(max(1, (min(nextTick - now, beatWait) * 1000).rounded(.up)))
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
            // The stream's lines once per beat, however fast they come: one frame takes them all.
            if let inbox, beat.take(pending: inbox.hasPending, now: ProcessInfo.processInfo.systemUptime) { batch.append(.stream(inbox.take())) }
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
                    case .start(let job) where job == .deploy || job == .rollback:
                        if job == .deploy {
                            inbox = StreamInbox(capacity: session.config.logs.history, maxLineBytes: session.config.logs.lineCap) { mailbox.wake() }
                        }
                        let deploy = DeployJob(steps: steps, window: job == .deploy ? WindowControl() : nil, reader: job == .deploy ? inbox : nil)
                        windowControl = deploy.window
                        startJob { await deploy.run(job) }
                    case .start(let job):
                        let steps = steps
                        startJob { await steps.run(job) }
                    case .plan(let job) where job.planIsInstant:
                        // Beside a running deploy: not the console's one job, but it ends before the console does.
                        let rollback = DeployJob(steps: steps)
                        planning = Task { await rollback.planRollback() }
                    case .plan(let job) where job == .deploy:
                        let deploy = DeployJob(steps: steps)
                        startJob { await deploy.planDeploy() }
                    case .plan(let job):
                        let steps = steps
                        startJob { await steps.plan(job) }
                    case .endWindow(let why):
                        windowControl?.stop(why)
                    case .editPostmortem:
                        var failure: HotfixError?
                        terminal.suspend { failure = EditJob.editPostmortem(steps) }
                        if let failure { queue.append(.failed(failure)) }
                        queue.append(.resize(terminal.refreshSize()))
                    case .editFile(let typed):
                        // Checked before stepping aside: a path outside the repository, or no editor, is said at once.
                        switch EditJob.file(steps, typed) {
                        case .failure(let error):
                            queue.append(.status(StatusMessage(error.description, role: .warning)))
                        case .success(let (program, file)):
                            queue += stepAside(terminal) { EditJob.run(program, editing: file) }
                            fixWatch.invalidate()
                        }
                    case .openShell:
                        let program = EditJob.shell(steps, cli: SelfCommand.name(searchPath: getenv("PATH").map { String(cString: $0) }))
                        queue += stepAside(terminal) { EditJob.run(program, editing: nil) }
                        fixWatch.invalidate()
                    case .append(let bodies):
                        if let failure = perform(bodies, basedOn: model.incident.lastSeq) { queue.append(failure) }
                        let fresh = follower.poll()
                        if !fresh.isEmpty { queue.append(.journal(fresh)) }
                    }
                }
            }
            terminal.present(Screen.render(model))
            fixWatch.refresh(model.incident, session: session) { mailbox.post($0) }
        }
    }

    /// Hands the terminal to `body` (an editor, a shell) and takes it back: its status and the
    /// size, which may have changed meanwhile, are what the console takes in next.
    func stepAside(_ terminal: Terminal, _ body: () -> StatusMessage) -> [ConsoleMessage] {
        var said: StatusMessage?
        terminal.suspend { said = body() }
        return (said.map { [.status($0)] } ?? []) + [.resize(terminal.refreshSize())]
    }

    /// Appends what the engine decided, unless the journal moved on since (another terminal wrote):
    /// then nothing is written and the console shows the fresh state.
    func perform(_ bodies: [EventBody], basedOn seq: Int) -> ConsoleMessage? {
        do {
            try session.append(bodies, basedOn: seq, on: id)
            return nil
        } catch {
            return .failed(error)
        }
    }

    /// Starts a job in the background (the model refuses a second one while one is going).
    func startJob(_ work: @escaping @Sendable () async -> Void) {
        let done = DispatchSemaphore(value: 0)
        let task = Task {
            await work()
            done.signal()
        }
        job = (task, done)
    }

    /// On the way out: cancel a running job and wait (bounded) so no child is orphaned.
    func stopJob() {
        planning?.cancel()
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
