import Foundation
import HotfixEngine
import HotfixRuntime

/// `hotfix logs follow`: the deployment in `.hotfix.yml` followed as the monitoring window follows
/// it (one `kubectl proxy`), without an incident or a deploy, until stopped. New pods are those of
/// the deployment's current template; when a pod of a template not seen before appears (a rollout
/// started meanwhile), the deployment is read again.
public struct FollowWorkflow: Sendable {
    public let session: Session

    public init(_ session: Session) { self.session = session }

    /// A running follow: stop it to end every stream and kubectl.
    public final class Running: Sendable {
        let follow: DeploymentFollow
        public let deployment: String
        public let namespace: String
        /// How many containers the deployment's pods run.
        public let containers: Int
        /// How the pods are followed, in words.
        public var how: String { follow.how }

        init(_ follow: DeploymentFollow) {
            self.follow = follow
            deployment = follow.deployment.name
            namespace = follow.deployment.namespace
            containers = follow.deployment.images.count
        }

        public func stop() async { await follow.stop() }
    }

    /// Starts following from `since` seconds ago; lines and pods go to `reader`, notices to `notice`.
    public func follow(since: Double, reader: any LiveLogReader, notice: @escaping @Sendable (String) -> Void) async throws(HotfixError) -> Running {
        let config = session.config
        let kubectl = Kubectl(deploy: config.deploy, root: session.repository.root, runner: session.runner)
        let name = config.deploy.deployment
        let info = try await kubectl.deployment(name)
        let sink = LiveReaderSink(reader, newTemplate: info.templateHash ?? "")
        let known = HashesSeen()
        if let hash = info.templateHash { _ = known.insert(hash) }
        let pods: @Sendable (FollowEvent) -> Void = { event in
            if case .pod(let pod, _) = event, known.insert(pod.templateHash), sink.newTemplate != pod.templateHash {
                // A template not seen before: has a rollout started? The deployment says which template is current.
                Task {
                    if let info = try? await kubectl.deployment(name) { sink.setNewTemplate(info.templateHash) }
                    sink.pods(event)
                }
                return
            }
            sink.pods(event)
        }
        let follow = await DeploymentFollow.start(kubectl: kubectl, deployment: info, since: session.clock.now - since, lineCap: config.logs.lineCap,
                                                  proxyDirectory: nil, sink: sink, pods: pods, notice: notice)
        return Running(follow)
    }
}

/// Template hashes seen so far (shared by the follower's threads).
final class HashesSeen: @unchecked Sendable {
    private let lock = NSLock()
    private var seen = Set<String>()
    /// True the first time `hash` is seen.
    func insert(_ hash: String) -> Bool { lock.withLock { seen.insert(hash).inserted } }
}
