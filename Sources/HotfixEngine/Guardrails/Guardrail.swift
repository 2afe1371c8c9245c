import Foundation
import HotfixLogs

/// The workflow's never-do list, as rules the engine checks before acting.
public enum Guardrail: String, Codable, Sendable, CaseIterable {
    /// No DEPLOY until every checklist item is passed or waived with a reason.
    case checklist
    /// No leaving DEPLOY (no deploy counts) without its monitoring window and a verdict.
    case monitoring
    /// No leaving DEPLOY without a PASS: MARGINAL and INCONCLUSIVE need a written reason, FAIL an override.
    case verdict
    /// No CLOSE while a backport target is unhandled.
    case backports
    /// No finish without a tag.
    case tag
    /// No leaving FIX without a commit of the fix (no empty fix).
    case commit
    /// No second deploy of an attempt already judged (unless it rolled nothing out or its PASS was rolled back).
    case redeploy

    public var summary: String {
        switch self {
        case .checklist: "no deploy before the pre-deploy checklist passes"
        case .monitoring: "no deploy without its monitoring window"
        case .verdict: "no leaving DEPLOY without a PASS"
        case .backports: "no close while a backport target is unhandled"
        case .tag: "no finish without a tag"
        case .commit: "no test without a committed fix"
        case .redeploy: "no second deploy of a judged attempt"
        }
    }
}

/// A guardrail's answer: allowed, or refused with the reason in words.
public struct GuardrailVerdict: Sendable, Equatable {
    public var rule: Guardrail
    public var message: String
    public var next: String
}

/// What a person is trying to do, for the guardrails to judge.
public enum GuardedAction: Sendable, Equatable {
    case enter(Phase)
    case leave(Phase)
    case closeIncident
    /// A deploy (or a watch) starting: the latest attempt's verdict decides whether it may.
    case deploy
}

public enum Guardrails {
    /// Every guardrail that refuses `action` in `state`; empty means allowed. `fix` is what the
    /// hotfix branch holds, read by the runtime (leaving FIX is refused without it).
    public static func check(_ action: GuardedAction, in state: IncidentState, fix: FixProgress? = nil) -> [GuardrailVerdict] {
        switch action {
        case .leave(.fix):
            return (emptyFix(fix) ?? sameAsLastAttempt(state, fix)).map { [$0] } ?? []
        case .enter(.deploy):
            let open = ChecklistItem.allCases.filter { !(state.checklist[$0]?.status.clearsGate ?? false) }
            guard !open.isEmpty else { return [] }
            let names = open.map { item -> String in
                let status = state.checklist[item]?.status ?? .unchecked
                return "\(item.rawValue) (\(status.rawValue))"
            }
            return [GuardrailVerdict(
                rule: .checklist,
                message: "the pre-deploy checklist is not done: \(names.joined(separator: ", "))",
                next: "pass each item (hotfix check ITEM --pass --evidence TEXT) or waive it (hotfix check ITEM --waive REASON)")]
        case .leave(.deploy):
            return leavingDeploy(state)
        case .deploy:
            return redeploy(state).map { [$0] } ?? []
        case .enter(.close):
            let open = state.backports.values.filter { !$0.isHandled }.sorted { $0.branch < $1.branch }
            if state.backports.isEmpty, !state.backportsChecked {
                return [GuardrailVerdict(
                    rule: .backports,
                    message: "nothing has been backported yet (develop and every feature branch must get the fix)",
                    next: "run hotfix backport, or pass --override REASON")]
            }
            guard !open.isEmpty else { return [] }
            let names = open.map { "\($0.branch) (\($0.outcome))" }
            return [GuardrailVerdict(
                rule: .backports,
                message: "backport targets are unhandled: \(names.joined(separator: ", "))",
                next: "resolve the conflicts and rerun hotfix backport, skip a branch with a reason, or pass --override REASON")]
        case .closeIncident:
            guard state.tag == nil else { return [] }
            return [GuardrailVerdict(
                rule: .tag,
                message: "the fix is not tagged (hotfix-\(state.id) is missing)",
                next: "run hotfix finish to merge, tag and push, or pass --override REASON")]
        default:
            return []
        }
    }

    /// After `hotfix retry`: the next attempt needs a commit that the last one did not deploy
    /// (its HEAD is recorded with its baseline), or it would deploy the same code again.
    static func sameAsLastAttempt(_ state: IncidentState, _ fix: FixProgress?) -> GuardrailVerdict? {
        guard let fix, let last = state.latestAttempt, last.retriedAt != nil, let deployed = last.commit,
              let newest = fix.commits.first?.split(separator: " ").first, deployed.hasPrefix(newest) else { return nil }
        let branch = Sanitize.inline(fix.branch)
        return GuardrailVerdict(
            rule: .commit,
            message: "attempt \(last.number) deployed \(newest) (\(last.outcome?.rawValue ?? "no verdict")) and \(branch) has no commit since: "
                + "attempt \(last.number + 1) would deploy the same code",
            next: "commit the change for attempt \(last.number + 1) on \(branch) (git commit -am \"Fix: …\"), then hotfix next; or pass --override REASON")
    }

    /// Leaving DEPLOY: the latest attempt's monitoring window must have judged it, and PASS.
    static func leavingDeploy(_ state: IncidentState) -> [GuardrailVerdict] {
        guard let attempt = state.latestAttempt, attempt.retriedAt == nil, let (_, v) = attempt.verdict,
              let outcome = v.outcome.verdict else {
            return [GuardrailVerdict(
                rule: .monitoring,
                message: "no monitoring window has judged this deploy yet",
                next: "run the monitoring window: hotfix deploy, or hotfix watch when CI/CD or a GitOps controller rolls out")]
        }
        let retry = "hotfix retry goes back to FIX for attempt \(attempt.number + 1) (same branch, the clock keeps running)"
        if outcome == .pass {
            // A PASS that was rolled back afterwards is no longer a fix in production.
            guard let rollback = attempt.rolledBackAfterVerdict else { return [] }
            let to = rollback.record.image.map { " to \(Sanitize.inline($0))" } ?? ""
            return [GuardrailVerdict(
                rule: .verdict,
                message: "attempt \(attempt.number) passed its monitoring window, then was rolled back\(to): the fix is not in production",
                next: "deploy it again (hotfix deploy, a new window) or \(retry); or, knowing it is rolled back, hotfix next --override REASON")]
        }
        let why = v.reasons.first.map { ": \($0)" } ?? ""
        if outcome == .fail {
            let image = attempt.image.map { " \($0)" } ?? ""
            let production = attempt.rollback != nil ? " (rolled back)"
                : attempt.steps.isEmpty ? "" : "; the image\(image) is still rolled out: hotfix rollback"
            return [GuardrailVerdict(
                rule: .verdict,
                message: "attempt \(attempt.number)'s monitoring verdict is FAIL\(production)\(why)",
                next: "\(retry); or, knowing it failed, hotfix next --override REASON")]
        }
        return [GuardrailVerdict(
            rule: .verdict,
            message: "attempt \(attempt.number)'s monitoring verdict is \(outcome.rawValue), not PASS\(why)",
            next: "say why it is good enough: hotfix next --override REASON; or \(retry)")]
    }

    /// The guardrails for moving from the current phase to the next one (or closing).
    public static func forAdvance(in state: IncidentState, fix: FixProgress? = nil) -> [GuardrailVerdict] {
        guard let phase = state.phase else { return [] }
        var verdicts = check(.leave(phase), in: state, fix: fix)
        if let next = phase.next {
            verdicts += check(.enter(next), in: state)
        } else {
            verdicts += check(.closeIncident, in: state)
        }
        return verdicts
    }
}
