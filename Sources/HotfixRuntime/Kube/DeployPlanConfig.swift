import Foundation
import HotfixEngine

extension DeployPlan.Settings {
    /// The plan's settings from `.hotfix.yml`: the image is `{deploy.image}:hotfix-{id}`, and
    /// `{image}`, `{tag}`, `{id}`, `{branch}`, `{sha}`, `{short_sha}` are expanded in the build,
    /// push and rollout commands and in `deploy.expect_image` (`{sha}`: `commit`, the commit deployed).
    /// `errorTarget` (the incident's, from `hotfix assess --target`) wins over `deploy.target`; a
    /// `deploy.kubectl_cache_dir` starting with `~/` is under the home folder, a relative one under `root`.
    /// From attempt 2 on the tag says which (`hotfix-ID-attempt2`): a node that has `hotfix-ID`
    /// would run its cached first build again (imagePullPolicy IfNotPresent, the default for a tag).
    public init(config d: HotfixConfig.Deploy, git: HotfixConfig.Git = HotfixConfig().git, id: String, attempt: Int = 1,
                kubectl: String = "kubectl", errorTarget: String? = nil, commit: String? = nil, root: String = "",
                home: String = NSHomeDirectory()) {
        let tag = "hotfix-\(id)" + (attempt > 1 ? "-attempt\(attempt)" : "")
        let image = "\(d.image):\(tag)"
        var values = ["image": image, "tag": tag, "id": id, "branch": git.branch.replacingOccurrences(of: "{id}", with: id)]
        if let commit { values["sha"] = commit; values["short_sha"] = String(commit.prefix(7)) }
        let target = [errorTarget, d.target].compactMap { $0?.trimmingCharacters(in: .whitespaces) }.first { !$0.isEmpty }
        let rollout: RolloutMode = if case .command(let argv) = d.rollout { .command(Placeholders.expand(argv, values)) } else { d.rollout }
        // Read at load time; a mode that cannot be resolved was refused there (kubectl undo if it gets here).
        let rollback = (try? d.rollbackMode(git: git).get()).map { mode -> RollbackMode in
            if case .command(let argv) = mode { .command(Placeholders.expand(argv, values)) } else { mode }
        } ?? .kubectlUndo
        self.init(image: image, build: Placeholders.expand(d.build, values), push: Placeholders.expand(d.push, values),
                  deployment: d.deployment, container: d.container,
                  target: KubeTarget(config: d, kubectl: kubectl, root: root, home: home),
                  window: d.window, warmup: d.warmup, interval: d.interval, rolloutTimeout: d.rolloutTimeout, autoRollback: d.autoRollback,
                  errorTarget: target, baselineEntries: d.baselineEntries, baselineWait: d.baselineWait, rollout: rollout, rollback: rollback,
                  expectImage: d.expectImage.isEmpty ? nil : ImagePattern(Placeholders.expand(d.expectImage, values)), wait: d.wait)
    }
}

/// Why a rollback cannot be made the configured way.
public struct RollbackConfigError: Error, Sendable, CustomStringConvertible {
    public var description: String
}

extension HotfixConfig.Deploy {
    /// The rollback the way this team deploys: `auto` follows the rollout (set image and
    /// `kubectl apply`: kubectl rollout undo; `helm upgrade`: helm rollback of its release;
    /// external: a GitOps revert on `deployed_branch`). Fails when Helm's release is unknown.
    public func rollbackMode(git: HotfixConfig.Git) -> Result<RollbackMode, RollbackConfigError> {
        let revert = RollbackMode.revert(branch: deployedBranch.isEmpty ? git.main : deployedBranch, remote: git.remote.isEmpty ? "origin" : git.remote)
        switch rollback {
        case .kubectl: return .success(.kubectlUndo)
        case .revert: return .success(revert)
        case .command(let argv): return .success(.command(argv))
        case .helm: return helm(required: true)
        case .auto:
            switch rollout {
            case .setImage: return .success(.kubectlUndo)
            case .external: return .success(revert)
            case .command: return rollout.helm == nil ? .success(.kubectlUndo) : helm(required: true)
            }
        }
    }

    /// `helm rollback`'s executable, scope and release: from `rollout`'s `helm upgrade`, else
    /// helm on PATH with the kubectl target's namespace, context and kubeconfig.
    func helm(required: Bool) -> Result<RollbackMode, RollbackConfigError> {
        var upgrade = rollout.helm ?? HelmUpgrade(release: nil, scope: (namespace.isEmpty ? [] : ["--namespace", namespace])
                                                  + (context.isEmpty ? [] : ["--kube-context", context])
                                                  + (kubeconfig.isEmpty ? [] : ["--kubeconfig", kubeconfig]))
        if !helmRelease.isEmpty { upgrade.release = helmRelease }
        guard let release = upgrade.release else {
            return .failure(RollbackConfigError(description: "helm rollback needs the Helm release, and it cannot be read from deploy.rollout "
                                                + "(helm upgrade RELEASE CHART …): name it in deploy.helm_release"))
        }
        return .success(.helm(upgrade, release: release))
    }
}

extension KubeTarget {
    /// The flags `.hotfix.yml` gives every kubectl call; `deploy.kubectl_cache_dir` starting with
    /// `~/` is under the home folder, a relative one under the repository `root`.
    public init(config d: HotfixConfig.Deploy, kubectl: String = "kubectl", root: String = "", home: String = NSHomeDirectory()) {
        self.init(kubectl: kubectl, context: d.context, namespace: d.namespace, kubeconfig: d.kubeconfig,
                  cacheDir: Self.path(d.kubectlCacheDir, root: root, home: home))
    }

    static func path(_ raw: String, root: String, home: String) -> String {
        if raw.isEmpty || raw.hasPrefix("/") { return raw }
        if raw == "~" { return home }
        if raw.hasPrefix("~/") { return home + raw.dropFirst(1) }
        return root.isEmpty ? raw : root + "/" + raw
    }
}
