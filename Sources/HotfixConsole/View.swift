import Foundation
import HotfixEngine
import HotfixScreen
import HotfixWorkflow

extension ConsoleModel {
    /// What the screen draws now: the model's visible part, with the help built from the key map.
    public var view: ConsoleView {
        ConsoleView(incident: incident, now: now, size: size, timeZone: timeZone, viewed: viewed, selection: selection,
                    logFocused: logFocused, prompt: prompt?.view, showHelp: showHelp, helpScroll: helpScroll, log: log,
                    status: status, activity: activity, helpBar: helpBar, helpSections: keyMap.sections,
                    deployWindow: deployWindow, deployWarmup: deployWarmup, monitor: monitorPanel, stream: streamPanel,
                    logFillsDeployPane: eventsInDeployPane,
                    fix: FixContext(repository: repository, progress: fix, editor: editor, drill: drill, plan: commitPlanShown,
                                    failure: commitFailure),
                    waiting: waitPanel, deployWords: deployWords, deploySteps: viewed == .deploy ? deploySteps : [], deployNext: deployNext)
    }

    /// The commit's commands while its y/n is asked (the FIX pane shows them whole).
    var commitPlanShown: [String]? {
        guard case .confirm(.commit(let request), _) = prompt, let entries = request.expected else { return nil }
        let plan = CommitPlan(branch: fix?.branch ?? "hotfix/\(incident.id)", message: request.message, entries: entries)
        return plan.commands.map { "$ " + GitText.shellWords($0) }
    }

    /// The help bar: the bindings of the current contexts, or the prompt's own keys.
    var helpBar: [HelpItem] {
        switch prompt {
        case .confirm:
            return [HelpItem("y", "yes, run it"), HelpItem("n/enter", "no (the default)"), HelpItem("pgup/pgdn", "read the plan"),
                    HelpItem("ctrl-c", "quit")]
        case .retry:
            return [HelpItem("y", "yes, back to FIX"), HelpItem("n/enter", "no (the default)"), HelpItem("ctrl-c", "quit")]
        case .filter:
            return [HelpItem("enter", "keep the filter"), HelpItem("esc", "drop it"), HelpItem("ctrl-u", "clear"), HelpItem("ctrl-c", "quit")]
        case .pickFile:
            return [HelpItem("↑/↓", "pick"), HelpItem("enter", "open"), HelpItem("tab", "copy the pick"), HelpItem("esc", "cancel"),
                    HelpItem("ctrl-c", "quit")]
        case .commitMessage:
            return [HelpItem("enter", "show what will run"), HelpItem("esc", "cancel"), HelpItem("ctrl-c", "quit")]
        case .some:
            return [HelpItem("enter", "save"), HelpItem("esc", "cancel"), HelpItem("ctrl-c", "quit")]
        case nil:
            // While a job runs, the keys that start one would only be refused: leave them out.
            let startsAJob: Set<Action> = [.runStep, .runTests, .writeReport, .commitFix, .editFile, .openShell]
            // `b` (retry) once a verdict that is not PASS offers the way back to FIX.
            let bar = keyMap.bar(for: contexts)
                .filter { activity == nil || !startsAJob.contains($0.action) }
                .filter { $0.action != .retry || retryOffered }
                .filter { $0.action != .toggleEvents || stream != nil }
                .map { HelpItem($0.keyLabel, $0.short) }
            guard let judged = afterVerdict else { return bar }
            // A verdict stands: what follows it first, and enter's deploy only when a second one is legitimate.
            let replaced = Set(judged.map(\.keys)).union(["enter", "r", "b", "n"])
            return judged + bar.filter { !replaced.contains($0.keys) }
        }
    }

    /// DEPLOY's keys once the latest attempt was judged (in DEPLOY, no job running), in the order
    /// they are likely wanted; nil before a verdict or elsewhere.
    var afterVerdict: [HelpItem]? {
        let next = deployNext
        guard viewed == .deploy, incident.phase == .deploy, activity == nil, next.attempt != nil, !logFocused, stream?.showPods != true else { return nil }
        var items: [HelpItem] = []
        if next.advance == .moves { items.append(HelpItem("n", "next phase")) }
        if next.rollback { items.append(HelpItem("r", "rollback")) }
        if next.retry && canRetry { items.append(HelpItem("b", "retry")) }
        if case .again = next.enter { items.append(HelpItem("enter", "deploy again")) }
        if next.advance == .withReason { items.append(HelpItem("n", "next (a reason)")) }
        return items
    }
}

extension Prompt {
    /// What the screen shows of the prompt (a confirmation shows its question, not its job).
    var view: PromptView {
        switch self {
        case .answer(let f, let t): .answer(f, t)
        case .waive(let i, let t): .waive(i, t)
        case .search(let t): .search(t)
        case .filter(let t, _): .filter(t)
        case .override(let t): .override(t)
        case .confirm(_, let question): .confirm(question: question)
        case .retry(let question): .retry(question: question)
        case .pickFile(let pick): .pickFile(pick)
        case .commitMessage(let t): .commitMessage(t)
        }
    }
}

extension ConsoleModel {
    /// Where `?` opens the overlay: at the first section (in the overlay's order) of the keys that
    /// apply here, more specific than Main pane and Everywhere (FIX's keys in FIX; DEPLOY's, then the
    /// stream's, during the stream; the log pane's after l); the top when there is none. The rest
    /// stays a scroll away.
    public var helpStart: Int {
        let sections = keyMap.sections
        let here = Set(contexts.filter { $0 != .main && $0 != .everywhere }.map(\.title))
        guard let i = sections.firstIndex(where: { here.contains($0.title) }) else { return 0 }
        return min(HelpSection.row(of: i, in: sections), HelpSection.maxScroll(sections, terminalHeight: size.height))
    }
}

extension KeyMap {
    /// Every binding grouped by where it applies, for the `?` overlay.
    public var sections: [HelpSection] {
        KeyContext.allCases.compactMap { context in
            let group = bindings.filter { $0.context == context }
            return group.isEmpty ? nil : HelpSection(title: context.title, rows: group.map { HelpItem($0.keyLabel, $0.description) })
        }
    }
}

extension Screen {
    /// Draws the console model as it is now.
    public static func render(_ model: ConsoleModel) -> CellBuffer { render(model.view) }
}
