import Foundation
import HotfixEngine

/// What the main pane lists for each phase, derived from the incident state.
enum PhaseSteps {
    static func rows(_ model: ConsoleView, width: Int) -> [PaneRow] {
        let steps = phaseRows(model, width: width)
        // While a file is picked or a message typed, the prompt's own keys are on the status row.
        if case .pickFile = model.prompt { return steps }
        let hints = hint(model)
        guard !hints.isEmpty else { return steps }
        return steps + [.blank] + hints.map { PaneRow(indent: 1, text: $0, role: .muted) }
    }

    /// Which key runs the viewed phase's step (and what it runs), and when `n` moves on.
    static func hint(_ model: ConsoleView) -> [String] {
        let s = model.incident, phase = model.viewed
        guard let active = s.phase else { return phase == .close ? ["R writes the report and the post-mortem again"] : [] }
        guard phase.index <= active.index || (phase == .deploy && active == .test) else { return [] }
        let isActive = phase == active
        let onward = Phase.allCases.dropFirst(phase.index + 1).first.map { "n moves on to \($0.title)" } ?? "n closes the incident"
        switch phase {
        case .assess:
            return []
        case .branch:
            let done = s.gitSteps.contains { $0.record.step == .branch }
            return done ? (isActive ? ["branch created · " + onward] : []) : ["enter runs hotfix branch: fetch, cut the branch"]
        case .fix:
            return ["E edit · ! shell · c commit · enter hotfix diff"] + (isActive ? [onward + " once the fix is committed"] : [])
        case .test:
            return ["t or enter runs the tests (as hotfix test)"] + (isActive ? [onward + " once the checklist is done"] : [])
        case .deploy:
            let rollback = "r rolls back: " + model.deployWords.rollback
            // After a verdict (of the latest attempt, not yet sent back to FIX): only what follows it.
            let next = model.deployNext
            guard let attempt = next.attempt else {
                return ["enter shows the plan (hotfix deploy --dry-run), then y/n:", "  " + model.deployWords.steps, rollback]
            }
            var lines: [String] = []
            if next.advance == .moves && isActive { lines.append(onward) }
            if next.rollback { lines.append(rollback) }
            if next.retry && isActive { lines.append("b goes back to FIX for attempt \(attempt + 1) (hotfix retry)") }
            switch next.enter {
            case .again(let again): if isActive { lines.append("enter deploys again as attempt \(again): the plan first, then y/n") }
            case .judged: lines.append("enter does not deploy attempt \(attempt) again (\(next.outcome ?? "judged"))")
            case .deploy: break
            }
            if isActive {
                switch next.advance {
                case .withReason: lines.append(onward + " with a written reason")
                case .refused: lines.append("n is refused after \(next.outcome == "FAIL" ? "a FAIL" : "this") (a reason overrides it)")
                case .moves: break
                }
            }
            return lines
        case .backport:
            let handled = !s.backports.isEmpty && s.backports.values.allSatisfy(\.isHandled)
            return ["enter runs hotfix backport (local merges, nothing pushed)"] + (handled && isActive ? [onward] : [])
        case .close:
            let report = "R writes the report and the post-mortem"
            if model.incident.isFinished { return ["enter or " + report, onward] }
            return ["enter shows the plan (hotfix finish --dry-run), then y/n:", "  merge, tag, push, delete the branch; then the report", report]
        }
    }

    static func phaseRows(_ model: ConsoleView, width: Int) -> [PaneRow] {
        let s = model.incident
        switch model.viewed {
        case .assess: return assess(model, width: width)
        case .branch: return branch(s)
        case .fix: return FixPane.rows(model, width: width)
        case .test: return commands(s, phase: .test, tests: true, none: "no test run recorded yet: press t to run the smoke and critical-path tests")
            + [.blank, .heading("Pre-deploy checklist")] + ChecklistView.rows(model, width: width)
            + [.blank, .heading("Minimal change")] + minimalChange(s)
        case .deploy: return WaitView.rows(model, width: width) + MonitorView.rows(model, width: width)
            + [.heading("Pre-deploy checklist")] + ChecklistView.rows(model, width: width)
            + [.blank, .heading(s.attemptNumber > 1 ? "Rollout · attempt \(s.attemptNumber)" : "Rollout")]
            + deploy(model)
        case .backport: return backport(s)
        case .close: return close(s, timing: model.timing, zone: model.timeZone)
        }
    }

    static func assess(_ model: ConsoleView, width: Int) -> [PaneRow] {
        var rows: [PaneRow] = []
        for field in AssessField.allCases {
            let selected = !model.logFocused && model.selection == field.rawValue
            rows.append(PaneRow(marker: selected ? "›" : " ", text: field.question, role: .title, selected: selected))
            if case .answer(let editing, let input) = model.prompt, editing == field {
                rows.append(PaneRow(indent: 3, text: "", input: input))
            } else if let answer = field.answer(in: model.incident.assessment), !answer.isEmpty {
                for line in Text.wrap(Sanitize.inline(answer), width - 4).prefix(3) { rows.append(PaneRow(indent: 3, text: line)) }
            } else {
                rows.append(PaneRow(indent: 3, text: "not answered yet: press enter to type", role: .muted))
            }
        }
        return rows
    }

    static func branch(_ s: IncidentState) -> [PaneRow] {
        let record = s.gitSteps.last { $0.record.step == .branch }?.record
        let state: StepState = record.map { $0.outcome.isFailure ? .failed : .done } ?? .pending
        var rows = [
            PaneRow.step(state, "git checkout main"),
            .step(state, "git pull --ff-only"),
            .step(state, "git checkout -b hotfix/\(s.id)", detail: record?.sha.map { "base \($0.prefix(10))" } ?? ""),
        ]
        if let d = record?.detail { rows.append(PaneRow(indent: 3, text: d, role: state == .failed ? .logError : .muted)) }
        return rows + commands(s, phase: .branch, none: nil)
    }

    /// The fix's size against the workflow's rules, from the recorded change set.
    static func minimalChange(_ s: IncidentState) -> [PaneRow] {
        guard let c = s.changes, !c.files.isEmpty else {
            return [.step(.pending, "no change recorded yet (t or hotfix check --auto reads it from git)")]
        }
        let added = c.files.reduce(0) { $0 + $1.added }, removed = c.files.reduce(0) { $0 + $1.removed }
        let new = c.files.filter { $0.isNew == true }.map(\.path)
        let manifests = c.files.map(\.path).filter(DiffReview.isManifest)
        return [
            .step(c.files.count == 1 ? .done : .warning, "\(c.files.count) file\(c.files.count == 1 ? "" : "s"), +\(added) −\(removed) lines",
                  detail: "ONE file if possible"),
            .step(new.isEmpty ? .done : .warning, new.isEmpty ? "no new file" : "new: \(new.joined(separator: ", "))", detail: "NO new abstractions"),
            .step(manifests.isEmpty ? .done : .warning, manifests.isEmpty ? "no manifest touched" : "manifests: \(manifests.joined(separator: ", "))",
                  detail: "NO new dependencies"),
        ]
    }

    /// The commands run in `phase`; with `tests`, also the test runs started from another phase.
    static func commands(_ s: IncidentState, phase: Phase, tests: Bool = false, none: String?) -> [PaneRow] {
        let runs = s.commands.filter { $0.run.phase == phase || (tests && $0.run.step.isTest) }
        if runs.isEmpty { return none.map { [.step(.pending, $0)] } ?? [] }
        return runs.map { run in
            let r = run.run
            var detail: [String] = []
            if let p = r.passed { detail.append("\(p) passed") }
            if let f = r.failed { detail.append("\(f) failed") }
            detail.append(String(format: "%.1f s", r.seconds))
            return .step(r.exitCode == 0 ? .done : .failed, "\(r.step): \(r.argv.joined(separator: " "))",
                         detail: (r.exitCode == 0 ? "" : "exit \(r.exitCode) · ") + detail.joined(separator: " · "))
        }
    }

    static func deploy(_ model: ConsoleView) -> [PaneRow] {
        let s = model.incident
        var rows: [PaneRow] = []
        // The attempt in play (none yet once `hotfix retry` went back to FIX); earlier ones in a line each.
        let current = s.latestAttempt.flatMap { $0.retriedAt == nil ? $0 : nil }
        for a in s.attempts where a.number != current?.number {
            let back = a.rollback.map { " · rolled back to rev \($0.record.revision.map(String.init) ?? "?")" } ?? ""
            rows.append(.step(a.outcome == .pass ? .done : .failed, "attempt \(a.number): \(a.outcome?.rawValue ?? "no verdict")",
                              detail: (a.image ?? "") + back))
        }
        // Build, push, how the rollout is made, the rollout: as configured, or as this attempt made them.
        for step in model.deploySteps {
            if case .notConfigured(let key) = step.state {
                rows.append(.step(.skipped, step.kind.name, detail: "not configured (\(key))"))
            } else {
                rows.append(.step(StepState(step.state), step.kind.name, detail: step.detail))
            }
        }
        let (window, warmup) = (model.deployWindow, model.deployWarmup)
        if let v = current?.verdict?.record {
            let state: StepState = v.outcome == .pass ? .done : (v.outcome == .fail ? .failed : .warning)
            rows.append(.step(state, "verdict \(v.outcome)", detail: v.reasons.first ?? ""))
        } else {
            rows.append(.step(.pending, "monitoring window (\(Durations.words(window)) after a \(Durations.words(warmup)) warm-up) and verdict"))
        }
        for r in current?.rollbacks ?? [] { rows.append(.step(.warning, "rollback\(r.record.automatic ? " (automatic)" : "")", detail: r.record.outcome.name)) }
        return rows
    }

    static func backport(_ s: IncidentState) -> [PaneRow] {
        guard !s.backports.isEmpty else {
            return [.step(.pending, "nothing backported yet: develop and every feature/* branch get the fix")]
        }
        return s.backports.values.sorted { $0.branch < $1.branch }.flatMap { b -> [PaneRow] in
            let state: StepState = b.isHandled ? .done : (b.outcome.isFailure ? .failed : .pending)
            var rows = [PaneRow.step(state, b.branch, detail: [b.outcome.name, b.sha.map { String($0.prefix(10)) }].compactMap { $0 }.joined(separator: " · "))]
            if !b.files.isEmpty { rows.append(PaneRow(indent: 5, text: "conflicts: \(b.files.joined(separator: ", "))", role: .logError)) }
            return rows
        }
    }

    static func close(_ s: IncidentState, timing: Timing, zone: TimeZone) -> [PaneRow] {
        func git(_ step: GitStepName) -> GitRecord? { s.gitSteps.last { $0.record.step == step }?.record }
        func state(_ r: GitRecord?) -> StepState {
            guard let r else { return .pending }
            return r.outcome.isFailure ? .failed : .done
        }
        func notified(_ channel: NotificationChannel, _ kind: NotificationKind) -> NotificationRecord? {
            s.notifications.last { $0.record.channel == channel && $0.record.kind == kind }?.record
        }
        func sent(_ n: NotificationRecord?) -> StepState {
            guard let n else { return .pending }
            return n.status == .sent ? .done : (n.status == .failed ? .failed : .warning)
        }
        var rows: [PaneRow] = [
            .step(state(git(.mergeMain)), "merge hotfix/\(s.id) into main (--no-ff)", detail: git(.mergeMain)?.sha.map { String($0.prefix(10)) } ?? ""),
            .step(s.tag == nil ? .pending : .done, "annotated tag hotfix-\(s.id)", detail: s.tag?.sha.map { String($0.prefix(10)) } ?? ""),
            .step(state(git(.push)), "push main, the tag and the backported branches"),
            .step(state(git(.deleteBranch)), "delete hotfix/\(s.id) (remote and local)"),
            .step(sent(notified(.github, .close)), s.issue.map { "close issue #\($0)" } ?? "close the issue"),
            .step(sent(notified(.telegram, .complete)), "notify: hotfix complete"),
            .step(s.artifacts[.report] == nil ? .pending : .done, "write the incident report", detail: s.artifacts[.report] ?? ""),
        ]
        if s.postmortemDoneAt != nil {
            rows.append(.step(.done, "post-mortem written", detail: s.artifacts[.postmortem] ?? ""))
        } else if let due = timing.postmortemDue {
            // Due a day after the fix was stable: the time alone would read as today.
            let left = due.timeIntervalSince(timing.now)
            let when = left > 0 ? "in \(Durations.words(left)), by \(ChecklistView.clock(due, zone))" : "OVERDUE since \(ChecklistView.clock(due, zone))"
            rows.append(.step(.warning, "post-mortem due", detail: when))
        } else {
            rows.append(.step(.pending, "post-mortem within 24 h of a stable fix"))
        }
        return rows
    }
}
