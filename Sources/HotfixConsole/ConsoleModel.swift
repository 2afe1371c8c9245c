// HotfixConsole: the console's controller, Bubble Tea style. One model (`ConsoleModel`), one
// `update` that takes a message (a key, a tick, journal events, a job's progress) and returns
// effects for the event loop to carry out; key bindings are data (`KeyMap`) and the help is
// generated from them; background jobs call the workflow (HotfixWorkflow) in-process and report
// back as messages. Changes to the incident are decided by the engine and reach the screen through
// the journal. The model hands HotfixScreen a `ConsoleView` to draw; the event loop, ncurses and
// the wiring live in the executable.

import Foundation
import HotfixEngine
import HotfixLogs
import HotfixScreen

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
    /// The monitoring window as the DEPLOY pane shows it, derived from `monitor` once per update
    /// (see `refreshMonitor`), never while drawing.
    public internal(set) var monitorPanel: MonitorPanel?
    /// The deploy waiting for a rollout it does not make itself (`deploy.rollout: external`, a
    /// command such as helm upgrade): what for, since when, what was seen.
    public var rolloutWait: RolloutWait?
    /// The wait as the DEPLOY pane shows it at `now`, derived once per update.
    public internal(set) var waitPanel: WaitPanel?
    /// How this repository's deploy rolls out and rolls back, in words for the DEPLOY pane's hints.
    public var deployWords = DeployWords()
    /// The pods' log stream of this console's deploy (or replay), while the incident is in DEPLOY:
    /// the DEPLOY pane's main content. Bounded by `streamCapacity` lines (`logs.history`).
    public var stream: LogStream?
    public var streamCapacity = 10_000
    /// Reads a replay's kubectl-prefixed lines into the stream.
    var replayReader = PrefixedLineReader()
    /// What the hotfix branch holds (read from git while in FIX): `n` leaving FIX is judged on it,
    /// and the FIX pane shows it.
    public var fix: FixProgress?
    /// The repository's root, for the FIX pane.
    public var repository: String?
    /// The editor `E` opens (`vim ($EDITOR)`), or why there is none.
    public var editor: String?
    public var editorProblem: String?
    /// A practice incident's answer key (`hotfix demo`), shown in the FIX pane.
    public var drill: Drill?
    /// Files of the repository the assessment names, offered by `E`.
    public var namedFiles: [String] = []
    /// Why the latest commit did not go through, shown in the FIX pane until the next one.
    public var commitFailure: HotfixError?
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

    public var isTooSmall: Bool { size.width < ConsoleView.minimumSize.width || size.height < ConsoleView.minimumSize.height }

    /// What the main pane lets the arrows select.
    public var selectable: KeyContext? {
        if streamShown { return nil }
        return switch viewed {
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

    public var contexts: [KeyContext] {
        if streamShown, !logFocused { return stream?.showPods == true ? [.podList, .everywhere] : [.deploy, .stream, .main, .everywhere] }
        return KeyMap.contexts(logFocused: logFocused, selectable: selectable, viewing: viewed, finished: incident.isFinished)
    }

    /// The DEPLOY pane is the pods' stream now: DEPLOY in view, lines have come, the events are
    /// not asked for (tab), and no question waits on a plan that is in the events' log.
    public var streamShown: Bool {
        guard viewed == .deploy, let stream, !stream.showEvents, stream.received > 0 || stream.podsSeen > 0 else { return false }
        if case .confirm = prompt { return false }
        return true
    }

    public var timing: Timing { Timing(incident, now: now) }

    /// Rows of log text visible at the current size.
    public var logHeight: Int {
        max(1, (eventsInDeployPane ? StreamView.paneRect(for: size).height : ConsoleLayout(size: size).log.height) - 2)
    }

    /// tab in the stream: the incident's events take the whole DEPLOY pane (a question about a
    /// plan in the log shows the usual layout instead).
    public var eventsInDeployPane: Bool {
        guard viewed == .deploy, stream?.showEvents == true else { return false }
        if case .confirm = prompt { return false }
        return true
    }
}
