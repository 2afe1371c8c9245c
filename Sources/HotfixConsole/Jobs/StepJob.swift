import Foundation
import HotfixEngine
import HotfixScreen
import HotfixWorkflow

/// The phase steps the console runs in the background, one at a time, in this process through the
/// same workflow as the CLI's commands: the journal gets the same entries, and the log pane shows
/// the equivalent command and the same lines the command prints (each git command it runs is in
/// the journal, so the log shows it too; the status row names the latest).
/// Every command a step starts runs in a process group of its own, so cancelling the job (quitting)
/// stops git and the tests with everything they started.
public struct StepJob: Sendable {
    public let session: Session
    public let id: IncidentID
    /// Where the job's messages go (the console's mailbox).
    public let post: @Sendable (ConsoleMessage) -> Void

    /// `session` as the console uses it: warnings into the log pane, commands in process groups.
    public init(session: Session, id: IncidentID, post: @escaping @Sendable (ConsoleMessage) -> Void) {
        var s = session
        s.processGroups = true
        s.warn = { post(.output([LogLine(at: nil, text: "  ! " + $0, level: .warn)])) }
        self.session = s
        self.id = id
        self.post = post
    }

    func log(_ text: String, _ level: LineTone = .muted, at: Date? = nil) {
        post(.output([LogLine(at: at, text: text, level: level)]))
    }

    func status(_ text: String, _ role: Role) { post(.status(StatusMessage(text, role: role))) }

    /// Shows what `job` would do in the log (the finish's dry run), then asks; a step that needs no
    /// confirmation runs at once.
    public func plan(_ job: ConsoleJob) async {
        defer { post(.activity(nil)) }
        if case .commit(let request) = job { return await planCommit(request) }
        guard job == .finish else { return await run(job) }
        let planned = await step(["finish", "--dry-run"]) { emit throws(HotfixError) in
            let outcome = try await GitWorkflow(session).finish(id, dryRun: true, progress: gitProgress)
            emit(GitText.steps(outcome))
            if let failure = outcome.failure { throw failure }
        }
        if planned { post(.confirm(job, question: "Finish: merge into main, tag, push, delete the branch?")) }
    }

    /// Runs `job` (confirmed already when it needs to be).
    public func run(_ job: ConsoleJob) async {
        defer { post(.activity(nil)) }
        switch job {
        case .tests: await TestJob(steps: self).run()
        case .branch: _ = await branch()
        case .diff: _ = await diff()
        case .backport: _ = await backport()
        case .finish: if await finish(), !Task.isCancelled { _ = await report() }
        case .report: if await report(), !Task.isCancelled { _ = await postmortem() }
        case .commit(let request): _ = await commit(request)
        case .deploy, .rollback: break  // the deploy job runs these
        }
    }

    func moved(_ move: PhaseMove?) -> [String] {
        move.map { [PhaseText.moved($0, session: session)] } ?? []
    }

    func branch() async -> Bool {
        await step(["branch"]) { emit throws(HotfixError) in
            let outcome = try await GitWorkflow(session).branch(id, dryRun: false, progress: gitProgress)
            emit(GitText.branch(outcome) + moved(outcome.moved))
        }
    }

    func diff() async -> Bool {
        await step(["diff"]) { emit throws(HotfixError) in
            let git = try GitWorkflow(session)
            emit(GitText.diff(try await git.diff(id), branch: git.settings.branchName(id), main: git.settings.main))
        }
    }

    func backport() async -> Bool {
        await step(["backport"]) { emit throws(HotfixError) in
            let outcome = try await GitWorkflow(session).backport(id, dryRun: false, progress: gitProgress)
            emit(GitText.steps(outcome))
            if let failure = outcome.failure { throw failure }
            emit([GitText.nothingPushed] + moved(outcome.moved))
        }
    }

    func finish() async -> Bool {
        await step(["finish"]) { emit throws(HotfixError) in
            let outcome = try await GitWorkflow(session).finish(id, dryRun: false, progress: gitProgress)
            emit(GitText.steps(outcome))
            if let failure = outcome.failure { throw failure }
            emit([GitText.finished(outcome)] + moved(outcome.moved))
        }
    }

    func report() async -> Bool {
        await step(["report"]) { emit throws(HotfixError) in
            let (text, path) = try await CloseWorkflow(session).report(id)
            emit(CloseText.report(text, path: path))
        }
    }

    func postmortem() async -> Bool {
        await step(["postmortem"]) { emit throws(HotfixError) in
            let p = try await CloseWorkflow(session).postmortem(id, write: true)
            emit(CloseText.postmortem(p) + CloseText.due(p.facts.state, now: session.clock.now))
        }
    }

    /// Each git command that changed the repository, once journaled: the status row names it (the
    /// log shows it from the journal).
    var gitProgress: @Sendable (GitProgress) -> Void {
        let post = post
        return { progress in
            guard case .command(let argv, _) = progress else { return }
            post(.activity("ran " + GitText.shellWords(argv)))
        }
    }

    /// Runs one step as `hotfix ARGS --incident ID` would: the command line, then the lines it
    /// prints; a failure ends the step with its message on the status row. True when it succeeded.
    func step(_ args: [String], _ work: (_ emit: @escaping ([String]) -> Void) async throws(HotfixError) -> Void) async -> Bool {
        let shown = "hotfix " + GitText.shellWords(args + ["--incident", id.rawValue])
        post(.activity("running " + shown))
        log("▶ $ " + shown, .info, at: session.clock.now)
        let post = post
        do {
            try await work { lines in post(.output(lines.map { LogLine(at: nil, text: "  │ " + $0, level: .muted) })) }
            status("hotfix \(args[0]) done: its output is in the log", .ok)
            return true
        } catch {
            status("hotfix \(args[0]) stopped (exit \(error.exitCode)): \(error.description)", .overdue)
            return false
        }
    }
}
