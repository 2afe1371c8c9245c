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

    /// The next deploy's plan, the kubectl client from `.hotfix.yml`, and the commit deployed (its
    /// `{sha}`); the targeted error is the incident's (`hotfix assess --target`) before `deploy.target`;
    /// the image tag names the attempt. `run` narrows it to watching a rollout made elsewhere.
    func plan(_ id: IncidentID, run: DeployRun = .configured) async -> (plan: DeployPlan, kubectl: Kubectl, source: DeploySource?) {
        let state = try? session.store.load(id).state
        let source = await DeploySource.read(root: session.repository.root, main: session.config.git.main)
        var config = session.config
        if let wait = run.wait { config.deploy.wait = wait }
        if let pattern = run.expectImage { config.deploy.expectImage = pattern }
        var settings = DeployPlan.Settings(config: config.deploy, git: config.git, id: id.rawValue, attempt: (state?.attempts.count ?? 0) + 1,
                                           errorTarget: state?.assessment.target, commit: source?.commit, root: session.repository.root)
        if run.watchOnly {
            // Only the watch: no build, no push, no rollout of hotfix's own; the rollback stays the configured one.
            settings.rollout = .external
            settings.build = []
            settings.push = []
        }
        return (DeployPlan(settings), Kubectl(deploy: session.config.deploy, root: session.repository.root, runner: session.runner), source)
    }

    /// What `hotfix deploy --dry-run` (or `hotfix watch --dry-run`) prints: every command of the plan, in order, rollback included.
    public func planText(_ id: IncidentID, run: DeployRun = .configured) async -> [String] {
        let plan = await plan(id, run: run).plan
        let what = plan.settings.rollout == .external ? "watch for a rollout made elsewhere" : "DEPLOY"
        return ["\(what == "DEPLOY" ? "DEPLOY" : "DEPLOY (\(what))") plan for \(id) (nothing is changed):"] + plan.dryRun
    }

    /// The question asked before a deploy, saying how the rollout is made.
    public func question(_ id: IncidentID, run: DeployRun = .configured) async -> String {
        let s = await plan(id, run: run).plan.settings
        switch s.rollout {
        case .setImage: return "Deploy \(s.image) to deployment/\(s.deployment)?"
        case .command(let argv): return "Run \(GitText.shellWords(argv)) (instead of set image) and judge its rollout of deployment/\(s.deployment)?"
        case .external: return "Watch deployment/\(s.deployment) for the rollout made elsewhere?"
        }
    }

    /// A deploy's steps here, as configured (`DeployPlan.stepWords`): `build`, `push`, `set image`, `roll out`, `monitor`.
    public var stepWords: [String] {
        let d = session.config.deploy
        return DeployPlan.stepWords(build: !d.build.isEmpty, push: !d.push.isEmpty, rollout: d.rollout)
    }

    /// How this repository deploys, for the console: the steps of a deploy in words, what `r`
    /// shows, and the steps the DEPLOY pane lists (build and push only when configured).
    public var howItDeploys: (steps: String, rollback: String, listed: [DeployPlan.Kind]) {
        let d = session.config.deploy
        let steps = stepWords.joined(separator: ", ")
        let rollback: String = switch (try? d.rollbackMode(git: session.config.git).get())?.way ?? .kubectlUndo {
        case .helmRollback: "shows helm rollback, then y/n"
        case .command: "shows deploy.rollback's command, then y/n"
        case .gitRevert: "shows the GitOps revert to make (runs nothing)"
        default: "shows kubectl rollout undo, then y/n"
        }
        return (steps, rollback, DeployPlan.listedSteps(build: !d.build.isEmpty, push: !d.push.isEmpty, rollout: d.rollout))
    }

    /// The gates before a deploy (or a watch). Once the latest attempt was judged, a second deploy
    /// only when the engine's rule allows it (`AfterVerdict`): otherwise refused, saying what came
    /// of the attempt and what comes next, unless `override` gives a reason (journaled). Then the
    /// checklist: TEST moves to DEPLOY through the engine (tests-pass checked against the branch
    /// first); from another phase a refusal needs `override` (journaled) and the command is said
    /// to run out of phase. Returns the judged attempt this deploy follows (it is the next attempt).
    @discardableResult
    public func enter(_ id: IncidentID, override: String?, command: String = "hotfix deploy") async throws(HotfixError) -> AfterVerdict? {
        let state = try session.load(id).state
        let judged = AfterVerdict.of(state)
        if let refusal = Guardrails.check(.deploy, in: state).first {
            try overrideOrRefuse(refusal, id, override: override, untouched: "nothing was deployed: the deployment runs what it ran",
                                 action: "\(command) again after attempt \(judged?.attempt ?? 0)'s \(judged?.verdict.rawValue ?? "verdict")")
        }
        guard state.phase != .deploy else { return judged }
        if state.phase == .test {
            try await TestWorkflow(session).refreshTestsPass(id)
            _ = try await session.perform(.advance(override: override), on: id)
            return judged
        }
        if let refusal = Guardrails.check(.enter(.deploy), in: state).first {
            try overrideOrRefuse(refusal, id, override: override, untouched: "nothing was changed",
                                 action: "deploy in \(state.phase?.title ?? "closed")")
        }
        try session.warnIfOutOfPhase(state, expected: [.deploy], command: command, source: .phase)
        return judged
    }

    /// Why a deploy (or a watch) would be refused now after the latest verdict, if it would (what
    /// `--dry-run` adds under the plan).
    public func redeployRefusal(_ id: IncidentID) throws(HotfixError) -> GuardrailVerdict? {
        Guardrails.check(.deploy, in: try session.load(id).state).first
    }

    /// A guardrail's refusal as the error, or, with a reason, journaled as a deviation.
    func overrideOrRefuse(_ refusal: GuardrailVerdict, _ id: IncidentID, override: String?, untouched: String, action: String) throws(HotfixError) {
        guard let reason = override, !reason.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw HotfixError.refused("cannot deploy: \(refusal.message)", untouched: untouched, next: refusal.next)
        }
        try session.record([.overridden(GuardrailOverride(rule: refusal.rule, reason: reason, action: action, message: refusal.message))], on: id)
        session.warn("override of '\(refusal.rule.rawValue)': \(refusal.message) — reason: \(reason)")
    }

    /// The deploy after the gate: build, push, baseline, the rollout (set image, the configured
    /// command, or a rollout made elsewhere, waited for), the monitoring window, the verdict
    /// (journaled), and the automatic rollback when config asks for it. `window` ends the window
    /// early when asked (the console's `r`, a rollback made elsewhere); `reader` gets every
    /// followed line and pod report as they arrive (the console's stream).
    public func deploy(_ id: IncidentID, run: DeployRun = .configured, window: WindowControl? = nil, reader: (any LiveLogReader)? = nil,
                       progress: @escaping @Sendable (DeployEvent) -> Void) async throws(HotfixError) -> DeployOutcome {
        let (plan, kubectl, source) = await plan(id, run: run)
        var runner = self.runner(id, plan: plan, kubectl: kubectl, progress: progress)
        runner.stopper = window?.stopper
        if let reader {
            let sink = LiveReaderSink(reader)
            runner.lineReaders.add(sink)
            runner.podReaders = { sink.pods($0) }
        }
        runner.source = source
        let verdict = try await runner.run()
        let state = try session.store.load(id).state
        return DeployOutcome(verdict: verdict, stopped: window?.requested, autoRollback: runner.plan.settings.autoRollback,
                             attempt: state.attempts.last?.number ?? 1, rollback: state.rollbacks.last?.record,
                             rolledOut: state.attempts.last?.rolledOut != nil, rollbackWay: plan.settings.rollback.way)
    }

    /// The runner for `id`'s DEPLOY: every step journaled and notified through the session.
    func runner(_ id: IncidentID, plan: DeployPlan, kubectl: Kubectl, progress: @escaping @Sendable (DeployEvent) -> Void) -> DeployRunner {
        let session = self.session
        var runner = DeployRunner(plan: plan, kubectl: kubectl, runner: session.runner, root: session.repository.root, clock: session.clock,
                                  journal: { bodies throws(HotfixError) in try await session.recordAndNotify(bodies, on: id) },
                                  progress: { progress(DeployEvent($0)) })
        // kubectl proxy's private socket lives with the incident, under the git directory.
        runner.proxyDirectory = session.store.baseDirectory + "/" + id.rawValue
        runner.lineCap = session.config.logs.lineCap
        return runner
    }

    /// `retry`: back from DEPLOY to FIX for the next attempt. Returns the record, the state after
    /// it, and the attempt left behind when its image is still rolled out (a rollback puts the
    /// baseline back).
    public func retry(_ id: IncidentID) async throws(HotfixError) -> (record: RetryRecord, state: IncidentState)? {
        let (state, events) = try await session.perform(.retry, on: id)
        guard let event = events.first, case .retried(let record) = event.body else { return nil }
        if let left = state.attempts.last, left.rollback == nil, let image = left.image, left.rolledOut != nil {
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
