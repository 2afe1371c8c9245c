import Foundation
import HotfixEngine
import HotfixLogs
import HotfixRuntime

/// DEPLOY's use cases: the plan (and its dry run), the checklist gate, the deploy with its
/// monitoring window and verdict, the rollback, and the way back to FIX for the next attempt.
/// Every step is journaled (and notified) as it happens; the console and the CLI run the same.
public struct DeployWorkflow: Sendable {
    public let session: Session

    public init(_ session: Session) { self.session = session }

    /// The next deploy's plan and the kubectl client from `.hotfix.yml`; the targeted error is the
    /// incident's (`hotfix assess --target`) before `deploy.target`; the image tag names the attempt.
    func plan(_ id: IncidentID) -> (plan: DeployPlan, kubectl: Kubectl) {
        let state = try? session.store.load(id).state
        let settings = DeployPlan.Settings(config: session.config.deploy, id: id.rawValue, attempt: (state?.attempts.count ?? 0) + 1,
                                           errorTarget: state?.assessment.target, root: session.repository.root)
        return (DeployPlan(settings), Kubectl(deploy: session.config.deploy, root: session.repository.root, runner: session.runner))
    }

    /// What `hotfix deploy --dry-run` prints: every command of the plan, in order, rollback included.
    public func planText(_ id: IncidentID) -> [String] {
        ["DEPLOY plan for \(id) (nothing is changed):"] + plan(id).plan.dryRun
    }

    /// The question asked before a deploy.
    public func question(_ id: IncidentID) -> String {
        let s = plan(id).plan.settings
        return "Deploy \(s.image) to deployment/\(s.deployment)?"
    }

    /// The checklist gate: TEST moves to DEPLOY through the engine (tests-pass checked against the
    /// branch first); from another phase a refusal needs `override` (journaled) and the command is
    /// said to run out of phase.
    public func enter(_ id: IncidentID, override: String?) async throws(HotfixError) {
        let state = try session.load(id).state
        guard state.phase != .deploy else { return }
        if state.phase == .test {
            try await TestWorkflow(session).refreshTestsPass(id)
            _ = try await session.perform(.advance(override: override), on: id)
            return
        }
        if let refusal = Guardrails.check(.enter(.deploy), in: state).first {
            guard let reason = override, !reason.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw HotfixError.refused("cannot deploy: \(refusal.message)", next: refusal.next)
            }
            try session.record([.overridden(GuardrailOverride(rule: refusal.rule, reason: reason, action: "deploy in \(state.phase?.title ?? "closed")",
                                                              message: refusal.message))], on: id)
        }
        try session.warnIfOutOfPhase(state, expected: [.deploy], command: "hotfix deploy", source: .phase)
    }

    /// The deploy after the gate: build, push, baseline, set image, the rollout and the monitoring
    /// window, the verdict (journaled), and the automatic rollback when config asks for it.
    /// `window` ends the window early when asked (the console's `r`, a rollback made elsewhere);
    /// `reader` gets every followed line and pod report as they arrive (the console's stream).
    public func deploy(_ id: IncidentID, window: WindowControl? = nil, reader: (any LiveLogReader)? = nil,
                       progress: @escaping @Sendable (DeployEvent) -> Void) async throws(HotfixError) -> DeployOutcome {
        var runner = self.runner(id, progress: progress)
        runner.stopper = window?.stopper
        if let reader {
            let sink = LiveReaderSink(reader)
            runner.lineReaders.add(sink)
            runner.podReaders = { sink.pods($0) }
        }
        runner.source = await DeploySource.read(root: session.repository.root, main: session.config.git.main)
        let verdict = try await runner.run()
        let state = try session.store.load(id).state
        return DeployOutcome(verdict: verdict, stopped: window?.requested, autoRollback: runner.plan.settings.autoRollback,
                             attempt: state.attempts.last?.number ?? 1, rollback: state.rollbacks.last?.record)
    }

    /// The runner for `id`'s DEPLOY: every step journaled and notified through the session.
    func runner(_ id: IncidentID, progress: @escaping @Sendable (DeployEvent) -> Void) -> DeployRunner {
        let (plan, kubectl) = plan(id)
        let session = self.session
        var runner = DeployRunner(plan: plan, kubectl: kubectl, runner: session.runner, root: session.repository.root, clock: session.clock,
                                  journal: { bodies throws(HotfixError) in try await session.recordAndNotify(bodies, on: id) },
                                  progress: { progress(DeployEvent($0)) })
        // kubectl proxy's private socket lives with the incident, under the git directory.
        runner.proxyDirectory = session.store.baseDirectory + "/" + id.rawValue
        runner.lineCap = session.config.logs.lineCap
        return runner
    }

    /// A rollback to make: where to (a `revision`, else the baseline recorded before the deploy),
    /// the exact `kubectl rollout undo` command and the question to ask.
    public struct RollbackPlan: Sendable {
        public var revision: Int
        public var image: String?
        public var undo: [String]
        public var question: String
        public var deployment: String
        public var container: String
    }

    public func rollbackPlan(_ id: IncidentID, revision: Int? = nil) throws(HotfixError) -> RollbackPlan {
        let state = try session.store.load(id).state
        let baseline = state.deploySteps.last { $0.record.step == .baseline }?.record
        guard let target = revision ?? baseline?.revision else {
            throw HotfixError.refused("no baseline revision is recorded for \(id)", untouched: "nothing was rolled back",
                                      next: "pass --to-revision N (kubectl rollout history deployment/NAME lists them)")
        }
        let (plan, kubectl) = plan(id)
        let deployment = plan.settings.deployment
        let undo = kubectl.argv(KubeCall.rolloutUndo(deployment: deployment, toRevision: String(target)))
        return RollbackPlan(revision: target, image: revision == nil ? baseline?.image : nil, undo: undo,
                            question: "Roll deployment/\(deployment) back to revision \(target)\(baseline?.image.map { " (\($0))" } ?? "")?",
                            deployment: deployment, container: plan.settings.container)
    }

    /// Rolls back as planned and waits for the rollout; returns what the deployment runs now.
    public func rollback(_ id: IncidentID, _ planned: RollbackPlan,
                         progress: @escaping @Sendable (DeployEvent) -> Void) async throws(HotfixError) -> DeploymentInfo {
        try await runner(id, progress: progress).rollback(toRevision: planned.revision, image: planned.image)
        return try await plan(id).kubectl.deployment(planned.deployment)
    }

    /// `retry`: back from DEPLOY to FIX for the next attempt. Returns the record, the state after
    /// it, and the attempt left behind when its image is still rolled out (a rollback puts the
    /// baseline back).
    public func retry(_ id: IncidentID) async throws(HotfixError) -> (record: RetryRecord, state: IncidentState)? {
        let (state, events) = try await session.perform(.retry, on: id)
        guard let event = events.first, case .retried(let record) = event.body else { return nil }
        if let left = state.attempts.last, left.rollback == nil, let image = left.image, left.step(.setImage)?.record.outcome == .done {
            session.warn("attempt \(left.number)'s image \(image) is still rolled out: hotfix rollback puts the baseline back")
        }
        return (record, state)
    }

    /// Polls the journal twice a second; a rollback journaled by hand elsewhere (not the automatic
    /// one this deploy may make itself) ends `window` early. Cancel the task when the deploy ends.
    public func stopOnRollbackElsewhere(_ id: IncidentID, window: WindowControl) -> Task<Void, Never> {
        let follower = JournalFollower(path: session.store.journal(id).path)
        _ = follower.poll()  // what is there already
        return Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(500))
                let manual = follower.poll().contains { event in
                    if case .rollback(let r) = event.body { !r.automatic } else { false }
                }
                if manual { window.stop(.rolledBackElsewhere); return }
            }
        }
    }
}
