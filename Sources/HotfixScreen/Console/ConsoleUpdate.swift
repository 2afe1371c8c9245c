import Foundation
import HotfixEngine

extension ConsoleModel {
    /// Applies one message; returns what the runtime should do. Changes to the incident are
    /// never made here: they are decided by `Engine.decide` and come back through the journal.
    public mutating func update(_ message: ConsoleMessage) -> [ConsoleEffect] {
        switch message {
        case .tick(let date):
            now = date
            monitor?.settle()
        case .resize(let s):
            size = s
        case .journal(let events):
            receive(events)
        case .output(let lines):
            log.append(lines)
        case .activity(let text):
            activity = text.map(Sanitize.inline)
        case .monitor(let inputs):
            var m = monitor ?? MonitorModel()
            monitor = nil  // keep one copy while ingesting
            for input in inputs {
                switch input {
                case .line(let text, let side, let at): m.ingest(text, side: side, receivedAt: at)
                case .deployStarted(let at): m.deployStarted(at: at)
                case .clock(let at): monitorNow = at
                }
            }
            monitor = m
        case .failed(let error):
            status = StatusMessage(error.description, role: .overdue)
        case .key(let key):
            return press(key)
        }
        return []
    }

    mutating func receive(_ events: [Event]) {
        let before = incident.phase
        for e in events where e.seq > incident.lastSeq { incident.apply(e) }
        log.append(events.flatMap(EventLog.lines(for:)))
        if incident.phase != before, viewed == before ?? viewed {
            viewed = incident.phase ?? .close
            selection = 0
        }
    }

    mutating func press(_ key: Key) -> [ConsoleEffect] {
        if key == .ctrl("c") { return [.quit] }
        if showHelp {
            if [.escape, .char("?"), .char("q"), .enter].contains(key) { showHelp = false }
            return []
        }
        if isTooSmall { return key == .char("q") ? [.quit] : [] }
        if let prompt { return edit(prompt, key) }
        status = nil
        guard let action = keyMap.action(for: key, in: contexts) else {
            if key == .escape, logFocused { logFocused = false }
            if key == .pageUp || key == .pageDown { log.scroll(by: (key == .pageUp ? -1 : 1) * logHeight, height: logHeight) }
            return []
        }
        return perform(action)
    }

    mutating func perform(_ action: Action) -> [ConsoleEffect] {
        switch action {
        case .quit: return [.quit]
        case .help: showHelp = true
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
        case .runTests:
            if activity != nil {
                status = StatusMessage("the tests are already running; their output is in the log", role: .warning)
            } else if incident.isClosed {
                status = StatusMessage("incident \(incident.id) is closed", role: .overdue)
            } else {
                activity = "starting the tests"
                return [.runTests]
            }
        case .waive:
            guard let item = selectedItem else { break }
            prompt = .waive(item, TextInput(incident.checklist[item]?.reason ?? ""))
        case .focusLog: logFocused.toggle()
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
            let bodies = try Engine.decide(.advance(override: override), state: incident)
            prompt = nil
            return bodies.isEmpty ? [] : [.append(bodies)]
        } catch {
            if override == nil, error.kind == .refused, !incident.isClosed {
                status = StatusMessage(error.message + " — type a reason to override, esc to cancel", role: .warning)
                prompt = .override(TextInput())
            } else {
                status = StatusMessage(error.description, role: .overdue)
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
            status = StatusMessage(error.description, role: .overdue)
            return []
        }
    }

    mutating func edit(_ current: Prompt, _ key: Key) -> [ConsoleEffect] {
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
        }
    }
}
