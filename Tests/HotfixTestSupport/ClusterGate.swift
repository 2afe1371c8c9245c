import Foundation

/// At most a few simulated clusters (each with its API server and its kubectl processes) run at
/// once in the test process. Swift Testing starts every test together; on a small machine two
/// dozen clusters and their kubectl processes at once starve each other, and a test that waits a
/// generous real-world deadline (kubectl proxy answering, a rollout reaching set image) would fail
/// for the machine's sake, not the product's. A test takes a slot before it starts a cluster and
/// gives it back when the cluster stops; its deadlines run only while it holds the slot.
///
/// The number of slots is `HOTFIX_TEST_CLUSTERS` when set, else the number of cores (at least 3).
/// A test holds one slot at a time (never two clusters at once), so slots cannot deadlock.
public final class ClusterGate: @unchecked Sendable {
    public static let shared = ClusterGate(slots: ClusterGate.configuredSlots)

    static var configuredSlots: Int {
        if let text = ProcessInfo.processInfo.environment["HOTFIX_TEST_CLUSTERS"], let n = Int(text), n > 0 { return n }
        return max(3, ProcessInfo.processInfo.activeProcessorCount)
    }

    private let lock = NSLock()
    private var free: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(slots: Int) { free = slots }

    /// Waits for a slot; give it back with `release()` (or let `Slot` do it).
    public func acquire() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let now = lock.withLock { () -> Bool in
                if free > 0 { free -= 1; return true }
                waiting.append(c)
                return false
            }
            if now { c.resume() }
        }
    }

    public func release() {
        let next = lock.withLock { () -> CheckedContinuation<Void, Never>? in
            if waiting.isEmpty { free += 1; return nil }
            return waiting.removeFirst()
        }
        next?.resume()
    }

    /// A slot held until `release()` or until the holder is freed, whichever comes first.
    public final class Slot: @unchecked Sendable {
        private let gate: ClusterGate
        private let lock = NSLock()
        private var held = true

        init(_ gate: ClusterGate) { self.gate = gate }

        public func release() {
            let was = lock.withLock { () -> Bool in defer { held = false }; return held }
            if was { gate.release() }
        }

        deinit { release() }
    }

    /// Waits for a slot and returns it.
    public static func slot() async -> Slot {
        await shared.acquire()
        return Slot(shared)
    }
}
