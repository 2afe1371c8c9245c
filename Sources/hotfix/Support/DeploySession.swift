import Foundation
import HotfixEngine
import HotfixRuntime

/// What `hotfix deploy`, `hotfix rollback` and the console's DEPLOY keys share: the plan from config,
/// the runner journaling through the session (with notifications), the checklist gate and the
/// rollback target.
extension Session {
    /// Journals runtime results and sends what they call for (Telegram on deploy and verdict).
    func recordAndNotify(_ bodies: [EventBody], on id: IncidentID) async throws(HotfixError) {
        let (state, events) = try recordEvents(bodies, on: id)
        _ = try await dispatch(events, state: state)
    }

    /// The next deploy's plan and the kubectl client from `.hotfix.yml`; the targeted error is the
    /// incident's (`hotfix assess --target`) before `deploy.target`; the image tag names the attempt.
    func deployPlan(_ id: IncidentID) -> (plan: DeployPlan, kubectl: Kubectl) {
        let state = try? store.load(id).state
        let settings = DeployPlan.Settings(config: config.deploy, id: id.rawValue, attempt: (state?.attempts.count ?? 0) + 1,
                                           errorTarget: state?.assessment.target, root: repository.root)
        return (DeployPlan(settings), Kubectl(deploy: config.deploy, root: repository.root))
    }

    /// The runner for `id`'s DEPLOY: every step journaled (and notified) as the CLI does.
    func deployRunner(_ id: IncidentID, progress: @escaping @Sendable (DeployProgress) -> Void) -> DeployRunner {
        let (plan, kubectl) = deployPlan(id)
        let session = self
        var runner = DeployRunner(plan: plan, kubectl: kubectl, root: repository.root, clock: clock,
                                  journal: { bodies throws(HotfixError) in try await session.recordAndNotify(bodies, on: id) },
                                  progress: progress)
        // kubectl proxy's private socket lives with the incident, under the git directory.
        runner.proxyDirectory = store.baseDirectory + "/" + id.rawValue
        runner.lineCap = config.logs.lineCap
        return runner
    }

    /// What `hotfix deploy --dry-run` prints: every command of the plan, in order, rollback included.
    func deployPlanText(_ id: IncidentID) -> [String] {
        ["DEPLOY plan for \(id) (nothing is changed):"] + deployPlan(id).plan.dryRun
    }

    /// The question asked before a deploy.
    func deployQuestion(_ id: IncidentID) -> String {
        let s = deployPlan(id).plan.settings
        return "Deploy \(s.image) to deployment/\(s.deployment)?"
    }

    /// The checklist gate; TEST moves to DEPLOY through the engine, other phases are journaled as out of order.
    func enterDeploy(_ state: IncidentState, override: String?) async throws(HotfixError) {
        guard state.phase != .deploy else { return }
        if state.phase == .test {
            try await refreshTestsPass(state.id)
            _ = try await perform(.advance(override: override), on: state.id)
            return
        }
        let refusals = Guardrails.check(.enter(.deploy), in: state)
        if let refusal = refusals.first {
            guard let reason = override, !reason.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw HotfixError.refused("cannot deploy: \(refusal.message)", next: refusal.next)
            }
            _ = try record([.overridden(GuardrailOverride(rule: refusal.rule, reason: reason, action: "deploy in \(state.phase?.title ?? "closed")", message: refusal.message))], on: state.id)
        }
        try warnIfOutOfPhase(state, expected: .deploy, what: "hotfix deploy")
    }

    /// Where a rollback goes: `revision`, else the baseline recorded before the deploy; the exact
    /// `kubectl rollout undo` command and the question to ask.
    func rollbackTarget(_ state: IncidentState, revision: Int?) throws(HotfixError) -> (revision: Int, image: String?, undo: [String], question: String) {
        let baseline = state.deploySteps.last { $0.record.step == "baseline" }?.record
        guard let target = revision ?? baseline?.revision else {
            throw HotfixError.refused("no baseline revision is recorded for \(state.id)", untouched: "nothing was rolled back",
                                      next: "pass --to-revision N (kubectl rollout history deployment/NAME lists them)")
        }
        let (plan, kubectl) = deployPlan(state.id)
        let deployment = plan.settings.deployment
        let image = revision == nil ? baseline?.image : nil
        let undo = kubectl.argv(["rollout", "undo", "deployment/\(deployment)", "--to-revision=\(target)"])
        return (target, image, undo, "Roll deployment/\(deployment) back to revision \(target)\(baseline?.image.map { " (\($0))" } ?? "")?")
    }
}
