import Foundation
import HotfixEngine
import HotfixRuntime

/// The rollback the way the deploy was made, shown before it runs: `kubectl rollout undo`, `helm
/// rollback` to the release's revision recorded before the upgrade, the configured command, or
/// (GitOps) the revert to make, which hotfix shows and notes but never runs.
extension DeployWorkflow {
    /// A rollback to make: how, to what, the exact commands and the question to ask.
    public struct RollbackPlan: Sendable {
        public var way: RollbackWay
        /// False for a GitOps revert: it is shown (and noted), never run.
        public var runs: Bool
        public var target: DeployPlan.RollbackTarget
        /// The exact commands in order: the rollback, then (when hotfix runs it) `kubectl rollout status`.
        public var commands: [[String]]
        /// Why this way, when it is not plain kubectl (the GitOps words, where a placeholder stands).
        public var explanation: String?
        /// Asked before it runs (empty when nothing runs).
        public var question: String
        /// The revision it goes back to in its own numbering (the deployment's, or the Helm release's).
        public var revision: Int?
        public var image: String?
        public var deployment: String
        public var container: String

        /// The rollback's own command (the undo, helm rollback, the configured one, or the revert).
        public var command: [String] { commands.first ?? [] }
    }

    /// The rollback for `id`: to `revision` when given (the deployment's, or with Helm the
    /// release's), else the one recorded before the latest deploy.
    public func rollbackPlan(_ id: IncidentID, revision: Int? = nil) async throws(HotfixError) -> RollbackPlan {
        let state = try session.store.load(id).state
        let baseline = state.deploySteps.last { $0.record.step == .baseline }?.record
        let (plan, _, source) = await plan(id)
        let s = plan.settings
        var target = DeployPlan.RollbackTarget(revision: revision ?? baseline?.revision, releaseRevision: baseline?.releaseRevision)
        var explanation: String?
        let question: String
        let image = revision == nil ? baseline?.image : nil
        switch s.rollback {
        case .kubectlUndo:
            guard let to = target.revision else { throw Self.noBaseline(id, "kubectl rollout history deployment/\(s.deployment)") }
            question = "Roll deployment/\(s.deployment) back to revision \(to)\(image.map { " (\($0))" } ?? "")?"
        case .helm(_, let release):
            if let revision { target.releaseRevision = revision; target.revision = baseline?.revision }
            guard let to = target.releaseRevision else { throw Self.noBaseline(id, "helm history \(release)") }
            question = "Roll the Helm release \(release) back to its revision \(to) (before the upgrade) with helm rollback?"
        case .command:
            question = "Run the configured rollback (deploy.rollback) for deployment/\(s.deployment)?"
        case .revert(let branch, let remote):
            let commit = baseline?.commit ?? source?.commit
            let revert = await commit.asyncMap { await RevertFinder(root: session.repository.root).revertArguments(commit: $0, branch: branch, remote: remote) }
            target.revert = revert?.arguments
            explanation = DeployPlan.gitOpsNote + (revert?.note.map { " (\($0))" } ?? "")
            question = ""
        }
        let steps = plan.rollbackSteps(target)
        return RollbackPlan(way: s.rollback.way, runs: s.rollback.runs, target: target, commands: steps.flatMap(\.commands), explanation: explanation,
                            question: question, revision: s.rollback.way == .helmRollback ? target.releaseRevision : target.revision, image: image,
                            deployment: s.deployment, container: s.container)
    }

    static func noBaseline(_ id: IncidentID, _ history: String) -> HotfixError {
        HotfixError.refused("no baseline revision is recorded for \(id)", untouched: "nothing was rolled back",
                            next: "pass --to-revision N (\(history) lists them)")
    }

    /// Rolls back as planned and waits for the rollout; returns what the deployment runs now. A
    /// GitOps revert is not run: it is noted in the journal (`noteRevert`), and nil comes back.
    public func rollback(_ id: IncidentID, _ planned: RollbackPlan,
                         progress: @escaping @Sendable (DeployEvent) -> Void) async throws(HotfixError) -> DeploymentInfo? {
        guard planned.runs else {
            try noteRevert(id, planned)
            return nil
        }
        let (plan, kubectl, source) = await plan(id)
        var runner = runner(id, plan: plan, kubectl: kubectl, progress: progress)
        runner.source = source
        try await runner.rollback(planned.target, image: planned.image)
        return try await kubectl.deployment(planned.deployment)
    }

    /// Journals that the GitOps revert was shown (nothing was rolled back by hotfix).
    public func noteRevert(_ id: IncidentID, _ planned: RollbackPlan) throws(HotfixError) {
        let commands = planned.commands.map(GitText.shellWords).joined(separator: "; ")
        try session.record([.noted(Note(text: "rollback asked for: a GitOps revert to make (hotfix runs nothing; \(DeployPlan.gitOpsNote)): \(commands)"))], on: id)
    }
}

/// What a deploy does: as configured, or only wait for a rollout made elsewhere and judge it
/// (`hotfix watch`), with `deploy.wait` and `deploy.expect_image` overridden when given.
public struct DeployRun: Sendable, Equatable {
    public var watchOnly: Bool
    public var wait: Double?
    public var expectImage: String?

    public init(watchOnly: Bool = false, wait: Double? = nil, expectImage: String? = nil) {
        self.watchOnly = watchOnly; self.wait = wait; self.expectImage = expectImage
    }

    public static let configured = DeployRun()
    public static func watch(wait: Double? = nil, expectImage: String? = nil) -> DeployRun { DeployRun(watchOnly: true, wait: wait, expectImage: expectImage) }
}

extension Optional {
    func asyncMap<T>(_ body: (Wrapped) async -> T) async -> T? {
        guard let value = self else { return nil }
        return await body(value)
    }
}
