// HotfixSim: a simulated Kubernetes cluster on loopback that the real kubectl talks to, for the
// demo, drills and tests: discovery, deployments, replica sets, pods and their logs, watches,
// patches, rollout status and undo, with scenarios for what a new image does.

import Foundation

/// A simulated Kubernetes cluster on 127.0.0.1 that the real kubectl talks to: one namespace,
/// one Deployment with a running baseline, a rollout controller and pods whose logs follow a scenario.
public final class SimCluster: Sendable {
    public let url: String
    public let port: Int
    /// A kubeconfig for this cluster (context `hotfix-sim`), written into `directory`.
    public let kubeconfig: String
    /// A temporary folder owned by the cluster (kubeconfig); removed by `stop()`.
    public let directory: String
    public let scenario: Scenario
    public let speed: Double
    public let namespace: String
    public let deployment: String
    public let container: String
    public let baselineImage: String
    public let context = "hotfix-sim"

    let cluster: Cluster
    let server: HTTPServer
    let state: StopFlag

    final class StopFlag: @unchecked Sendable {
        private let lock = NSLock()
        private var value = false
        var isSet: Bool { lock.lock(); defer { lock.unlock() }; return value }
        func set() { lock.lock(); value = true; lock.unlock() }
    }

    /// Starts the cluster. `port` 0 picks a free port; `speed` compresses every duration (and
    /// raises the request rate by the same factor). With a `token` every request must carry it; kubectl
    /// sends no bearer token over plain http, so that makes a cluster that answers 401 Unauthorized.
    /// `containers` beyond the first are sidecars ("proxy", …) that log an access line per request.
    public static func start(scenario: Scenario = .fixWorks, port: Int = 0, speed: Double = 1,
                             namespace: String = "default", deployment: String = "app", container: String = "app",
                             image: String = "registry/app:1.4.2", replicas: Int = 3, containers: Int = 1,
                             token: String? = nil, timing: SimTiming = SimTiming()) async throws(SimError) -> SimCluster {
        guard speed > 0, speed <= 1000 else { throw SimError("--speed must be between 0 and 1000 (got \(speed))") }
        // 0: a deployment scaled to zero (tests of what waits for pods); `hotfix sim` asks for 1 at least.
        guard replicas >= 0, replicas <= 500 else { throw SimError("replicas must be between 0 and 500 (got \(replicas))") }
        guard containers > 0, containers <= 8 else { throw SimError("containers must be between 1 and 8 (got \(containers))") }
        let cluster = Cluster(scenario: scenario, speed: speed, timing: timing, namespace: namespace, deployment: deployment,
                              container: container, image: image, replicas: replicas, sidecars: containers - 1)
        let flag = StopFlag()
        let api = API(cluster: cluster, token: token, isStopped: { flag.isSet })
        let server = try await HTTPServer.bind(port: port) { req, conn in await api.handle(req, conn) }
        return try SimCluster(scenario: scenario, speed: speed, namespace: namespace, deployment: deployment, container: container,
                              image: image, token: token, cluster: cluster, server: server, flag: flag)
    }

    init(scenario: Scenario, speed: Double, namespace: String, deployment: String, container: String,
         image: String, token: String?, cluster: Cluster, server: HTTPServer, flag: StopFlag) throws(SimError) {
        self.scenario = scenario
        self.speed = speed
        self.namespace = namespace
        self.deployment = deployment
        self.container = container
        self.baselineImage = image
        self.cluster = cluster
        self.server = server
        self.state = flag
        self.port = server.port
        self.url = "http://127.0.0.1:\(server.port)"
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hotfix-sim-\(UUID().uuidString.prefix(8))").path
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            let path = dir + "/kubeconfig"
            try Self.kubeconfigText(url: url, token: token, namespace: namespace, context: context)
                .write(toFile: path, atomically: true, encoding: .utf8)
            self.kubeconfig = path
            self.directory = dir
        } catch {
            server.stop()
            throw SimError("cannot write the kubeconfig into \(dir): \(error.localizedDescription)")
        }
        server.start()
        Thread.detachNewThread {
            while !flag.isSet {
                cluster.cond.lock()
                cluster.reconcile(now: Date())
                cluster.cond.unlock()
                Thread.sleep(forTimeInterval: 0.02)
            }
            cluster.cond.lock()
            cluster.stopped = true
            cluster.cond.broadcast()
            cluster.cond.unlock()
        }
    }

    static func kubeconfigText(url: String, token: String?, namespace: String, context: String) -> String {
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: \(context)
          cluster:
            server: \(url)
        users:
        - name: \(context)
          user:
        \(token.map { "    token: \($0)" } ?? "    {}")
        contexts:
        - name: \(context)
          context:
            cluster: \(context)
            user: \(context)
            namespace: \(namespace)
        current-context: \(context)

        """
    }

    /// From now on, pods of `image` behave as `scenario` (say, the second build of a fix works
    /// where the first crashed); other hotfix images keep the cluster's scenario.
    public func behave(_ image: String, as scenario: Scenario) {
        cluster.cond.lock()
        cluster.imageScenarios[image] = scenario
        cluster.cond.unlock()
    }

    /// Stops serving, cuts open streams and removes the temporary folder.
    public func stop() {
        guard !state.isSet else { return }
        state.set()
        server.stop()
        cluster.cond.lock()
        cluster.cond.broadcast()
        cluster.cond.unlock()
        try? FileManager.default.removeItem(atPath: directory)
    }

    deinit { stop() }

    // MARK: - Looking inside (tests and the demo)

    public struct PodInfo: Sendable, Equatable {
        public var name: String
        public var templateHash: String
        public var image: String
        public var created: Date
        /// When the container first started running.
        public var started: Date
        public var ready: Bool
        public var restarts: Int
        public var waitingReason: String?
        public var deleting: Bool
        /// Every container's name, the first one first.
        public var containers: [String]
    }

    /// Ends every open watch with ERROR 410 Expired and forgets the history a watch resumes from
    /// (as an API server after a compaction): a client must list again.
    public func expireWatches() {
        cluster.cond.lock()
        cluster.expireWatches()
        cluster.cond.unlock()
    }

    /// Deletes a pod now (as `kubectl delete pod` does; its replacement follows).
    public func deletePod(_ name: String) {
        cluster.cond.lock()
        defer { cluster.cond.unlock() }
        guard let p = cluster.pods[cluster.key(namespace, name)] else { return }
        let now = Date()
        cluster.delete(p, now: now)
        cluster.reconcile(now: now)
    }

    /// The pods that exist now.
    public func pods() -> [PodInfo] {
        cluster.cond.lock()
        defer { cluster.cond.unlock() }
        let now = Date()
        return cluster.pods.values.sorted { $0.meta.created < $1.meta.created }.map { Self.info($0, now) }
    }

    /// Every pod that ever existed, deleted ones included.
    public func allPods() -> [PodInfo] {
        cluster.cond.lock()
        defer { cluster.cond.unlock() }
        let now = Date()
        return (Array(cluster.pods.values) + cluster.retired.values).sorted { $0.meta.created < $1.meta.created }.map { Self.info($0, now) }
    }

    static func info(_ p: Pod, _ now: Date) -> PodInfo {
        let st = p.state(at: now)
        let waiting: String? = switch st.kind {
        case .creating: "ContainerCreating"
        case .backoff: "CrashLoopBackOff"
        case .running: nil
        }
        return PodInfo(name: p.meta.name, templateHash: p.hash, image: p.image, created: p.meta.created, started: p.startAt,
                       ready: p.isReady(now), restarts: st.restarts, waitingReason: waiting, deleting: p.meta.deletion != nil,
                       containers: [p.container] + p.sidecars.map(\.name))
    }

    public struct LogLine: Sendable, Equatable {
        public var time: Date
        public var text: String
        /// The `--timestamps` prefix kubectl shows for this line.
        public var stamp: String { Time.rfc3339Nano(time) }
    }

    /// What a pod's container wrote in [from, to), every run in order: the truth a follower is checked against.
    public func written(pod name: String, container: String? = nil, from: Date = .distantPast, to: Date) -> [LogLine] {
        Self.written(cluster, namespace: namespace, pod: name, container: container, from: from, to: to)
    }

    static func written(_ cluster: Cluster, namespace: String, pod name: String, container: String?, from: Date, to: Date) -> [LogLine] {
        cluster.cond.lock()
        let found = cluster.pods[cluster.key(namespace, name)] ?? cluster.retired[cluster.key(namespace, name)]
        cluster.cond.unlock()
        guard let pod = found else { return [] }
        if let sidecar = pod.sidecars.first(where: { $0.name == container }) {
            let limit = min(to, pod.stopAt ?? to)
            guard pod.startAt < limit else { return [] }
            return sidecar.generator.lines(runStart: pod.startAt, run: 0, from: from, to: limit).map { LogLine(time: $0.time, text: $0.text) }
        }
        var out: [LogLine] = []
        var run = 0
        var t = pod.startAt
        let limit = min(to, pod.stopAt ?? to)
        while t < limit {
            let st = pod.state(at: t.addingTimeInterval(0.000_001))
            guard st.run == run else { break }
            let end = pod.generator.runEnd(runStart: st.runStart) ?? limit
            out += pod.generator.lines(runStart: st.runStart, run: run, from: from, to: min(end, limit)).map { LogLine(time: $0.time, text: $0.text) }
            guard pod.crashes else { break }
            // The next run starts after the back-off.
            var probe = end
            var next = pod.state(at: probe)
            while next.run == run && probe < limit { probe = probe.addingTimeInterval(0.001); next = pod.state(at: probe) }
            run += 1
            t = next.runStart
        }
        return out
    }

    /// The deployment's revision annotation and first container image, read directly.
    public func deploymentState() -> (revision: Int, image: String, generation: Int, observedGeneration: Int) {
        cluster.cond.lock()
        defer { cluster.cond.unlock() }
        guard let d = cluster.deployments[cluster.key(namespace, deployment)] else { return (0, "", 0, 0) }
        let image = d.template[path: ["spec", "containers"]]?.array?.first?["image"]?.string ?? ""
        return (Int(d.meta.annotations[Cluster.revisionKey] ?? "") ?? 0, image, d.meta.generation, d.status.observedGeneration)
    }
}
