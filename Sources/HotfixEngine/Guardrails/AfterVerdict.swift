import Foundation
import HotfixLogs

/// What may follow the latest attempt's monitoring verdict: the one rule `hotfix deploy`,
/// `hotfix watch`, `hotfix status` and the console's DEPLOY keys read. A judged attempt is not
/// deployed again (it would be a second attempt of the same code) unless it rolled nothing out
/// (an external rollout never came) or its PASS was rolled back afterwards; after a FAIL the way
/// on is a rollback and `hotfix retry` (FIX, the next attempt), after a PASS `hotfix next`.
public struct AfterVerdict: Codable, Sendable, Equatable {
    /// Where the judged attempt stands now.
    public enum Standing: String, Codable, Sendable {
        /// Its deploy rolled nothing out (the rollout made elsewhere never came, or failed before its pods).
        case nothingRolledOut = "nothing-rolled-out"
        /// PASS, still rolled out.
        case passed
        /// PASS, rolled back afterwards: the fix is not in production.
        case passedRolledBack = "passed-rolled-back"
        /// FAIL, MARGINAL or INCONCLUSIVE, rolled back.
        case rolledBack = "rolled-back"
        /// FAIL, still rolled out.
        case failed
        /// MARGINAL or INCONCLUSIVE, still rolled out.
        case doubtful
    }

    /// Whether leaving DEPLOY (`hotfix next`) is offered.
    public enum Advance: String, Codable, Sendable {
        /// Refused (an override with a reason passes it).
        case refused
        /// Moves on (PASS).
        case moves
        /// Moves on with a written reason (MARGINAL, INCONCLUSIVE, nothing rolled out).
        case withReason = "with-reason"
    }

    /// The judged attempt's number and verdict.
    public var attempt: Int
    public var verdict: VerdictOutcome
    public var standing: Standing
    /// A second deploy (attempt `attempt + 1`) is allowed.
    public var deployAgain: Bool
    /// `hotfix rollback` has something of this attempt to undo.
    public var rollback: Bool
    /// `hotfix retry` goes back to FIX (the verdict is not a PASS still in production).
    public var retry: Bool
    public var advance: Advance
    /// What comes next, in commands: `hotfix status` says it, a refused `hotfix deploy` too.
    public var next: String

    /// The rule for `s`'s latest attempt; nil before its verdict or once `hotfix retry` went back
    /// to FIX after it (a deploy then is that attempt's first).
    public static func of(_ s: IncidentState) -> AfterVerdict? {
        guard let a = s.latestAttempt, a.retriedAt == nil, let verdict = a.outcome else { return nil }
        let n = a.number, retry = "hotfix retry (back to FIX for attempt \(n + 1))"
        func rule(_ standing: Standing, again: Bool, rollback: Bool, retry: Bool, _ advance: Advance, _ next: String) -> AfterVerdict {
            AfterVerdict(attempt: n, verdict: verdict, standing: standing, deployAgain: again, rollback: rollback, retry: retry,
                         advance: advance, next: next)
        }
        if a.rolledOut == nil {
            return rule(.nothingRolledOut, again: true, rollback: false, retry: true, .withReason,
                        "hotfix deploy (or hotfix watch) deploys again as attempt \(n + 1); or \(retry); or hotfix next --override REASON")
        }
        if verdict == .pass {
            if a.rolledBackAfterVerdict != nil {
                return rule(.passedRolledBack, again: true, rollback: false, retry: true, .refused,
                            "hotfix deploy puts it back as attempt \(n + 1); or \(retry)")
            }
            let onward = s.phase == .deploy ? "hotfix next (BACKPORT)" : "DEPLOY is done (\(s.phase?.title ?? "closed") now)"
            return rule(.passed, again: false, rollback: true, retry: false, .moves, "\(onward); hotfix rollback if it must come out")
        }
        if a.rollback != nil {
            return rule(.rolledBack, again: false, rollback: false, retry: true, .refused, retry)
        }
        if verdict == .fail {
            return rule(.failed, again: false, rollback: true, retry: true, .refused, "hotfix rollback (puts the baseline back); \(retry)")
        }
        return rule(.doubtful, again: false, rollback: true, retry: true, .withReason,
                    "hotfix next --override REASON (say why \(verdict.rawValue) is good enough); hotfix rollback; \(retry)")
    }

    /// `FAIL and is still rolled out (not rolled back)`, `PASS, then rolled back`, `INCONCLUSIVE and rolled nothing out`.
    public var judged: String {
        let v = verdict.rawValue
        return switch standing {
        case .nothingRolledOut: "\(v) and rolled nothing out"
        case .passed, .failed, .doubtful: "\(v) and is still rolled out (not rolled back)"
        case .passedRolledBack: "\(v), then rolled back"
        case .rolledBack: "\(v) and rolled back"
        }
    }

    /// The refusal of a second deploy of this attempt, when the rule refuses it.
    var redeployRefusal: GuardrailVerdict? {
        guard !deployAgain else { return nil }
        return GuardrailVerdict(
            rule: .redeploy,
            message: "attempt \(attempt) was judged \(judged): a judged attempt is not deployed again",
            next: "\(next); or, knowing it was judged, deploy it again with --override REASON")
    }
}

extension Guardrails {
    /// A deploy (or a watch) starting now: refused once the latest attempt was judged, unless the
    /// rule allows a second deploy (`AfterVerdict.deployAgain`).
    static func redeploy(_ state: IncidentState) -> GuardrailVerdict? {
        AfterVerdict.of(state)?.redeployRefusal
    }
}
