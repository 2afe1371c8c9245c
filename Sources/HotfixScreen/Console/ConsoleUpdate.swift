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
            return receive(events)
        case .output(let lines):
            log.append(lines)
        case .activity(let text):
            activity = text.map(Sanitize.inline)
            if text == nil { job = nil }
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
        case .confirm(let job, let question):
            if prompt == nil {
                prompt = .confirm(job, question: question)
                status = nil
            } else {
                status = StatusMessage("the plan of \(job.title) is in the log; run it again when you are done typing", role: .warning)
            }
        case .monitorModel(let m):
            monitor = m
            monitorNow = nil
        case .status(let message):
            status = message
        case .fix(let progress):
            fix = progress
        case .key(let key):
            return press(key)
        }
        return []
    }

    mutating func receive(_ events: [Event]) -> [ConsoleEffect] {
        let before = incident.phase
        var effects: [ConsoleEffect] = []
        for e in events where e.seq > incident.lastSeq {
            // A rollback while this console's window is open was made elsewhere: its own comes after the verdict.
            if case .rollback = e.body, deployWindowOpen { effects = [.endWindow(.rolledBackElsewhere)] }
            incident.apply(e)
        }
        log.append(events.flatMap(EventLog.lines(for:)))
        if incident.phase != before {
            // A refusal shown for the old phase no longer applies.
            if prompt == nil, status?.role == .overdue || status?.role == .warning { status = nil }
            if viewed == before ?? viewed {
                viewed = incident.phase ?? .close
                selection = 0
            }
        }
        return effects
    }

    /// This console's deploy has set the new image and its window has no verdict yet (the rollout
    /// and the monitoring window): a rollback may cut it short.
    public var deployWindowOpen: Bool {
        guard job == .deploy, let setImage = newImageSetAt else { return false }
        return !incident.verdicts.contains { $0.at >= setImage } && !incident.rollbacks.contains { $0.at >= setImage }
    }

    /// When the latest deploy set the new image (after reading its baseline), if it has.
    var newImageSetAt: Date? {
        guard let setImage = incident.deploySteps.last(where: { $0.record.step == "set-image" && $0.record.outcome == "done" }),
              let baseline = incident.deploySteps.last(where: { $0.record.step == "baseline" }), baseline.at <= setImage.at else { return nil }
        return setImage.at
    }

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
            helpScroll = max(0, min(helpScroll, keyMap.bindings.count + KeyContext.allCases.count))
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
        case .runTests: return run(.tests)
        case .runStep: return runStep()
        case .rollback: return run(.rollback)
        case .writeReport: return run(.report)
        case .editPostmortem:
            guard activity == nil else {
                status = StatusMessage("wait for the running job to finish, then edit", role: .warning)
                return []
            }
            return [.suspend(["postmortem", "--edit"])]
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

    /// Enter: the viewed phase's step.
    mutating func runStep() -> [ConsoleEffect] {
        switch viewed {
        case .assess: return []
        case .branch: return run(.branch)
        case .fix: return run(.diff)
        case .test: return run(.tests)
        case .deploy: return run(.deploy)
        case .backport: return run(.backport)
        case .close: return run(finished ? .report : .finish)
        }
    }

    /// Merged, tagged and pushed: what is left in CLOSE is the report.
    var finished: Bool {
        incident.tag != nil && incident.gitSteps.contains { $0.record.step == "push" && $0.record.outcome == "done" }
    }

    /// Starts `job` (or its plan, when it needs confirming) unless another job runs or it cannot apply.
    mutating func run(_ job: ConsoleJob) -> [ConsoleEffect] {
        if let refusal = refusal(job) {
            status = StatusMessage(refusal, role: job == .tests || activity != nil ? .warning : .overdue)
            return []
        }
        if job.needsConfirmation {
            if !job.planIsInstant { activity = "showing the plan of \(job.title)" }
            return [.plan(job)]
        }
        return start(job)
    }

    mutating func start(_ job: ConsoleJob) -> [ConsoleEffect] {
        activity = "starting \(job.title)"
        self.job = job
        return [.start(job)]
    }

    /// Why `job` cannot start now, if it cannot.
    func refusal(_ job: ConsoleJob) -> String? {
        if let activity, !(job == .rollback && deployWindowOpen) {
            if job == .rollback, self.job == .deploy, !(newImageSetAt.map { at in incident.verdicts.contains { $0.at >= at } } ?? false) {
                return "nothing to roll back yet: the deploy has not set the new image (\(activity)); q stops it"
            }
            return "\(job == .tests ? "the tests are" : "a job is") already running (\(activity)); its output is in the log"
        }
        guard let active = incident.phase else {
            return job == .report ? nil : "incident \(incident.id) is closed; R writes the report and the post-mortem"
        }
        let phase: Phase = switch job {
        case .tests: .test
        case .branch: .branch
        case .diff: .fix
        case .deploy, .rollback: .deploy
        case .backport: .backport
        case .finish, .report: .close
        }
        // DEPLOY may start from TEST through the checklist gate, as hotfix deploy does.
        let reachable = phase.index <= active.index || (job == .deploy && active == .test) || job == .tests || job == .report
        if !reachable {
            return "\(phase.title) has not started: the active phase is \(active.title) (n moves on when it is done)"
        }
        if job == .deploy, active != .deploy, let refusal = Guardrails.check(.enter(.deploy), in: incident).first {
            return "cannot deploy: \(refusal.message) — \(refusal.next)"
        }
        if job == .rollback, !incident.deploySteps.contains(where: { $0.record.step == "baseline" }) {
            return "nothing to roll back: no baseline revision is recorded (hotfix rollback --to-revision N in a shell)"
        }
        return nil
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
        if case .confirm(let job, _) = current { return confirm(job, key) }
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
        }
    }
}
