import Foundation
import HotfixEngine
import HotfixLogs

/// Which pods are the baseline and which the rollout being judged, by `pod-template-hash`. After
/// hotfix's own set image, every other template than the baseline's is the hotfix. When the
/// rollout is waited for, a new template's lines and pod problems are held until the wait knows
/// whether it is the one to judge (then they go to the monitor) or one to ignore (then they are
/// dropped); once the rollout is found, any later template is ignored too.
final class PodSides: @unchecked Sendable {
    enum Side: Equatable { case baseline, hotfix, held, ignored }

    /// Bytes held per template before the oldest held lines are dropped.
    static let holdLimit = 32 << 20

    private let lock = NSLock()
    let baselineHash: String?
    let waits: Bool
    private var judged: String?
    private var ignored = Set<String>()
    private var heldBatches: [String: [LogBatch]] = [:]
    private var heldBytes: [String: Int] = [:]
    private var heldProblems: [String: [PodProblem]] = [:]

    init(baselineHash: String?, waits: Bool) {
        self.baselineHash = baselineHash
        self.waits = waits
    }

    func side(_ hash: String) -> Side { lock.withLock { sideLocked(hash) } }

    private func sideLocked(_ hash: String) -> Side {
        if hash == baselineHash { return .baseline }
        guard waits else { return baselineHash == nil ? .baseline : .hotfix }
        if hash == judged { return .hotfix }
        if judged != nil || ignored.contains(hash) { return .ignored }
        return baselineHash == nil ? .baseline : .held
    }

    /// The monitor's side for a batch; nil when it is held (kept for later) or ignored.
    func route(_ batch: LogBatch) -> MonitorSide? {
        lock.withLock {
            let hash = batch.source.templateHash
            switch sideLocked(hash) {
            case .baseline: return .baseline
            case .hotfix: return .hotfix
            case .ignored: return nil
            case .held:
                heldBatches[hash, default: []].append(batch)
                heldBytes[hash, default: 0] += batch.bytes.count
                while heldBytes[hash, default: 0] > Self.holdLimit, let first = heldBatches[hash]?.first {
                    heldBatches[hash]?.removeFirst()
                    heldBytes[hash, default: 0] -= first.bytes.count
                }
                return nil
            }
        }
    }

    /// Whether a pod problem counts now; a held template's are kept for later.
    func problem(_ problem: PodProblem, hash: String) -> Bool {
        lock.withLock {
            switch sideLocked(hash) {
            case .hotfix: return true
            case .held:
                heldProblems[hash, default: []].append(problem)
                return false
            case .baseline, .ignored: return false
            }
        }
    }

    /// `hash` is the rollout to judge: its held lines and problems, to hand to the monitor.
    func judge(_ hash: String) -> (batches: [LogBatch], problems: [PodProblem]) {
        lock.withLock {
            judged = hash
            defer { heldBatches = [:]; heldBytes = [:]; heldProblems = [:] }
            return (heldBatches[hash] ?? [], heldProblems[hash] ?? [])
        }
    }

    /// `hash` is a rollout not to judge (another image, or the baseline's template again).
    func ignore(_ hash: String) {
        lock.withLock {
            ignored.insert(hash)
            heldBatches[hash] = nil
            heldBytes[hash] = nil
            heldProblems[hash] = nil
        }
    }
}
