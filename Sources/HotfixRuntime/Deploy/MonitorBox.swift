import Foundation
import HotfixEngine
import HotfixLogs

/// Shares the monitor between the log consumer and the window's clock.
final class MonitorBox: @unchecked Sendable {
    private let lock = NSLock()
    private var model: MonitorModel
    private var reported = Set<String>()

    init(_ model: MonitorModel) { self.model = model }

    func with<T>(_ body: (inout MonitorModel) -> T) -> T { lock.withLock { body(&model) } }

    /// The verdict at `now`, after the entries still open are mined.
    func judge(at now: Double) -> MonitorVerdict {
        with { m in
            m.settle()
            return m.verdict(now: now)
        }
    }

    /// Reports a pod problem once per pod and kind.
    func report(_ problem: PodProblem) {
        lock.withLock {
            guard reported.insert("\(problem.kind.rawValue)/\(problem.pod ?? "")").inserted else { return }
            model.report(problem)
        }
    }

    /// Whether a pod problem (or a failed rollout) has been reported: the window fails at once.
    var hasProblems: Bool { lock.withLock { !model.problems.isEmpty } }

    // MARK: - The baseline read

    private var oldPods: Set<String> = []
    private var latestOldLine: [String: Double] = [:]

    /// An old (baseline) pod that runs, or no longer does.
    func oldPod(_ name: String, running: Bool) {
        lock.withLock { if running { oldPods.insert(name) } else { oldPods.remove(name) } }
    }

    /// The time of an old pod's line, as kubectl stamped it.
    func oldLine(_ pod: String, at time: Double) {
        lock.withLock { latestOldLine[pod] = max(latestOldLine[pod] ?? 0, time) }
    }

    /// The running old pods, the baseline entries of each and the time of each one's latest line.
    func baselineProgress() -> (pods: Set<String>, entries: [String: Int], latest: [String: Double]) {
        lock.withLock { (oldPods, model.summary(.baseline).pods.mapValues(\.entries), latestOldLine) }
    }

    // MARK: - The new pods' lines at the window's end

    private var newestNewLine: Double?
    private var newLineArrived = Date.distantPast

    /// The time of a new pod's line, as kubectl stamped it, received now.
    func newLine(at time: Double) {
        lock.withLock {
            newestNewLine = max(newestNewLine ?? time, time)
            newLineArrived = Date()
        }
    }

    /// The newest new pod's line received (its stamp) and the seconds since one last arrived.
    func newLines() -> (newest: Double?, sinceArrival: Double) {
        lock.withLock { (newestNewLine, Date().timeIntervalSince(newLineArrived)) }
    }
}
