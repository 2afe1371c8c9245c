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

    init(_ scenario: Scenario, speed: Double = 10, token: String? = nil) async throws {
        sim = try await SimCluster.start(scenario: scenario, speed: speed, token: token)
        home = TempDir("kube-home")
        kubectl = Kubectl(context: sim.context, namespace: sim.namespace, kubeconfig: sim.kubeconfig,
                          cacheDir: home.file("cache"), runner: ProcessRunner(environment: ["HOME": home.path]))
    }

    private let lock = NSLock()
    private var followers: [LogFollower] = []

    /// A follower that is stopped with the harness, whatever way the test ends.
    func follower(selector: String, baselineHash: String?, since: Date? = nil) -> LogFollower {
        let f = LogFollower(kubectl: kubectl, selector: selector, baselineHash: baselineHash, since: since)
        lock.withLock { followers.append(f) }
        return f
    }

    /// A test that failed before `follower.stop()` would leave its follower restarting kubectl
    /// against a stopped cluster until the test process ends: stop the followers (and their
    /// kubectl processes) first, then the cluster. `stop()` is idempotent.
    deinit {
        let followers: [LogFollower] = lock.withLock { self.followers }
        let sim = sim
        guard !followers.isEmpty else { sim.stop(); return }
        Task {
            for f in followers { await f.stop() }
            sim.stop()
        }
    }

    /// `kubectl get deployment/app -o jsonpath=...`, straight from the tool.
    func jsonpath(_ path: String) async throws -> String {
        try await kubectl.run(["get", "deployment/\(sim.deployment)", "-o", "jsonpath=\(path)"], what: "read").stdout
    }

    /// What the pod wrote from `from` up to and including the line stamped `last`: the truth a follower is checked against.
    func written(_ pod: String, from: Date = .distantPast, through last: KubeTimestamp) -> [String] {
        sim.written(pod: pod, from: from, to: last.date.addingTimeInterval(0.001))
            .filter { KubeTimestamp.parse(Substring($0.stamp)).map { $0 <= last } ?? false }
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

/// Collects a follower's events with the moment each arrived.
final class FollowLog: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var events: [(Date, FollowEvent)] = []
    private var task: Task<Void, Never>?

    init(_ stream: AsyncStream<FollowEvent>) {
        task = Task { [self] in
            for await e in stream { lock.withLock { events.append((Date(), e)) } }
        }
    }

    var snapshot: [(Date, FollowEvent)] { lock.withLock { events } }

    var lines: [(Date, FollowedLine)] {
        snapshot.compactMap { if case .line(let l) = $1 { ($0, l) } else { nil } }
    }

    func lines(of pod: String) -> [FollowedLine] { lines.map(\.1).filter { $0.pod == pod } }

    /// Waits (polling) until `done` holds, or `limit` seconds pass (a hang guard, not a timing assertion).
    func wait(_ limit: Double, until done: @Sendable ([(Date, FollowEvent)]) -> Bool) async -> Bool {
        let end = Date().addingTimeInterval(limit)
        while Date() < end {
            if done(snapshot) { return true }
            try? await Task.sleep(nanoseconds: 50_000_000)
        }
        return done(snapshot)
    }

    func finish() async { await task?.value }
}
