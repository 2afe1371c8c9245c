import Foundation
import HotfixEngine

/// Follows a deployment's pods without deploying (`hotfix logs follow`): the same follower as the
/// monitoring window (one `kubectl proxy` on a private socket, else one kubectl per container),
/// every line to `sink`, every pod report to `pods`, until `stop()`.
public final class DeploymentFollow: @unchecked Sendable {
    public let deployment: DeploymentInfo
    private let follower: any PodLogFollowing
    private var consumer: Task<Void, Never>?
    /// How the pods are followed, in words (for a first line on stderr).
    public let how: String

    private init(deployment: DeploymentInfo, follower: any PodLogFollowing, how: String) {
        self.deployment = deployment; self.follower = follower; self.how = how
    }

    /// Starts following `info`'s pods' logs from `since` (read it with `Kubectl.deployment`);
    /// `notice` gets what a person should know (the fallback; dropped streams are resumed quietly).
    public static func start(kubectl: Kubectl, deployment info: DeploymentInfo, since: Date, lineCap: Int, proxyDirectory: String?, sink: any LogSink,
                             pods: @escaping @Sendable (FollowEvent) -> Void,
                             notice: @escaping @Sendable (String) -> Void) async -> DeploymentFollow {
        let (follower, how) = await follower(kubectl: kubectl, deployment: info, since: since, lineCap: lineCap, proxyDirectory: proxyDirectory,
                                             throughProxy: true, starting: { _ in }, notice: notice)
        let follow = DeploymentFollow(deployment: info, follower: follower, how: how)
        let events = follower.start(sink: sink)
        follow.consumer = Task {
            // The watch is retried every few seconds while the cluster is away: said once, and once more when it is back.
            var failing = false
            for await event in events {
                switch event {
                case .pod, .podDeleted:
                    if failing { notice("the pod watch works again; following") }
                    failing = false
                    pods(event)
                case .watchFailed(let error):
                    if !failing { notice("the pod watch failed: \(error.message); retrying quietly until it works, Ctrl-C stops") }
                    failing = true
                case .proxyRestarted(let why): notice("kubectl proxy exited (\(why)); restarted, every stream resumes from its last line")
                default: break
                }
            }
        }
        return follow
    }

    /// The follower for `deployment`'s pods: through one `kubectl proxy` when asked and it starts,
    /// else one kubectl per container (and a notice saying so). Pods of another template than
    /// `deployment.templateHash` are reported as new.
    static func follower(kubectl: Kubectl, deployment: DeploymentInfo, since: Date, lineCap: Int, proxyDirectory: String?, throughProxy: Bool,
                         starting: (KubeProxy) -> Void, notice: (String) -> Void) async -> (any PodLogFollowing, String) {
        if throughProxy {
            do {
                let proxy = try KubeProxy(kubectl: kubectl, parent: proxyDirectory)
                let how = "every pod's logs through one kubectl proxy (private socket \(proxy.socketPath))"
                starting(proxy)
                let follower = try await ProxyFollower.start(proxy: proxy, namespace: deployment.namespace, selector: deployment.selector,
                                                             baselineHash: deployment.templateHash, since: since, lineCap: lineCap)
                return (follower, how)
            } catch {
                notice("kubectl proxy cannot start (\(error.message)); following with one kubectl per container instead")
            }
        }
        return (LogFollower(kubectl: kubectl, selector: deployment.selector, baselineHash: deployment.templateHash, since: since, lineCap: lineCap),
                "every pod's logs with one kubectl per container")
    }

    /// Stops every stream and kubectl (the proxy too) and waits for them.
    public func stop() async {
        await follower.stop()
        await consumer?.value
    }
}
