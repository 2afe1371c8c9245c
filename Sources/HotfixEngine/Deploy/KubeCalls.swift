/// Every kubectl call DEPLOY makes, as argv after the target flags: the runtime runs exactly
/// these and the dry run prints exactly these, so the plan cannot drift from what runs.
public enum KubeCall {
    public static func getDeployment(_ name: String) -> [String] { ["get", "deployment/\(name)", "-o", "json"] }

    public static func listReplicaSets(selector: String) -> [String] { ["get", "replicasets", "-l", selector, "-o", "json"] }

    public static func listPods(selector: String) -> [String] { ["get", "pods", "-l", selector, "-o", "json"] }

    public static func watchPods(selector: String) -> [String] {
        ["get", "pods", "-l", selector, "-w", "--output-watch-events", "-o", "json"]
    }

    /// One container's log, followed with timestamps; `since` (RFC 3339) skips what came before.
    public static func followLog(pod: String, container: String, since: String?) -> [String] {
        ["logs", "-f", "pod/\(pod)", "-c", container, "--timestamps"] + (since.map { ["--since-time=\($0)"] } ?? [])
    }

    public static func setImage(deployment: String, container: String, image: String) -> [String] {
        ["set", "image", "deployment/\(deployment)", "\(container)=\(image)"]
    }

    /// `rollout status` gives up after `timeout` seconds (rounded up).
    public static func rolloutStatus(deployment: String, timeout: Double) -> [String] {
        ["rollout", "status", "deployment/\(deployment)", "--timeout=\(Int(timeout.rounded(.up)))s"]
    }

    /// Back to a revision (a number; `{baseline-revision}` in a plan).
    public static func rolloutUndo(deployment: String, toRevision revision: String) -> [String] {
        ["rollout", "undo", "deployment/\(deployment)", "--to-revision=\(revision)"]
    }

    /// `kubectl proxy` on a private Unix socket, letting through only what the window reads:
    /// `/version`, the pods (list and watch) and their logs, the ReplicaSets (a rollout made
    /// elsewhere is waited for), and no method that changes anything.
    public static func proxy(socket: String) -> [String] {
        ["proxy", "--unix-socket=\(socket)",
         "--accept-paths=^/version$,^/api/v1/namespaces/[^/]+/pods(/[^/]+/log)?$,^/apis/apps/v1/namespaces/[^/]+/replicasets$",
         "--reject-methods=^(POST|PUT|PATCH|DELETE|CONNECT|OPTIONS)$"]
    }
}
