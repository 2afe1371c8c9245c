import Foundation
import HotfixEngine
import HotfixScreen

/// Which job a key starts, and when it may not.
extension ConsoleModel {
    /// Enter: the viewed phase's step.
    mutating func runStep() -> [ConsoleEffect] {
        switch viewed {
        case .assess: return []
        case .branch: return run(.branch)
        case .fix: return run(.diff)
        case .test: return run(.tests)
        case .deploy: return enterInDeploy()
        case .backport: return run(.backport)
        case .close: return run(incident.isFinished ? .report : .finish)
        }
    }

    /// Enter in DEPLOY: the deploy (its plan, then y/n); once the latest attempt was judged, a second
    /// deploy only when it is legitimate (see `DeployNext`), else what comes next on the status row.
    mutating func enterInDeploy() -> [ConsoleEffect] {
        let next = deployNext
        if next.enter == .judged, incident.phase != nil, activity == nil {
            status = StatusMessage(next.words ?? "this attempt was judged: no second deploy", role: .warning)
            return []
        }
        return run(.deploy)
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
        // A new deploy streams afresh (an earlier attempt's lines are in its own past).
        if job == .deploy { stream = nil }
        return [.start(job)]
    }

    /// Why `job` cannot start now, if it cannot.
    func refusal(_ job: ConsoleJob) -> String? {
        if let activity, !(job == .rollback && deployWindowOpen) {
            if job == .rollback, self.job == .deploy, !(newImageSetAt.map { at in incident.verdicts.contains { $0.at >= at } } ?? false) {
                return "nothing to roll back yet: the deploy has not rolled out the new image (\(activity)); q stops it"
            }
            return "\(job == .tests ? "the tests are" : "a job is") already running (\(activity)); its output is in the log"
        }
        guard let active = incident.phase else {
            return job == .report ? nil : "incident \(incident.id) is closed; R writes the report and the post-mortem"
        }
        if case .commit = job, let refusal = commitRefusal() { return refusal }
        let phase: Phase = switch job {
        case .tests: .test
        case .branch: .branch
        case .diff, .commit: .fix
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
        if job == .rollback, !incident.deploySteps.contains(where: { $0.record.step == .baseline }) {
            return "nothing to roll back: no baseline revision is recorded (hotfix rollback --to-revision N in a shell)"
        }
        return nil
    }
}
