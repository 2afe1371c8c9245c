import Foundation
import HotfixEngine
import HotfixLogs
import HotfixScreen

/// A line of text being typed at the bottom of the screen or in place.
public enum Prompt: Equatable, Sendable {
    case answer(AssessField, TextInput)
    case waive(ChecklistItem, TextInput)
    case search(TextInput)
    /// The DEPLOY stream's filter being typed (it narrows as it is typed); the query before it, for esc.
    case filter(TextInput, previous: String?)
    /// A guardrail refused `next`; a written reason passes it.
    case override(TextInput)
    /// The plan of a step that changes a remote, the cluster or deletes is in the log: run it? (y/n, default no)
    case confirm(ConsoleJob, question: String)
    /// Back to FIX for the next attempt? (y/n, default no)
    case retry(question: String)
    /// `E` in FIX: the file to open in the editor, picked or typed.
    case pickFile(FilePick)
    /// `c` in FIX: the commit's message (`Fix: …`), typed in place.
    case commitMessage(TextInput)

    var input: TextInput {
        switch self {
        case .answer(_, let t), .waive(_, let t), .search(let t), .override(let t), .commitMessage(let t), .filter(let t, _): t
        case .pickFile(let pick): pick.input
        case .confirm, .retry: TextInput()
        }
    }

    func with(_ t: TextInput) -> Prompt {
        switch self {
        case .answer(let f, _): .answer(f, t)
        case .waive(let i, _): .waive(i, t)
        case .search: .search(t)
        case .filter(_, let previous): .filter(t, previous: previous)
        case .override: .override(t)
        case .commitMessage: .commitMessage(t)
        case .confirm, .retry, .pickFile: self
        }
    }
}

/// What `c` commits: the message, and once its plan was shown and confirmed, the work tree's
/// changes as the plan listed them (the commit is refused if they changed since).
public struct CommitRequest: Sendable, Equatable {
    public var message: String
    public var expected: [StatusEntry]?

    public init(message: String, expected: [StatusEntry]? = nil) {
        self.message = message
        self.expected = expected
    }
}

/// A step the console runs in the background, one at a time.
public enum ConsoleJob: Sendable, Equatable {
    /// The TEST phase's commands (as `hotfix test`).
    case tests
    /// `hotfix branch`: fetch, fast-forward main, create hotfix/{id} (local refs only).
    case branch
    /// `hotfix diff`: the FIX watch.
    case diff
    /// `hotfix backport`: local merges into develop and feature/*, nothing pushed.
    case backport
    /// `hotfix finish` (merges, tag, push, delete), then `hotfix report`.
    case finish
    /// `hotfix report`, then `hotfix postmortem`.
    case report
    /// DEPLOY, in the console's process so the monitoring window is live.
    case deploy
    /// The rollback the way the deploy was made (kubectl undo, helm rollback, the configured
    /// command), in the console's process; a GitOps revert is only shown.
    case rollback
    /// `hotfix commit -m "Fix: …"`: git add of the changed files, then git commit.
    case commit(CommitRequest)

    /// The `hotfix` commands (arguments after the program name) this job does, in order: the console
    /// runs their use cases in-process and shows these command lines in the log.
    public var commands: [[String]] {
        switch self {
        case .branch: [["branch"]]
        case .diff: [["diff"]]
        case .backport: [["backport"]]
        case .finish: [["finish"], ["report"]]
        case .report: [["report"], ["postmortem"]]
        case .commit(let request): [["commit", "-m", request.message]]
        case .tests, .deploy, .rollback: []
        }
    }

    /// The steps that change a remote, the cluster or delete, and the commit: their plan (what
    /// exactly runs) is shown and confirmed first.
    public var needsConfirmation: Bool {
        if case .commit = self { return true }
        return [.finish, .deploy, .rollback].contains(self)
    }

    /// The plan is shown at once, without a background job (the rollback's one line): it can be
    /// shown while the deploy runs.
    public var planIsInstant: Bool { self == .rollback }

    /// How the status row and the log name it.
    public var title: String {
        switch self {
        case .tests: "the tests"
        case .deploy: "the deploy"
        case .rollback: "the rollback"
        case .commit: "the commit"
        default: commands.map { "hotfix " + $0.joined(separator: " ") }.joined(separator: ", then ")
        }
    }
}

/// One input to the monitoring window.
public enum MonitorInput: Sendable, Equatable {
    /// A raw log line from an old (baseline) or new (hotfix) pod, received at `at` (seconds since 1970).
    case line(String, MonitorSide, at: Double)
    /// The rollout of the new version began (the `set image`).
    case deployStarted(at: Double)
    /// The window's clock, when it is not the wall clock (a replay at its own speed).
    case clock(Double)
}

/// What enters the console: keys, time, journal changes, command output.
public enum ConsoleMessage: Sendable {
    case key(Key)
    case tick(Date)
    case resize(Size)
    /// New events read from the journal (written by this console or by the CLI elsewhere).
    case journal([Event])
    /// Lines of output from a running command.
    case output([LogLine])
    /// What a background job is doing now (nil when it has finished).
    case activity(String?)
    /// The monitoring window's input: pod log lines, and when the rollout began.
    case monitor([MonitorInput])
    /// An effect could not be carried out (for example the journal refused an append).
    case failed(HotfixError)
    /// A step's plan is in the log: ask whether to run it (y/n, default no).
    case confirm(ConsoleJob, question: String)
    /// The deploy's monitoring window as the running deploy sees it (replaces the pane's model).
    case monitorModel(MonitorModel)
    /// The deploy waits for a rollout it does not make itself (nil: a new deploy begins, no wait yet).
    case rolloutWait(RolloutWait?)
    /// A job's result for the status row.
    case status(StatusMessage)
    /// What the hotfix branch holds, read from git while the incident is in FIX.
    case fix(FixProgress)
    /// The deploy's followed lines and pod reports since the last frame (`StreamInbox.take`).
    case stream(StreamChunk)
    /// The files of the repository the assessment names (offered by `E`).
    case namedFiles([String])
    /// How the latest commit (or its plan) ended: nil when it went through, else why not.
    case commitEnded(HotfixError?)
}

/// What the console asks the runtime to do; `update` performs no I/O itself.
public enum ConsoleEffect: Sendable, Equatable {
    /// Append these events to the journal (they were validated by `Engine.decide`).
    case append([EventBody])
    /// Run a job in the background, streaming its output back as messages.
    case start(ConsoleJob)
    /// Show a job's plan in the log (its dry run), then ask with `.confirm`.
    case plan(ConsoleJob)
    /// End the running deploy's monitoring window early (its verdict so far is journaled as such);
    /// `.rollback` then rolls back in place of the deploy's remaining steps.
    case endWindow(WindowStop)
    /// Give the terminal to the post-mortem's editor in the foreground (`EditJob`), then take it back.
    case editPostmortem
    /// The same for a file of the repository (`E` in FIX), as typed or picked: checked first.
    case editFile(String)
    /// The same for `$SHELL` in the repository (`!` in FIX).
    case openShell
    case quit
}
