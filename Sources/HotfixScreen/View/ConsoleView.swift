import Foundation
import HotfixEngine

/// What the console shows at one moment: everything the widgets draw and nothing they decide.
/// The controller (HotfixConsole) builds it from its model after each batch of messages;
/// `Screen.render` draws it. Keys, jobs and refusals never reach this module.
public struct ConsoleView: Sendable {
    public var incident: IncidentState
    public var now: Date
    public var size: Size
    public var timeZone: TimeZone
    /// The phase shown in the main pane.
    public var viewed: Phase
    /// The selected row of the main pane (an answer or a checklist item).
    public var selection: Int
    public var logFocused: Bool
    /// A line being typed, or a question being asked.
    public var prompt: PromptView?
    public var showHelp: Bool
    /// The first row of the `?` overlay shown.
    public var helpScroll: Int
    public var log: LogPane
    public var status: StatusMessage?
    /// What a background job is doing now.
    public var activity: String?
    /// The help bar's keys, most specific first (the bar drops from the middle when it is too narrow).
    public var helpBar: [HelpItem]
    /// Every binding, by where it applies, for the `?` overlay.
    public var helpSections: [HelpSection]
    /// The configured monitoring window and warm-up, in seconds.
    public var deployWindow: Double
    public var deployWarmup: Double
    /// The deploy's monitoring window, once log lines arrive.
    public var monitor: MonitorPanel?
    /// The pods' log stream, when it is the DEPLOY pane's content (it then takes the log pane's place too).
    public var stream: StreamPanel?
    /// The log pane takes the DEPLOY pane's place (tab in the stream: the incident's events).
    public var logFillsDeployPane: Bool
    /// The FIX pane's repository, live branch, editor and (in the demo) what is wrong.
    public var fix: FixContext
    /// The deploy waiting for a rollout made elsewhere.
    public var waiting: WaitPanel?
    /// How the deploy rolls out and rolls back, for the DEPLOY pane's hints.
    public var deployWords: DeployWords
    /// The deploy's own steps for the attempt in play (or the next), configured or not.
    public var deploySteps: [DeployStep]
    /// What DEPLOY's keys offer now (after a verdict, only what makes sense after it).
    public var deployNext: DeployNext

    public init(incident: IncidentState, now: Date, size: Size, timeZone: TimeZone, viewed: Phase, selection: Int = 0,
                logFocused: Bool = false, prompt: PromptView? = nil, showHelp: Bool = false, helpScroll: Int = 0,
                log: LogPane = LogPane(), status: StatusMessage? = nil, activity: String? = nil, helpBar: [HelpItem] = [],
                helpSections: [HelpSection] = [], deployWindow: Double = 300, deployWarmup: Double = 30,
                monitor: MonitorPanel? = nil, stream: StreamPanel? = nil, logFillsDeployPane: Bool = false, fix: FixContext = FixContext(),
                waiting: WaitPanel? = nil, deployWords: DeployWords = DeployWords(), deploySteps: [DeployStep] = [],
                deployNext: DeployNext = .beforeVerdict) {
        self.incident = incident; self.now = now; self.size = size; self.timeZone = timeZone; self.viewed = viewed
        self.selection = selection; self.logFocused = logFocused; self.prompt = prompt; self.showHelp = showHelp
        self.helpScroll = helpScroll; self.log = log; self.status = status; self.activity = activity
        self.helpBar = helpBar; self.helpSections = helpSections; self.deployWindow = deployWindow
        self.deployWarmup = deployWarmup; self.monitor = monitor; self.stream = stream
        self.logFillsDeployPane = logFillsDeployPane; self.fix = fix
        self.waiting = waiting; self.deployWords = deployWords; self.deploySteps = deploySteps; self.deployNext = deployNext
    }

    /// Below this the console shows only the too-small notice.
    public static let minimumSize = Size(width: 80, height: 24)
    public var isTooSmall: Bool { size.width < Self.minimumSize.width || size.height < Self.minimumSize.height }

    public var timing: Timing { Timing(incident, now: now) }
}

/// A line of text being typed at the bottom of the screen or in place, or a yes/no question.
public enum PromptView: Equatable, Sendable {
    case answer(AssessField, TextInput)
    case waive(ChecklistItem, TextInput)
    case search(TextInput)
    /// The DEPLOY stream's filter being typed.
    case filter(TextInput)
    /// A guardrail refused `next`; a written reason passes it.
    case override(TextInput)
    /// A step's plan is in the log: run it? (y/n, default no)
    case confirm(question: String)
    /// Back to FIX for the next attempt? (y/n, default no)
    case retry(question: String)
    /// `E` in FIX: which file to open in the editor.
    case pickFile(FilePick)
    /// `c` in FIX: the commit's message, typed in place (`Fix: ` first).
    case commitMessage(TextInput)
}

/// One key (or keys) and what it does, for the help bar.
public struct HelpItem: Equatable, Sendable {
    public var keys: String
    public var label: String
    public init(_ keys: String, _ label: String) { self.keys = keys; self.label = label }
}

/// A group of the `?` overlay: where the keys apply, and each key with its sentence.
public struct HelpSection: Equatable, Sendable {
    public var title: String
    public var rows: [HelpItem]
    public init(title: String, rows: [HelpItem]) { self.title = title; self.rows = rows }
}

extension HelpSection {
    /// The `?` overlay's row where `sections[index]` begins (each section is its title, then a row per key).
    public static func row(of index: Int, in sections: [HelpSection]) -> Int {
        sections.prefix(index).reduce(0) { $0 + 1 + $1.rows.count }
    }

    /// How many of the overlay's `rows` show on a terminal `height` rows high (the help bar stays, the box takes two).
    public static func visibleRows(_ rows: Int, terminalHeight height: Int) -> Int {
        max(1, min(height - 1, rows + 2) - 2)
    }

    /// How far the overlay scrolls: until its last row is at the bottom, no further.
    public static func maxScroll(_ sections: [HelpSection], terminalHeight height: Int) -> Int {
        let rows = row(of: sections.count, in: sections)
        return max(0, rows - visibleRows(rows, terminalHeight: height))
    }
}

/// A one-line message on the status row: the result of the last action.
public struct StatusMessage: Equatable, Sendable {
    public var text: String
    public var role: Role
    public init(_ text: String, role: Role) { self.text = Sanitize.inline(text); self.role = role }
}
