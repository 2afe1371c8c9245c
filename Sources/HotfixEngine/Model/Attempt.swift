import Foundation
import HotfixLogs

/// One try of the fix in production: a deploy and what came of it. An attempt begins with each
/// deploy (its baseline read); `hotfix retry` sends DEPLOY back to FIX, and the next deploy is the
/// next attempt, on the same branch and clock. Derived from the journal, never stored.
public struct Attempt: Sendable {
    /// 1, 2, 3, … in journal order.
    public var number: Int
    /// When its deploy began.
    public var startedAt: Date
    /// The pre-deploy checklist as it stood when the deploy began (its evidence).
    public var checklist: [ChecklistItem: CheckEntry]
    /// Its deploy steps in order: baseline, set-image, rollout.
    public var steps: [(at: Date, record: DeployRecord)] = []
    /// The monitoring window's verdict, once judged.
    public var verdict: (at: Date, record: VerdictRecord)?
    /// Rollbacks made after it (by hand or automatic).
    public var rollbacks: [(at: Date, record: RollbackRecord)] = []
    /// When `hotfix retry` sent the incident back to FIX after it.
    public var retriedAt: Date?

    public init(number: Int, startedAt: Date, checklist: [ChecklistItem: CheckEntry]) {
        self.number = number
        self.startedAt = startedAt
        self.checklist = checklist
    }

    /// The step of a kind, latest first.
    public func step(_ kind: DeployPlan.Kind) -> (at: Date, record: DeployRecord)? {
        steps.last { $0.record.step == kind }
    }

    /// The image it rolled out (or tried to).
    public var image: String? {
        rolledOut?.record.image ?? step(.setImage)?.record.image ?? steps.last { $0.record.step != .baseline && $0.record.image != nil }?.record.image
    }

    /// The step that put its new pod template out (set image, or the new ReplicaSet waited for), once done.
    public var rolledOut: (at: Date, record: DeployRecord)? {
        steps.last { $0.record.step.rollsOut && $0.record.outcome == .done }
    }

    /// How it would be undone, as recorded with its baseline (absent in older records).
    public var rollbackPlan: RollbackPlanRecord? { step(.baseline)?.record.rollback }

    /// The commit it deployed (the repository's HEAD when the deploy began), when recorded.
    public var commit: String? { step(.baseline)?.record.commit }

    /// The fix's commits (not on main) at that moment, newest first, `sha subject`.
    public var commits: [String] { step(.baseline)?.record.commits ?? [] }

    /// When its rollout finished, if it did.
    public var rolledOutAt: Date? {
        steps.last { $0.record.step == .rollout && $0.record.outcome == .done }?.at
    }

    /// The last rollback that went through, if any.
    public var rollback: (at: Date, record: RollbackRecord)? {
        rollbacks.last { $0.record.outcome == .done }
    }

    /// The verdict's outcome, if it was judged.
    public var outcome: VerdictOutcome? { verdict?.record.outcome.verdict }

    /// A rollback that went through after its verdict: what was judged is no longer running.
    public var rolledBackAfterVerdict: (at: Date, record: RollbackRecord)? {
        guard let rollback, let judged = verdict?.at, rollback.at >= judged else { return nil }
        return rollback
    }
}

extension IncidentState {
    /// The attempt a deploy, verdict or rollback belongs to, started when there is none yet
    /// (journals written before attempts existed have no baseline record before their verdict).
    mutating func attemptForDeploy(_ record: DeployRecord, at: Date) {
        let begins: Bool
        if let last = attempts.last, last.retriedAt == nil {
            // A baseline read begins the next deploy, unless this one has only built and pushed so far.
            begins = record.step == .baseline
                && (last.step(.baseline) != nil || last.steps.contains { $0.record.step.rollsOut } || last.verdict != nil)
        } else {
            begins = true
        }
        if begins { attempts.append(Attempt(number: attempts.count + 1, startedAt: at, checklist: checklist)) }
        attempts[attempts.count - 1].steps.append((at, record))
    }

    /// The attempt in play: the last one, unless `hotfix retry` has sent the incident back to FIX
    /// after it (then the next, not deployed yet).
    public var attemptNumber: Int {
        guard let last = attempts.last else { return 1 }
        return last.retriedAt == nil ? last.number : last.number + 1
    }

    /// The latest attempt's verdict: what leaving DEPLOY is judged on.
    public var latestAttempt: Attempt? { attempts.last }
}
