import HotfixEngine
import HotfixScreen

/// Something a key does in the console.
public enum Action: Hashable, Sendable {
    case quit, help
    case advance
    case viewPrevious, viewNext, viewPhase(Int)
    case up, down
    case edit, toggle, waive, runTests
    /// Run the viewed phase's step (BRANCH branch, FIX diff, DEPLOY deploy, BACKPORT backport, CLOSE finish).
    case runStep
    case rollback, writeReport, editPostmortem
    /// FIX: open a file in the editor, a shell in the repository, commit the fix.
    case editFile, openShell, commitFix
    /// After a deploy that did not pass: back to FIX for the next attempt (`hotfix retry`).
    case retry
    case focusLog
    case follow, pause, search, nextMatch, previousMatch
    case pageUp, pageDown, top, bottom
    /// The DEPLOY stream: filter by text or regex, errors only, old/new, the pod list, marked lines,
    /// follow or pause, the events instead, every filter off.
    case streamFilter, errorsOnly, cycleSide, podList, nextMark, previousMark, togglePause, toggleEvents, clearFilters, toggleWrap
    /// The pod list: show the selected pod's lines only (or every pod's), or close it.
    case pickPod, closePods
}

/// Where the keyboard is: the main pane (with what it shows) or the log pane. In the `?`
/// overlay's order: the keys of one place next to each other (the checklist between TEST and
/// DEPLOY, where it is shown; DEPLOY's stream and pod list right after DEPLOY).
public enum KeyContext: String, Hashable, Sendable, CaseIterable {
    case everywhere, assess, branch, fix, tests, checklist, deploy, stream, podList, backport, close, finished, main, log

    public var title: String {
        switch self {
        case .everywhere: "Everywhere"
        case .assess: "ASSESS answers"
        case .branch: "BRANCH phase"
        case .fix: "FIX phase"
        case .tests: "TEST phase"
        case .deploy: "DEPLOY phase"
        case .backport: "BACKPORT phase"
        case .close: "CLOSE phase"
        case .finished: "CLOSE, once merged, tagged and pushed"
        case .checklist: "Pre-deploy checklist"
        case .stream: "DEPLOY, while the pods' logs stream"
        case .podList: "The pod list (P in the stream)"
        case .main: "Main pane"
        case .log: "Log pane (after l)"
        }
    }

    /// The context of the keys that run a phase's steps (ASSESS has its answers instead).
    public static func of(_ phase: Phase) -> KeyContext? {
        switch phase {
        case .assess: nil
        case .branch: .branch
        case .fix: .fix
        case .test: .tests
        case .deploy: .deploy
        case .backport: .backport
        case .close: .close
        }
    }
}

/// One binding: keys, the action, and the words the help bar and the overlay show.
public struct Binding: Sendable {
    public var keys: [Key]
    public var action: Action
    /// Short text for the help bar, e.g. `toggle`.
    public var short: String
    /// A sentence for the `?` overlay.
    public var description: String
    public var context: KeyContext
    /// Shown in the one-line help bar (the overlay shows every binding).
    public var inBar: Bool

    public var keyLabel: String { keys.map(\.label).joined(separator: "/") }
}

/// The console's key bindings as data: the help bar and the overlay are generated from it.
public struct KeyMap: Sendable {
    public var bindings: [Binding]

    public static let standard = KeyMap(bindings: [
        Binding(keys: [.char("e"), .enter], action: .edit, short: "edit answer", description: "type the selected answer in place; enter saves, esc cancels", context: .assess, inBar: true),
        Binding(keys: [.enter], action: .runStep, short: "create branch", description: "hotfix branch: fetch, fast-forward main, create and check out hotfix/{id} (local refs only)", context: .branch, inBar: true),
        Binding(keys: [.char("E")], action: .editFile, short: "edit", description: "open a file in $VISUAL/$EDITOR (vi): changed, named or typed", context: .fix, inBar: true),
        Binding(keys: [.char("!")], action: .openShell, short: "shell", description: "a shell ($SHELL) in the repository; exit comes back here", context: .fix, inBar: false),
        Binding(keys: [.char("c")], action: .commitFix, short: "commit", description: "commit the changes as \"Fix: …\": shows git add/commit, y/n", context: .fix, inBar: true),
        Binding(keys: [.enter], action: .runStep, short: "check diff", description: "hotfix diff: the diff and its warnings, into the journal", context: .fix, inBar: false),
        Binding(keys: [.char("t"), .enter], action: .runTests, short: "run tests", description: "run the smoke and critical-path tests; their output streams into the log", context: .tests, inBar: true),
        Binding(keys: [.enter], action: .runStep, short: "deploy", description: "plan first, then y/n; a judged attempt is not deployed again (unless nothing rolled out or its PASS was rolled back)", context: .deploy, inBar: true),
        Binding(keys: [.char("r")], action: .rollback, short: "rollback", description: "show the kubectl rollout undo line, then y/n: roll back to the baseline revision", context: .deploy, inBar: true),
        Binding(keys: [.char("b")], action: .retry, short: "retry", description: "y/n, then back to FIX for the next attempt (hotfix retry)", context: .deploy, inBar: true),
        Binding(keys: [.enter], action: .runStep, short: "backport", description: "hotfix backport: merge into develop and every feature/* (local, nothing pushed)", context: .backport, inBar: true),
        Binding(keys: [.enter], action: .runStep, short: "finish", description: "show the plan (hotfix finish --dry-run), then y/n: merge, tag, push, delete the branch; then the report", context: .close, inBar: true),
        Binding(keys: [.enter, .char("R")], action: .writeReport, short: "report", description: "finish is done: write the report and the post-mortem (hotfix report, hotfix postmortem)", context: .finished, inBar: true),
        Binding(keys: [.char("R")], action: .writeReport, short: "report", description: "write the report and the post-mortem (hotfix report, hotfix postmortem)", context: .close, inBar: true),
        Binding(keys: [.char("E")], action: .editPostmortem, short: "edit post-mortem", description: "open the post-mortem in $EDITOR (the console steps aside and comes back)", context: .close, inBar: false),
        Binding(keys: [.char("/")], action: .streamFilter, short: "filter", description: "filter by a text or a regex (case-insensitive); it narrows as you type", context: .stream, inBar: true),
        Binding(keys: [.char("e")], action: .errorsOnly, short: "errors", description: "errors only: error entries with their stack traces, and pod problems", context: .stream, inBar: true),
        Binding(keys: [.char("o")], action: .cycleSide, short: "old/new", description: "every pod, then the old pods only (-), then the new ones only (+)", context: .stream, inBar: false),
        Binding(keys: [.char("P")], action: .podList, short: "pods", description: "the pod list: age, restarts, lines, error rate; enter shows one pod's lines", context: .stream, inBar: true),
        Binding(keys: [.char("]"), .char("[")], action: .nextMark, short: "marks", description: "next / previous marked line: ◆ new error, ● targeted error, ▲ pod problem", context: .stream, inBar: true),
        Binding(keys: [.char(" ")], action: .togglePause, short: "pause", description: "pause the stream (lines keep coming, counted), or follow again", context: .stream, inBar: false),
        Binding(keys: [.char("w")], action: .toggleWrap, short: "wrap", description: "wrap long lines onto more rows, or cut them again", context: .stream, inBar: false),
        Binding(keys: [.char("f"), .char("G")], action: .follow, short: "follow", description: "follow the newest lines again", context: .stream, inBar: false),
        Binding(keys: [.char("p")], action: .pause, short: "pause", description: "pause the stream where it is", context: .stream, inBar: false),
        Binding(keys: [.up, .char("k")], action: .up, short: "scroll up", description: "scroll up one line (pauses)", context: .stream, inBar: false),
        Binding(keys: [.down, .char("j")], action: .down, short: "scroll down", description: "scroll down one line; at the newest line it follows again", context: .stream, inBar: false),
        Binding(keys: [.pageUp, .pageDown], action: .pageUp, short: "page", description: "scroll one page", context: .stream, inBar: false),
        Binding(keys: [.char("g")], action: .top, short: "oldest", description: "jump to the oldest line kept (logs.history)", context: .stream, inBar: false),
        Binding(keys: [.tab], action: .toggleEvents, short: "events", description: "the incident's events (the log pane) in the stream's place; tab comes back", context: .stream, inBar: true),
        Binding(keys: [.escape], action: .clearFilters, short: "clear", description: "drop every filter (text, errors, old/new, pod) and follow", context: .stream, inBar: false),
        Binding(keys: [.up, .char("k")], action: .up, short: "up", description: "select the pod above", context: .podList, inBar: false),
        Binding(keys: [.down, .char("j")], action: .down, short: "down", description: "select the pod below", context: .podList, inBar: false),
        Binding(keys: [.enter], action: .pickPod, short: "show its lines", description: "show the selected pod's lines only (the first row: every pod's)", context: .podList, inBar: true),
        Binding(keys: [.escape, .char("P")], action: .closePods, short: "close", description: "close the pod list", context: .podList, inBar: true),
        Binding(keys: [.char(" ")], action: .toggle, short: "toggle", description: "pass the selected item, or clear it", context: .checklist, inBar: true),
        Binding(keys: [.char("w")], action: .waive, short: "waive", description: "waive the selected item with a written reason", context: .checklist, inBar: true),
        Binding(keys: [.up, .char("k")], action: .up, short: "up", description: "select the item above", context: .main, inBar: false),
        Binding(keys: [.down, .char("j")], action: .down, short: "down", description: "select the item below", context: .main, inBar: false),
        Binding(keys: [.char("n")], action: .advance, short: "next phase", description: "finish the active phase and start the next (guardrails may ask for a reason)", context: .main, inBar: true),
        Binding(keys: [.left, .right], action: .viewNext, short: "view phase", description: "view the previous / next phase (the active one keeps running)", context: .everywhere, inBar: true),
        Binding(keys: [.char("1"), .char("2"), .char("3"), .char("4"), .char("5"), .char("6"), .char("7")], action: .viewPhase(0), short: "phase", description: "view phase 1 to 7", context: .everywhere, inBar: false),
        Binding(keys: [.char("l")], action: .focusLog, short: "logs", description: "move the keyboard to the log pane and back", context: .everywhere, inBar: true),
        Binding(keys: [.up, .char("k")], action: .up, short: "scroll up", description: "scroll the log up one line", context: .log, inBar: false),
        Binding(keys: [.down, .char("j")], action: .down, short: "scroll down", description: "scroll the log down one line", context: .log, inBar: false),
        Binding(keys: [.pageUp, .pageDown], action: .pageUp, short: "page", description: "scroll the log one page (works from the main pane too)", context: .log, inBar: true),
        Binding(keys: [.char("g"), .char("G")], action: .top, short: "top/end", description: "jump to the first / last log line", context: .log, inBar: false),
        Binding(keys: [.char("f")], action: .follow, short: "follow", description: "follow new log lines (jumps to the end)", context: .log, inBar: true),
        Binding(keys: [.char("p")], action: .pause, short: "pause", description: "freeze the log view; new lines are counted, not shown", context: .log, inBar: true),
        Binding(keys: [.char("/")], action: .search, short: "search", description: "search the log; matches are highlighted", context: .log, inBar: true),
        Binding(keys: [.char("n"), .char("N")], action: .nextMatch, short: "next/prev match", description: "jump to the next / previous match", context: .log, inBar: true),
        Binding(keys: [.tab], action: .toggleEvents, short: "stream", description: "during DEPLOY: back to the pods' stream", context: .log, inBar: true),
        Binding(keys: [.char("?")], action: .help, short: "help", description: "show every binding", context: .everywhere, inBar: true),
        Binding(keys: [.char("q"), .ctrl("c")], action: .quit, short: "quit", description: "leave the console (the incident keeps running)", context: .everywhere, inBar: true),
    ])

    /// The contexts active for the current view, most specific first.
    /// `finished`: CLOSE's merge, tag and push are done, so enter writes the report.
    public static func contexts(logFocused: Bool, selectable: KeyContext?, viewing phase: Phase, finished: Bool = false) -> [KeyContext] {
        if logFocused { return [.log, .everywhere] }
        let step = KeyContext.of(phase).map { $0 == .close && finished ? [.finished, $0] : [$0] } ?? []
        return step + (selectable.map { [$0] } ?? []) + [.main, .everywhere]
    }

    /// The action of `key` in `contexts` (searched in order), if any.
    public func action(for key: Key, in contexts: [KeyContext]) -> Action? {
        for context in contexts {
            for binding in bindings where binding.context == context {
                guard let i = binding.keys.firstIndex(of: key) else { continue }
                return Self.variant(binding.action, keyIndex: i)
            }
        }
        return nil
    }

    /// Bindings that list several keys mean a family: left/right, 1…7, up/down, pgup/pgdn, g/G, n/N.
    static func variant(_ action: Action, keyIndex i: Int) -> Action {
        switch action {
        case .viewNext: i == 0 ? .viewPrevious : .viewNext
        case .viewPhase: .viewPhase(i)
        case .pageUp: i == 0 ? .pageUp : .pageDown
        case .top: i == 0 ? .top : .bottom
        case .nextMatch: i == 0 ? .nextMatch : .previousMatch
        case .nextMark: i == 0 ? .nextMark : .previousMark
        default: action
        }
    }

    /// The bindings for the help bar in `contexts`, most specific first; one whose keys all do
    /// something else here (a more specific binding took them) is left out.
    public func bar(for contexts: [KeyContext]) -> [Binding] {
        var taken = Set<Key>()
        var out: [Binding] = []
        for context in contexts {
            for b in bindings where b.context == context && b.inBar && !b.keys.allSatisfy(taken.contains) {
                taken.formUnion(b.keys)
                out.append(b)
            }
        }
        return out
    }
}
