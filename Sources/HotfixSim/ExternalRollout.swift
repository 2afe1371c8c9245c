import Foundation

/// Rollouts made by someone else than hotfix, as a CI/CD pipeline or a GitOps controller makes
/// them: the Deployment's pod template changes through the API server, like `kubectl set image`.
extension SimCluster {
    /// Changes `container`'s image (the deployment's main container by default) now, through the
    /// same patch the API server applies for `kubectl set image`.
    public func rollOut(image: String, container: String? = nil) throws(SimError) {
        let patch: JSON = .object(["spec": .object(["template": .object(["spec": .object([
            "containers": .array([.object(["name": .string(container ?? self.container), "image": .string(image)])]),
        ])])])])
        cluster.cond.lock()
        defer { cluster.cond.unlock() }
        do {
            _ = try cluster.patchDeployment(cluster.key(namespace, deployment), kind: .strategicMerge, patch: patch, now: Date())
        } catch {
            throw SimError("the simulated rollout of \(image) was refused: \(error.message)")
        }
    }

    /// Rolls `image` out `seconds` from now (real seconds), on a task of its own, unless the cluster
    /// has stopped by then; the task is returned so a caller can cancel it.
    @discardableResult
    public func rollOut(image: String, after seconds: Double, container: String? = nil) -> Task<Void, Never> {
        Task { [self] in
            try? await Task.sleep(for: .milliseconds(Int(max(0, seconds) * 1000)))
            guard !Task.isCancelled, !state.isSet else { return }
            try? rollOut(image: image, container: container)
        }
    }
}
