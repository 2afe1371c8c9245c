import Foundation
import HotfixEngine

/// The three ASSESS questions, in the order the workflow asks them.
public enum AssessField: Int, CaseIterable, Sendable {
    case broken, impact, hypothesis

    public var question: String {
        switch self {
        case .broken: "What is broken?"
        case .impact: "Impact scope?"
        case .hypothesis: "Quick hypothesis?"
        }
    }

    public func answer(in a: Assessment) -> String? {
        switch self {
        case .broken: a.broken
        case .impact: a.impact
        case .hypothesis: a.hypothesis
        }
    }

    func assessment(_ text: String) -> Assessment {
        switch self {
        case .broken: Assessment(broken: text)
        case .impact: Assessment(impact: text)
        case .hypothesis: Assessment(hypothesis: text)
        }
    }
}

/// A line of text being typed at the bottom of the screen or in place.
public enum Prompt: Equatable, Sendable {
    case answer(AssessField, TextInput)
    case waive(ChecklistItem, TextInput)
    case search(TextInput)
    /// A guardrail refused `next`; a written reason passes it.
    case override(TextInput)
    /// The plan of a step that changes a remote, the cluster or deletes is in the log: run it? (y/n, default no)
    case confirm(ConsoleJob, question: String)

    var input: TextInput {
        switch self {
        case .answer(_, let t), .waive(_, let t), .search(let t), .override(let t): t
        case .confirm: TextInput()
        }
    }

    func with(_ t: TextInput) -> Prompt {
        switch self {
        case .answer(let f, _): .answer(f, t)
        case .waive(let i, _): .waive(i, t)
        case .search: .search(t)
        case .override: .override(t)
        case .confirm: self
        }
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
    /// `kubectl rollout undo` to the baseline revision, in the console's process.
    case rollback

    /// The `hotfix` commands (arguments after the program name) this job runs as child processes, in order.
    public var commands: [[String]] {
        switch self {
        case .branch: [["branch"]]
        case .diff: [["diff"]]
        case .backport: [["backport"]]
        case .finish: [["finish"], ["report"]]
        case .report: [["report"], ["postmortem"]]
        case .tests, .deploy, .rollback: []
        }
    }

    /// The steps that change a remote, the cluster or delete: their plan is shown and confirmed first.
    public var needsConfirmation: Bool { [.finish, .deploy, .rollback].contains(self) }

    /// The plan is shown at once, without a background job (the rollback's one line): it can be
    /// shown while the deploy runs.
    public var planIsInstant: Bool { self == .rollback }

    /// How the status row and the log name it.
    public var title: String {
        switch self {
        case .tests: "the tests"
        case .deploy: "the deploy"
        case .rollback: "the rollback"
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

/// A one-line message on the status row: the result of the last action.
public struct StatusMessage: Equatable, Sendable {
    public var text: String
    public var role: Role
    public init(_ text: String, role: Role) { self.text = Sanitize.inline(text); self.role = role }
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
    /// A job's result for the status row.
    case status(StatusMessage)
    /// What the hotfix branch holds, read from git while the incident is in FIX.
    case fix(FixProgress)
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
    /// Give the terminal to `hotfix ARGS…` (an editor) in the foreground, then take it back.
    case suspend([String])
    case quit
}

/// The console's whole UI state (Bubble Tea style): `update` takes a message and returns effects.
public struct ConsoleModel: Sendable {
    public var incident: IncidentState
    public var now: Date
    public var size: Size
    public var timeZone: TimeZone
    /// The phase shown in the main pane; follows the active phase when it changes.
    public var viewed: Phase
    /// The selected row of the main pane (an answer or a checklist item).
    public var selection = 0
    public var logFocused = false
    public var prompt: Prompt?
    public var showHelp = false
    /// The first row of the `?` overlay shown (it scrolls when the terminal is short).
    public var helpScroll = 0
    public var log = LogPane()
    public var status: StatusMessage?
    /// A background job in progress (tests, a git step, a deploy), shown on the status row; one at a time.
    public var activity: String?
    /// The job `activity` belongs to, once started (nil while a plan is shown).
    public var job: ConsoleJob?
    /// The configured monitoring window and warm-up (`deploy.window`, `deploy.warmup`), in seconds.
    public var deployWindow = 300.0
    public var deployWarmup = 30.0
    /// The deploy's monitoring window, once log lines arrive (shown in the DEPLOY pane).
    public var monitor: MonitorModel?
    /// The monitoring window's "now" for a replay; nil means the wall clock.
    public var monitorNow: Double?
    /// What the hotfix branch holds (read from git while in FIX): `n` leaving FIX is judged on it.
    public var fix: FixProgress?
    public var keyMap = KeyMap.standard

    /// A console on `events` (the whole journal so far); nil when they do not start an incident.
    public init?(events: [Event], now: Date, size: Size, timeZone: TimeZone = .current) {
        guard let state = IncidentState.replay(events) else { return nil }
        incident = state
        self.now = now
        self.size = size
        self.timeZone = timeZone
        viewed = state.phase ?? .close
        log.append(events.flatMap(EventLog.lines(for:)))
    }

    public static let minimumSize = Size(width: 80, height: 24)
    public var isTooSmall: Bool { size.width < Self.minimumSize.width || size.height < Self.minimumSize.height }

    /// What the main pane lets the arrows select.
    public var selectable: KeyContext? {
        switch viewed {
        case .assess: .assess
        case .test, .deploy: .checklist
        default: nil
        }
    }

    var selectableCount: Int {
        switch selectable {
        case .assess: AssessField.allCases.count
        case .checklist: ChecklistItem.allCases.count
        default: 0
        }
    }

    public var contexts: [KeyContext] { KeyMap.contexts(logFocused: logFocused, selectable: selectable, viewing: viewed, finished: finished) }

    public var timing: Timing { Timing(incident, now: now) }

    /// Rows of log text visible at the current size.
    public var logHeight: Int { max(1, ConsoleLayout(size: size).log.height - 2) }
}
