import Foundation

/// The plan's steps that differ with the way a team deploys: how the rollout is made (set image, a
/// command, or waiting for one made elsewhere) and how it is undone.
extension DeployPlan {
    /// Set image; or the command, then the wait for its ReplicaSet; or only the wait.
    static func rolloutSteps(_ s: Settings) -> [Step] {
        let k = s.target
        switch s.rollout {
        case .setImage:
            return [Step(kind: .setImage, title: "set \(s.container)=\(s.image)",
                         commands: [k.argv(KubeCall.setImage(deployment: s.deployment, container: s.container, image: s.image))], note: nil)]
        case .command(let argv):
            return [Step(kind: .rolloutCommand, title: "run the rollout command instead of kubectl set image (deploy.rollout)", commands: [argv],
                         note: "its output is streamed and its exit status journaled; a failure ends the deploy before any window"),
                    waitStep(s)]
        case .external:
            return [waitStep(s)]
        }
    }

    /// The steps a deploy makes before its verdict, as the console lists them: build and push when
    /// configured (`deploy.build`, `deploy.push` not empty), then how the rollout is made (set image;
    /// the command, then its new ReplicaSet; or only the new ReplicaSet), then the rollout's wait.
    /// The same kinds, in the same order, as `DeployPlan(settings).listedSteps`.
    public static func listedSteps(build: Bool, push: Bool, rollout: RolloutMode) -> [Kind] {
        let made: [Kind] = switch rollout {
        case .setImage: [.setImage]
        case .command: [.rolloutCommand, .newReplicaSet]
        case .external: [.newReplicaSet]
        }
        return (build ? [.build] : []) + (push ? [.push] : []) + made + [.rollout]
    }

    /// A deploy's steps in words, as configured: what `hotfix next` and `hotfix status` say DEPLOY
    /// does and the console's DEPLOY pane lists before the plan (build and push only when configured).
    public static func stepWords(build: Bool, push: Bool, rollout: RolloutMode) -> [String] {
        let made: [String] = switch rollout {
        case .setImage: ["set image", "roll out"]
        case .command(let argv): ["run \(argv.first ?? "the rollout command") (deploy.rollout)", "wait for its rollout"]
        case .external: ["wait for the rollout made elsewhere"]
        }
        return (build ? ["build"] : []) + (push ? ["push"] : []) + made + ["monitor"]
    }

    /// This plan's steps as the console lists them (the baseline read, the following and the verdict left out).
    public var listedSteps: [Kind] { steps.map(\.kind).filter { $0 != .baseline && $0 != .monitor && $0 != .verdict } }

    /// Waiting for the rollout hotfix did not make itself.
    static func waitStep(_ s: Settings) -> Step {
        let wait = RolloutWait(deployment: s.deployment, expectImage: s.expectImage?.text, trigger: s.rollout.words, baseline: "",
                               startedAt: 0, limit: s.wait)
        let ignored = s.expectImage.map { "; one whose \(s.container) image does not match \($0) is reported and ignored, and waiting goes on" } ?? ""
        return Step(kind: .newReplicaSet, title: "wait up to \(Durations.words(s.wait)) for \(wait.lookingFor)",
                    commands: [s.target.argv(KubeCall.listReplicaSets(selector: "{selector}"))],
                    note: "read every \(Int(Self.waitPoll)) s through the kubectl proxy (GET /apis/apps/v1/namespaces/{namespace}/replicasets"
                        + "?labelSelector={selector}; with the kubectl shown when the proxy cannot start): the ReplicaSet of the deployment's newest revision, above {baseline-revision} and "
                        + "of another pod template than the baseline's, is the rollout to judge\(ignored); none within deploy.wait: "
                        + "INCONCLUSIVE, saying what was seen")
    }

    /// How often the ReplicaSets are read while waiting for a rollout made elsewhere.
    public static let waitPoll = 2.0

    /// What a rollback goes back to: the deployment's revision, the Helm release's, and for a
    /// GitOps revert the arguments of `git revert` (default `-m 1 --no-edit {merge}`).
    public struct RollbackTarget: Sendable, Equatable {
        public var revision: Int?
        public var releaseRevision: Int?
        public var revert: [String]?

        public init(revision: Int? = nil, releaseRevision: Int? = nil, revert: [String]? = nil) {
            self.revision = revision; self.releaseRevision = releaseRevision; self.revert = revert
        }
    }

    /// The rollback: back to the baseline revision, then wait for that rollout.
    public func rollbackSteps(toRevision revision: Int?) -> [Step] { rollbackSteps(RollbackTarget(revision: revision)) }

    /// The rollback the way the deploy was made: `kubectl rollout undo`, `helm rollback`, the
    /// configured command (each then waits for that rollout), or a GitOps revert (printed only).
    public func rollbackSteps(_ target: RollbackTarget) -> [Step] {
        let s = settings
        let rev = target.revision.map(String.init) ?? "{baseline-revision}"
        let wait = Step(kind: .rollbackRollout, title: "wait for the rollback", commands: [Self.rolloutStatus(s.target, s.deployment, s.rolloutTimeout)], note: nil)
        switch s.rollback {
        case .kubectlUndo:
            return [Step(kind: .rollback, title: "roll back to revision \(rev)",
                         commands: [s.target.argv(KubeCall.rolloutUndo(deployment: s.deployment, toRevision: rev))], note: nil), wait]
        case .helm(let helm, let release):
            let to = target.releaseRevision.map(String.init) ?? "{release-revision}"
            return [Step(kind: .rollback, title: "helm rollback of release \(release) to its revision \(to), recorded before the upgrade",
                         commands: [helm.rollback(release, revision: to)], note: nil), wait]
        case .command(let argv):
            let values = ["revision": rev, "release_revision": target.releaseRevision.map(String.init) ?? "{release_revision}"]
            return [Step(kind: .rollback, title: "the configured rollback command (deploy.rollback)", commands: [Self.filled(argv, values)], note: nil), wait]
        case .revert(let branch, let remote):
            return [Step(kind: .rollback, title: "revert the deploy's merge on \(branch) and push it",
                         commands: Self.revertCommands(branch: branch, remote: remote, revert: target.revert ?? ["-m", "1", "--no-edit", "{merge}"]),
                         note: Self.gitOpsNote)]
        }
    }

    /// Why a GitOps rollback is a revert, in the words shown wherever it is offered.
    public static let gitOpsNote = "a GitOps controller (Argo CD, Flux) would undo a kubectl rollback at its next sync: "
        + "revert the change in the repository it deploys from, and it rolls back itself"

    /// Check out the deployed branch, bring it up to date, revert, push.
    public static func revertCommands(branch: String, remote: String, revert: [String]) -> [[String]] {
        [["git", "checkout", branch], ["git", "pull", "--ff-only", remote, branch], ["git", "revert"] + revert, ["git", "push", remote, branch]]
    }

    /// What the journal keeps of the rollback plan, with the values known at the baseline.
    public func rollbackRecord(_ target: RollbackTarget) -> RollbackPlanRecord {
        let steps = rollbackSteps(target)
        let commands = steps.first.map(\.commands) ?? []
        let note: String? = switch settings.rollback {
        case .kubectlUndo: nil
        case .helm: "the Helm release's revision before the upgrade"
        case .command: "deploy.rollback"
        case .revert: Self.gitOpsNote
        }
        return RollbackPlanRecord(way: settings.rollback.way, commands: commands + (settings.rollback.runs ? [steps[1].commands[0]] : []), note: note)
    }
}
