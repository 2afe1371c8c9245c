import Foundation
import HotfixEngine

/// kubectl with the configured `--context`, `--namespace`, `--kubeconfig` (and, for tests,
/// `--cache-dir`) on every call; failures become HotfixErrors that say what to do.
public struct Kubectl: Sendable {
    public var runner: ProcessRunner
    /// The executable and the flags every call carries.
    public var target: KubeTarget
    /// `--request-timeout` for the one-shot reads of `run` (never for a stream or a change), in
    /// seconds (`deploy.request_timeout`): kubectl's own default waits about 30 s per attempt, and
    /// its discovery retries four times, on a cluster that accepts connections and never answers.
    /// With it, a read still running `readGrace` seconds after its timeout is stopped.
    public var requestTimeout: Int?
    /// How long after `requestTimeout` a read that has not ended is stopped (kubectl's discovery
    /// retries each request, each waiting the timeout again).
    public static let readGrace = 5

    public init(target: KubeTarget = KubeTarget(), runner: ProcessRunner = ProcessRunner()) {
        self.target = target
        self.runner = runner
    }

    public init(executable: String = "kubectl", context: String = "", namespace: String = "", kubeconfig: String = "",
                cacheDir: String = "", runner: ProcessRunner = ProcessRunner()) {
        self.init(target: KubeTarget(kubectl: executable, context: context, namespace: namespace, kubeconfig: kubeconfig, cacheDir: cacheDir),
                  runner: runner)
    }

    /// kubectl as `.hotfix.yml` points it (`cacheDir` overrides `deploy.kubectl_cache_dir`).
    public init(deploy: HotfixConfig.Deploy, executable: String = "kubectl", cacheDir: String? = nil, root: String = "",
                runner: ProcessRunner = ProcessRunner()) {
        var target = KubeTarget(config: deploy, kubectl: executable, root: root)
        if let cacheDir { target.cacheDir = cacheDir }
        self.init(target: target, runner: runner)
        requestTimeout = max(1, Int(deploy.requestTimeout.rounded(.up)))
    }

    /// The full argv: kubectl, the global flags, then `args`.
    public func argv(_ args: [String]) -> [String] { target.argv(args) }

    /// Runs a one-shot read and returns its result; a non-zero exit becomes a HotfixError. With a
    /// `requestTimeout`, kubectl gets `--request-timeout` and is stopped when it has not ended
    /// `readGrace` seconds after it: a cluster that never answers is the same error as one that
    /// cannot be reached (timed out), in about that long.
    @discardableResult
    public func run(_ args: [String], what: String) async throws(HotfixError) -> ProcessResult {
        guard let seconds = requestTimeout else { return try await write(args, what: what) }
        let result = try await bounded(argv(args + ["--request-timeout=\(seconds)s"]), seconds: seconds + Self.readGrace)
        guard let result else { throw await failure(stoppedAfter: seconds, what: what) }
        guard result.succeeded else { throw await failure(result, what: what) }
        return result
    }

    /// Runs a change (set image, rollout undo) without a request timeout: one stopped midway may
    /// have been made or not. A failure says so when kubectl gave up waiting, and what to check (`check`).
    @discardableResult
    func write(_ args: [String], what: String, check: String? = nil) async throws(HotfixError) -> ProcessResult {
        let result = try await runner.run(argv(args))
        guard result.succeeded else { throw await failure(result, what: what, check: check) }
        return result
    }

    // MARK: - Deployment

    /// The deployment's revision, images, selector, replica counts and progress deadline, and (unless
    /// `templateHash` is false) the template hash of its current ReplicaSet.
    public func deployment(_ name: String, templateHash: Bool = true) async throws(HotfixError) -> DeploymentInfo {
        let r = try await run(KubeCall.getDeployment(name), what: "read deployment/\(name)")
        guard let o = KubeJSON.object(r.stdout) else {
            throw HotfixError.environment("kubectl returned something that is not a deployment for deployment/\(name)", untouched: "nothing was changed")
        }
        var info = DeploymentInfo(json: o)
        if templateHash { info.templateHash = try await currentTemplateHash(info) }
        return info
    }

    /// The `pod-template-hash` of the ReplicaSet that carries the deployment's revision.
    func currentTemplateHash(_ d: DeploymentInfo) async throws(HotfixError) -> String? {
        guard !d.matchLabels.isEmpty else { return nil }
        let r = try await run(KubeCall.listReplicaSets(selector: d.selector), what: "list the replicasets of deployment/\(d.name)")
        let items = KubeJSON.object(r.stdout)?["items"] as? [[String: Any]] ?? []
        for rs in items {
            let meta = rs["metadata"] as? [String: Any] ?? [:]
            let rev = (meta["annotations"] as? [String: Any])?["deployment.kubernetes.io/revision"] as? String
            if rev == String(d.revision) { return (meta["labels"] as? [String: Any])?["pod-template-hash"] as? String }
        }
        return nil
    }

    /// The ReplicaSets of a selector, now.
    public func replicaSets(selector: String) async throws(HotfixError) -> [ReplicaSetInfo] {
        let r = try await run(KubeCall.listReplicaSets(selector: selector), what: "list the replicasets of \(selector)")
        guard let o = KubeJSON.object(r.stdout) else {
            throw HotfixError.environment("kubectl returned something that is not a list of replicasets for \(selector)", untouched: "nothing was changed")
        }
        return (o["items"] as? [[String: Any]] ?? []).compactMap { ReplicaSetInfo(json: $0) }
    }

    /// `kubectl set image deployment/NAME CONTAINER=IMAGE`.
    public func setImage(deployment: String, container: String, image: String) async throws(HotfixError) {
        try await write(KubeCall.setImage(deployment: deployment, container: container, image: image),
                        what: "set the image of deployment/\(deployment)",
                        check: "kubectl get deployment/\(deployment) -o jsonpath='{.spec.template.spec.containers[?(@.name==\"\(container)\")].image}' "
                            + "shows whether it is \(image)")
    }

    /// `kubectl rollout status`, each line to `onLine`; throws when the rollout fails or times out.
    @discardableResult
    public func rolloutStatus(deployment: String, timeout: Double, onLine: @escaping @Sendable (OutputLine) -> Void) async throws(HotfixError) -> ProcessResult {
        let r = try await runner.stream(argv(KubeCall.rolloutStatus(deployment: deployment, timeout: timeout)), onLine: onLine)
        guard r.succeeded else { throw await failure(r, what: "wait for the rollout of deployment/\(deployment)") }
        return r
    }

    /// kubectl's words when `rollout status` reached its `--timeout` (the rollout may still be progressing).
    public static func timedOut(_ r: ProcessResult) -> Bool {
        (r.stderr + r.stdout).contains("timed out waiting for the condition")
    }

    /// `kubectl rollout undo --to-revision=N`.
    public func rolloutUndo(deployment: String, toRevision revision: Int) async throws(HotfixError) {
        try await write(KubeCall.rolloutUndo(deployment: deployment, toRevision: String(revision)),
                        what: "roll deployment/\(deployment) back to revision \(revision)",
                        check: "kubectl rollout history deployment/\(deployment) shows whether a new revision copies revision \(revision)")
    }

    /// The pods of a selector, now.
    public func pods(selector: String) async throws(HotfixError) -> [PodState] {
        let r = try await run(KubeCall.listPods(selector: selector), what: "list the pods of \(selector)")
        let items = KubeJSON.object(r.stdout)?["items"] as? [[String: Any]] ?? []
        return items.compactMap { PodState(json: $0) }
    }

    // MARK: - Errors

    /// A failed call as a person should read it (`KubeFailure`), naming the cluster's server:
    /// from kubectl's words when they name it, else from the kubeconfig (`kubectl config view`,
    /// which reads no network).
    public func failure(_ r: ProcessResult, what: String, check: String? = nil) async -> HotfixError {
        await named(KubeFailure(r)).error(what: what, check: check)
    }

    /// A read stopped after `seconds` (its request timeout) and the grace: the cluster did not answer.
    func failure(stoppedAfter seconds: Int, what: String) async -> HotfixError {
        await named(KubeFailure(cause: .unreachable(reason: "timed out"), said: [
            "no answer from the cluster in \(seconds + Self.readGrace) s (deploy.request_timeout: \(seconds)s a request), so hotfix stopped kubectl"
        ])).error(what: what)
    }

    /// The failure with the cluster's server from the kubeconfig when kubectl's words do not name it.
    func named(_ failure: KubeFailure) async -> KubeFailure {
        var failure = failure
        if !failure.isOther, failure.server == nil { failure.server = await server() }
        return failure
    }

    /// The API server's address as the kubeconfig names it (`kubectl config view`, which reads no network).
    public func server() async -> String? {
        let view = try? await runner.run(argv(["config", "view", "--minify", "-o", "jsonpath={.clusters[0].cluster.server}"]))
        guard let view, view.succeeded else { return nil }
        let server = view.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        return server.isEmpty ? nil : Sanitize.inline(server)
    }

    /// `argv` run to its end, or nil when it had not ended after `seconds` (then it is stopped).
    func bounded(_ argv: [String], seconds: Int) async throws(HotfixError) -> ProcessResult? {
        let runner = runner
        let outcome: Result<ProcessResult, HotfixError>? = await withTaskGroup(of: Result<ProcessResult, HotfixError>?.self) { group in
            group.addTask {
                do throws(HotfixError) { return .success(try await runner.run(argv)) } catch { return .failure(error) }
            }
            group.addTask {
                try? await Task.sleep(for: .seconds(seconds))
                return nil
            }
            // The timer ends early only when this task is cancelled: then the read's own outcome counts.
            for await r in group where r != nil || !Task.isCancelled {
                group.cancelAll()
                return r
            }
            return nil
        }
        switch outcome {
        case .success(let r): return r
        case .failure(let e): throw e
        case nil: return nil
        }
    }

    /// A failed call, classified from kubectl's words alone (for callers that cannot wait).
    public static func failure(_ r: ProcessResult, what: String) -> HotfixError { KubeFailure(r).error(what: what) }

}
