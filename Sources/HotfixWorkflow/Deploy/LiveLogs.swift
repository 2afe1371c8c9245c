import Foundation
import HotfixEngine
import HotfixRuntime

/// Lines of one container as they were followed, in order: the batch the verdict's monitor reads
/// too (nothing is followed twice).
public struct FollowedLines: Sendable {
    let batch: LogBatch
    /// A pod of another template than the one the view calls old (the hotfix, during a deploy).
    public let isNew: Bool

    public var pod: String { batch.source.pod }
    public var container: String { batch.source.container }
    public var count: Int { batch.lines.count }

    /// Each line's text (no kubectl prefix or timestamp) and kubectl's timestamp, without copying.
    public func forEach(_ body: (UnsafeRawBufferPointer, Double) -> Void) {
        batch.forEach { text, ts in body(text, ts.time) }
    }
}

/// A pod as the pod watch reported it.
public struct FollowedPod: Sendable, Equatable {
    public var name: String
    public var isNew: Bool
    /// `metadata.creationTimestamp`, seconds since 1970.
    public var created: Double?
    public var restarts: Int
    /// Why a container is not running, or was OOM-killed (`CrashLoopBackOff`, `ImagePullBackOff`, `OOMKilled` …).
    public var trouble: String?
    public var deleted: Bool

    public init(name: String, isNew: Bool, created: Double? = nil, restarts: Int = 0, trouble: String? = nil, deleted: Bool = false) {
        self.name = name; self.isNew = isNew; self.created = created; self.restarts = restarts; self.trouble = trouble; self.deleted = deleted
    }

    init(_ pod: PodState, isNew: Bool) {
        let waiting = pod.containers.compactMap(\.waitingReason).first { !["ContainerCreating", "PodInitializing"].contains($0) }
        let oom = pod.containers.contains { $0.lastTerminationReason == "OOMKilled" } ? "OOMKilled" : nil
        self.init(name: pod.name, isNew: isNew, created: pod.created, restarts: pod.restarts, trouble: waiting ?? oom, deleted: pod.deleting)
    }
}

/// Reads what a deploy (or `hotfix logs follow`) follows, as it arrives, on the follower's own
/// threads: it must not wait on anything long (a slow reader slows the streams).
public protocol LiveLogReader: AnyObject, Sendable {
    func lines(_ lines: FollowedLines)
    func pod(_ pod: FollowedPod)
}

/// The runtime's sink and pod reports handed to a `LiveLogReader`. A source's side is the
/// follower's (the deploy: not the baseline's template), or, when `newTemplate` is set (`hotfix
/// logs follow`: the deployment's current template is new), new for that template and for one
/// never seen before (the pods of a rollout that started meanwhile, from their first line, before
/// the deployment is read again), old for the templates known to be older.
final class LiveReaderSink: LogSink, @unchecked Sendable {
    let reader: any LiveLogReader
    private let lock = NSLock()
    private var current: String?
    private var older = Set<String>()

    init(_ reader: any LiveLogReader, newTemplate: String? = nil) {
        self.reader = reader
        current = newTemplate
    }

    /// The template hash that is new from now on (the one before it is old).
    func setNewTemplate(_ hash: String?) {
        lock.withLock {
            if let before = current, before != hash { older.insert(before) }
            if let hash { older.remove(hash) }
            current = hash
        }
    }
    var newTemplate: String? { lock.withLock { current } }

    /// Templates that are not the current one (pods of an earlier rollout, a rollout left half-way).
    func markOld(_ hashes: some Sequence<String>) {
        lock.withLock { older.formUnion(hashes.filter { $0 != current }) }
    }

    private func isNew(_ hash: String, follower: Bool) -> Bool {
        lock.withLock {
            guard let current else { return follower }
            return hash == current || !older.contains(hash)
        }
    }

    func receive(_ batch: LogBatch) {
        reader.lines(FollowedLines(batch: batch, isNew: isNew(batch.source.templateHash, follower: batch.source.isNew)))
    }

    func pods(_ event: FollowEvent) {
        switch event {
        case .pod(let pod, let fresh): reader.pod(FollowedPod(pod, isNew: isNew(pod.templateHash, follower: fresh)))
        case .podDeleted(let name): reader.pod(FollowedPod(name: name, isNew: false, deleted: true))
        default: break
        }
    }
}
