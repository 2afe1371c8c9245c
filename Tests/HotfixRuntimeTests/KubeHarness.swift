import Foundation
import HotfixEngine
@testable import HotfixRuntime
import HotfixSim
import HotfixTestSupport

/// The real kubectl against a simulated cluster on loopback, with a private HOME and --cache-dir
/// (the cloud SDK's kubectl caches /version for two hours, kubectl caches discovery).
final class KubeHarness: @unchecked Sendable {
    let sim: SimCluster
    let home: TempDir
    let kubectl: Kubectl
    /// Held while the cluster runs (see ClusterGate): its deadlines count only from here.
    private let slot: ClusterGate.Slot

    init(_ scenario: Scenario, speed: Double = 10, token: String? = nil, replicas: Int = 3, containers: Int = 1,
         timing: SimTiming = SimTiming()) async throws {
        slot = await ClusterGate.slot()
        sim = try await SimCluster.start(scenario: scenario, speed: speed, replicas: replicas, containers: containers, token: token, timing: timing)
        home = TempDir("kube-home")
        kubectl = Kubectl(context: sim.context, namespace: sim.namespace, kubeconfig: sim.kubeconfig,
                          cacheDir: home.file("cache"), runner: ProcessRunner(environment: ["HOME": home.path]))
    }

    private let lock = NSLock()
    private var followers: [any PodLogFollowing] = []

    /// A follower that is stopped with the harness, whatever way the test ends.
    func follower(selector: String, baselineHash: String?, since: Date? = nil) -> LogFollower {
        track(LogFollower(kubectl: kubectl, selector: selector, baselineHash: baselineHash, since: since))
    }

    /// Stops `follower` (and its kubectl or proxy) with the harness.
    @discardableResult
    func track<F: PodLogFollowing>(_ follower: F) -> F {
        lock.withLock { followers.append(follower) }
        return follower
    }

    /// A test that failed before `follower.stop()` would leave its follower restarting kubectl
    /// against a stopped cluster until the test process ends: stop the followers (and their
    /// kubectl processes) first, then the cluster. `stop()` is idempotent.
    deinit {
        let followers: [any PodLogFollowing] = lock.withLock { self.followers }
        let sim = sim, slot = slot
        guard !followers.isEmpty else { sim.stop(); slot.release(); return }
        Task {
            for f in followers { await f.stop() }
            sim.stop()
            slot.release()
        }
    }

    /// `kubectl get deployment/app -o jsonpath=...`, straight from the tool.
    func jsonpath(_ path: String) async throws -> String {
        try await kubectl.run(["get", "deployment/\(sim.deployment)", "-o", "jsonpath=\(path)"], what: "read").stdout
    }

    /// What the pod wrote from `from` up to and including the line stamped `last`: the truth a follower is checked against.
    /// Both ends are compared as the follower compares them, on the stamps a stream carries (to
    /// the microsecond), not on the times behind them.
    func written(_ pod: String, container: String? = nil, from: Date = .distantPast, through last: KubeTimestamp) -> [String] {
        let first = from == .distantPast ? nil : KubeTimestamp(from)
        return sim.written(pod: pod, container: container, from: from.addingTimeInterval(-0.001), to: last.date.addingTimeInterval(0.001))
            .filter { KubeTimestamp.parse(Substring($0.stamp)).map { t in t <= last && (first.map { f in f <= t } ?? true) } ?? false }
            .map(\.text)
    }

    func rollout() async throws -> [String] {
        let lines = Lines()
        try await kubectl.rolloutStatus(deployment: sim.deployment, timeout: 60) { lines.append($0.text) }
        return lines.all
    }
}

/// A thread-safe list, for callbacks.
final class Lines: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []
    func append(_ s: String) { lock.withLock { items.append(s) } }
    var all: [String] { lock.withLock { items } }
}

/// Collects a follower's lines and events with the moment each arrived.
final class FollowLog: LogSink, @unchecked Sendable {
    private let lock = NSLock()
    private(set) var events: [(Date, FollowEvent)] = []
    private var received: [(Date, FollowedLine)] = []
    private var task: Task<Void, Never>?

    /// Real seconds each batch of lines holds the stream that delivered it (a slow consumer).
    let slowness: Double

    init(_ follower: any PodLogFollowing, slowness: Double = 0) {
        self.slowness = slowness
        let stream = follower.start(sink: self)
        task = Task { [self] in
            for await e in stream { lock.withLock { events.append((Date(), e)) } }
        }
    }

    func receive(_ batch: LogBatch) {
        if slowness > 0 { Thread.sleep(forTimeInterval: slowness) }
        let now = Date()
        let lines = batch.followedLines
        lock.withLock { received += lines.map { (now, $0) } }
    }

    var snapshot: [(Date, FollowEvent)] { lock.withLock { events } }

    var lines: [(Date, FollowedLine)] { lock.withLock { received } }

    func lines(of pod: String, container: String? = nil) -> [FollowedLine] {
        lines.map(\.1).filter { $0.pod == pod && (container == nil || $0.container == container) }
    }

    /// Waits (polling) until `done` holds, or `limit` seconds pass (a hang guard, not a timing assertion).
    func wait(_ limit: Double, until done: @Sendable ([(Date, FollowEvent)]) -> Bool) async -> Bool {
        let end = Date().addingTimeInterval(limit)
        while Date() < end {
            if done(snapshot) { return true }
            try? await Task.sleep(nanoseconds: 50_000_000)
        }
        return done(snapshot)
    }

    /// As `wait`, on the lines.
    func waitLines(_ limit: Double, until done: @Sendable ([(Date, FollowedLine)]) -> Bool) async -> Bool {
        let end = Date().addingTimeInterval(limit)
        while Date() < end {
            if done(lines) { return true }
            try? await Task.sleep(nanoseconds: 50_000_000)
        }
        return done(lines)
    }

    func finish() async { await task?.value }
}
