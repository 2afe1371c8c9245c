import Foundation
import HotfixEngine
import HotfixRuntime

/// `hotfix logs follow`: the deployment in `.hotfix.yml` followed as the monitoring window follows
/// it (one `kubectl proxy`), without an incident or a deploy, until stopped. New pods are those of
/// the deployment's current template; a pod of a template not seen before (a rollout started
/// meanwhile) is new from its first line, and the deployment is read again to confirm it.
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
        /// The pods of the deployment when the follow started.
        public let pods: [String]
        /// The replicas the deployment asked for when the follow started.
        public let replicas: Int
        /// What to say while there is no pod to follow (nil when there are pods).
        public var waitingForPods: String? {
            guard pods.isEmpty else { return nil }
            return "deployment/\(deployment) has 0 pods (\(replicas) replica\(replicas == 1 ? "" : "s")): waiting for pods; Ctrl-C to stop"
        }

        init(_ follow: DeploymentFollow, pods: [String]) {
            self.follow = follow
            self.pods = pods
            deployment = follow.deployment.name
            namespace = follow.deployment.namespace
            containers = follow.deployment.images.count
            replicas = follow.deployment.replicas
        }

        public func stop() async { await follow.stop() }
    }

    /// Starts following from `since` seconds ago; lines and pods go to `reader`, notices to `notice`.
    /// `Running.pods` are the pods there were (for a pod query to be told when it names none of them).
    /// When the first reads have not answered after `quiet` seconds, `status` is told once that
    /// hotfix is connecting to the cluster (at its server), so a slow cluster is not silence.
    public func follow(since: Double, reader: any LiveLogReader, quiet: Double = 3, status: @escaping @Sendable (String) -> Void = { _ in },
                       notice: @escaping @Sendable (String) -> Void) async throws(HotfixError) -> Running {
        let config = session.config
        // The reads give up after deploy.request_timeout (10 s) and its grace when the cluster does
        // not answer, instead of kubectl's two minutes; the streams never do.
        let kubectl = Kubectl(deploy: config.deploy, root: session.repository.root, runner: session.runner)
        let name = config.deploy.deployment
        let connecting = Task {
            try? await Task.sleep(for: .seconds(quiet))
            guard !Task.isCancelled else { return }
            let server = await kubectl.server()
            guard !Task.isCancelled else { return }
            status("connecting to the cluster\(server.map { " at \($0)" } ?? "")…\(kubectl.requestTimeout.map { " (deploy.request_timeout: \($0)s a read)" } ?? "")")
        }
        defer { connecting.cancel() }
        let info = try await kubectl.deployment(name)
        // The pods there are: their templates other than the current one are old from the start.
        let listed = try await kubectl.pods(selector: info.selector)
        connecting.cancel()
        let sink = LiveReaderSink(reader, newTemplate: info.templateHash ?? "")
        sink.markOld(listed.map(\.templateHash))
        let known = HashesSeen()
        for hash in [info.templateHash].compactMap({ $0 }) + listed.map(\.templateHash) { _ = known.insert(hash) }
        let pods: @Sendable (FollowEvent) -> Void = { event in
            if case .pod(let pod, _) = event, known.insert(pod.templateHash) {
                // A template not seen before: a rollout started (it is new meanwhile). The deployment
                // says which template is current; read again until it names this one (it may lag), 10 s at most.
                let hash = pod.templateHash
                Task {
                    var said: String?
                    for attempt in 0..<10 {
                        if attempt > 0 { try? await Task.sleep(for: .seconds(1)) }
                        guard let info = try? await kubectl.deployment(name) else { continue }
                        said = info.templateHash
                        if said == hash { break }
                    }
                    if let said { sink.setNewTemplate(said) }
                    if said != hash { sink.markOld([hash]) }
                }
            }
            sink.pods(event)
        }
        let follow = await DeploymentFollow.start(kubectl: kubectl, deployment: info, since: session.clock.now - since, lineCap: config.logs.lineCap,
                                                  proxyDirectory: nil, sink: sink, pods: pods, notice: notice)
        return Running(follow, pods: listed.filter { !$0.deleting }.map(\.name))
    }
}

/// Template hashes seen so far (shared by the follower's threads).
final class HashesSeen: @unchecked Sendable {
    private let lock = NSLock()
    private var seen = Set<String>()
    /// True the first time `hash` is seen.
    func insert(_ hash: String) -> Bool { lock.withLock { seen.insert(hash).inserted } }
}
