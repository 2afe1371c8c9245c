import Foundation
import HotfixEngine
import HotfixScreen

/// What a key does: an action from the key map, or typing into the prompt.
extension ConsoleModel {
    mutating func press(_ key: Key) -> [ConsoleEffect] {
        if key == .ctrl("c") { return [.quit] }
        if showHelp {
            switch key {
            case .escape, .char("?"), .char("q"), .enter: showHelp = false; helpScroll = 0
            case .down, .char("j"): helpScroll += 1
            case .up, .char("k"): helpScroll -= 1
            case .pageDown, .char(" "): helpScroll += max(1, size.height - 4)
            case .pageUp: helpScroll -= max(1, size.height - 4)
            default: break
            }
            helpScroll = max(0, min(helpScroll, HelpSection.maxScroll(keyMap.sections, terminalHeight: size.height)))
            return []
        }
        if isTooSmall { return key == .char("q") ? [.quit] : [] }
        if let prompt { return edit(prompt, key) }
        let action = keyMap.action(for: key, in: contexts)
        // Looking through the stream keeps the status row (the verdict's next step stays in view).
        if !(streamShown && action.map(Self.streamActions.contains) == true) { status = nil }
        guard let action else {
            if key == .escape, logFocused { backToStream() }
            if key == .pageUp || key == .pageDown { log.scroll(by: (key == .pageUp ? -1 : 1) * logHeight, height: logHeight) }
            return []
        }
        return perform(action)
    }

    mutating func perform(_ action: Action) -> [ConsoleEffect] {
        if let handled = performStream(action) { return handled }
        switch action {
        case .quit: return [.quit]
        case .help:
            showHelp = true
            helpScroll = helpStart
        case .advance: return advance(override: nil)
        case .viewPrevious: view(Phase.allCases[max(0, viewed.index - 1)])
        case .viewNext: view(Phase.allCases[min(Phase.allCases.count - 1, viewed.index + 1)])
        case .viewPhase(let i): if i < Phase.allCases.count { view(Phase.allCases[i]) }
        case .up:
            if logFocused { log.scroll(by: -1, height: logHeight) } else { selection = max(0, selection - 1) }
        case .down:
            if logFocused { log.scroll(by: 1, height: logHeight) } else { selection = min(max(0, selectableCount - 1), selection + 1) }
        case .edit:
            guard let field = AssessField(rawValue: selection) else { break }
            prompt = .answer(field, TextInput(field.answer(in: incident.assessment) ?? ""))
        case .toggle: return toggle()
        case .runTests: return run(.tests)
        case .runStep: return runStep()
        case .rollback: return run(.rollback)
        case .retry: askRetry()
        case .writeReport: return run(.report)
        case .editPostmortem:
            guard activity == nil else {
                status = StatusMessage("wait for the running job to finish, then edit", role: .warning)
                return []
            }
            return [.editPostmortem]
        case .editFile: return pickFile()
        case .openShell: return openShell()
        case .commitFix: askCommitMessage()
        case .waive:
            guard let item = selectedItem else { break }
            prompt = .waive(item, TextInput(incident.checklist[item]?.reason ?? ""))
        case .focusLog:
            if stream?.showEvents == true { backToStream() } else { logFocused.toggle() }
        case .toggleEvents: backToStream()
        case .streamFilter, .errorsOnly, .cycleSide, .podList, .nextMark, .previousMark, .togglePause, .clearFilters, .pickPod, .closePods, .toggleWrap:
            break  // the stream's keys, when it is not in view
        case .follow: log.follow()
        case .pause: log.togglePause(height: logHeight)
        case .search: prompt = .search(TextInput(log.query ?? ""))
        case .nextMatch: log.jumpToMatch(forward: true, height: logHeight)
        case .previousMatch: log.jumpToMatch(forward: false, height: logHeight)
        case .pageUp: log.scroll(by: -logHeight, height: logHeight)
        case .pageDown: log.scroll(by: logHeight, height: logHeight)
        case .top: log.jumpTop()
        case .bottom: log.jumpEnd()
        }
        return []
    }

    /// The keys that only move through the stream or narrow it.
    static let streamActions: Set<Action> = [.streamFilter, .errorsOnly, .cycleSide, .podList, .nextMark, .previousMark, .togglePause,
                                             .clearFilters, .toggleWrap, .follow, .pause, .up, .down, .pageUp, .pageDown, .top, .bottom,
                                             .pickPod, .closePods]

    /// Leaves the log pane; in DEPLOY the stream comes back in its place.
    mutating func backToStream() {
        logFocused = false
        stream?.showEvents = false
    }

    mutating func view(_ phase: Phase) {
        guard phase != viewed else { return }
        viewed = phase
        selection = 0
    }

    var selectedItem: ChecklistItem? {
        guard selectable == .checklist, ChecklistItem.allCases.indices.contains(selection) else { return nil }
        return ChecklistItem.allCases[selection]
    }

    /// Space: a passed item goes back to unchecked, anything else is passed by hand.
    mutating func toggle() -> [ConsoleEffect] {
        guard let item = selectedItem else { return [] }
        let passed = incident.checklist[item]?.status == .passed
        return decide(.check(Check(item: item, status: passed ? .unchecked : .passed, source: .manual)))
    }

    mutating func advance(override: String?) -> [ConsoleEffect] {
        do {
            let bodies = try Engine.decide(.advance(override: override, fix: fix), state: incident)
            prompt = nil
            if override != nil { status = nil }  // the refusal it answered is settled
            return bodies.isEmpty ? [] : [.append(bodies)]
        } catch {
            if override == nil, error.kind == .refused, !incident.isClosed {
                // The guardrails' own words first: at 80 columns the "cannot move X → Y" prefix would hide them.
                let why = Guardrails.forAdvance(in: incident, fix: fix).map(\.message).joined(separator: "; ")
                status = StatusMessage((why.isEmpty ? error.message : why) + " — type a reason to override, esc to cancel", role: .warning)
                prompt = .override(TextInput())
            } else {
                show(error)
            }
            return []
        }
    }

    /// Runs a command through the engine; a refusal becomes the status message.
    mutating func decide(_ command: Command) -> [ConsoleEffect] {
        do {
            let bodies = try Engine.decide(command, state: incident)
            return bodies.isEmpty ? [] : [.append(bodies)]
        } catch {
            show(error)
            return []
        }
    }

    /// Whether `b` would go back to FIX now: DEPLOY in view and active, no job running, and the
    /// engine allows it (the latest attempt did not pass).
    public var canRetry: Bool {
        viewed == .deploy && incident.phase == .deploy && activity == nil && (try? Engine.decide(.retry, state: incident)) != nil
    }

    /// The way back the screen offers (`b` in the help bar): the latest deploy was judged, and not
    /// a PASS still in production.
    public var retryOffered: Bool { canRetry && deployNext.retry }

    /// `b`: asks before going back to FIX (the checklist is to be passed again after it).
    mutating func askRetry() {
        guard activity == nil else {
            status = StatusMessage("wait for \(job?.title ?? "the running job") to finish, then go back to FIX", role: .warning)
            return
        }
        do {
            let record = try Engine.retry(incident)
            let left = incident.latestAttempt.flatMap { $0.retriedAt == nil ? $0 : nil }
            let after = left.map { " after attempt \($0.number)'s \($0.outcome?.rawValue ?? "deploy")" } ?? ""
            prompt = .retry(question: "Back to FIX for attempt \(record.attempt)\(after)? (the checklist is passed again)")
        } catch {
            status = StatusMessage(error.message + (error.next.map { " — \($0)" } ?? ""), role: .warning)
        }
    }

    mutating func edit(_ current: Prompt, _ key: Key) -> [ConsoleEffect] {
        if case .confirm(let job, _) = current { return confirm(job, key) }
        if case .filter(let input, let previous) = current {
            editFilter(key, input: input, previous: previous)
            return []
        }
        if case .pickFile(let pick) = current { return pickKey(pick, key) }
        if case .retry = current {
            switch key {
            case .char("y"), .char("Y"):
                prompt = nil
                return decide(.retry)
            case .char("n"), .char("N"), .enter, .escape:
                prompt = nil
                status = StatusMessage("not confirmed: still in DEPLOY, nothing was recorded", role: .warning)
            default:
                break
            }
            return []
        }
        switch key {
        case .escape:
            prompt = nil
            status = nil
            return []
        case .enter:
            return commit(current)
        default:
            var input = current.input
            if input.handle(key) {
                prompt = current.with(input)
                if case .search = current { log.query = input.text.isEmpty ? nil : input.text }
            }
            return []
        }
    }

    /// y runs the confirmed job; n, enter and esc cancel it (the default is no); pgup/pgdn scroll the
    /// plan in the log; other keys are ignored.
    mutating func confirm(_ job: ConsoleJob, _ key: Key) -> [ConsoleEffect] {
        switch key {
        case .pageUp, .pageDown:
            log.scroll(by: (key == .pageUp ? -1 : 1) * logHeight, height: logHeight)
        case .char("y"), .char("Y"):
            prompt = nil
            if job == .rollback {
                // Things may have moved on while the question was up (the window ended, the deploy finished).
                if deployWindowOpen {
                    activity = "ending the monitoring window early to roll back"
                    return [.endWindow(.rollback)]
                }
                if let refusal = refusal(job) {
                    status = StatusMessage(refusal, role: .warning)
                    return []
                }
            }
            // The DEPLOY pane scrolls to the selected checklist item: back to the top, so the
            // monitoring block above the checklist stays in view through the window.
            if job == .deploy && viewed == .deploy { selection = 0 }
            return start(job)
        case .char("n"), .char("N"), .enter, .escape:
            prompt = nil
            status = StatusMessage("not confirmed: \(job.title) did not run, nothing was changed", role: .warning)
        default:
            break
        }
        return []
    }

    mutating func commit(_ current: Prompt) -> [ConsoleEffect] {
        let text = current.input.text
        switch current {
        case .answer(let field, _):
            prompt = nil
            return decide(.assess(field.assessment(text)))
        case .waive(let item, _):
            let effects = decide(.check(Check(item: item, status: .waived, reason: text, source: .manual)))
            if !effects.isEmpty { prompt = nil }
            return effects
        case .search:
            prompt = nil
            log.query = text.isEmpty ? nil : text
            log.match = nil
            if !text.isEmpty {
                log.jumpToMatch(forward: false, height: logHeight)
                if log.match == nil { status = StatusMessage("no log line matches '\(text)'", role: .warning) }
            }
            return []
        case .override:
            guard !text.trimmingCharacters(in: .whitespaces).isEmpty else {
                status = StatusMessage("an override needs a written reason (esc cancels)", role: .warning)
                return []
            }
            return advance(override: text)
        case .confirm(let job, _):
            return confirm(job, .enter)
        case .filter(let input, let previous):
            editFilter(.enter, input: input, previous: previous)
            return []
        case .retry, .pickFile:
            return edit(current, .enter)
        case .commitMessage:
            return commitMessageEntered(text)
        }
    }
}
