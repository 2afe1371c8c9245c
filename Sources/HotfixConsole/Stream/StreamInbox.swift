import Foundation
import HotfixLogs
import HotfixWorkflow

/// Where the deploy's followed lines wait between two frames. The follower's threads read each
/// line (`LiveLineReader`, one per container) and leave it here; the console's loop takes what
/// came once per frame (`take`). Bounded by `capacity` (`logs.history`): when more arrive between
/// two frames than the stream keeps, the oldest are dropped here and counted, never queued.
public final class StreamInbox: LiveLogReader, @unchecked Sendable {
    public let capacity: Int
    private let lock = NSLock()
    private var pending: [StreamInput] = []
    private var head = 0
    private var pods: [StreamPodUpdate] = []
    private var skipped = 0
    private var readers: [String: LiveLineReader] = [:]
    private let maxLineBytes: Int
    /// Called (on the follower's thread) when the inbox goes from empty to not empty.
    private let wake: @Sendable () -> Void

    public init(capacity: Int, maxLineBytes: Int = 16 * 1024, wake: @escaping @Sendable () -> Void = {}) {
        self.capacity = max(100, capacity)
        self.maxLineBytes = maxLineBytes
        self.wake = wake
    }

    /// A batch of one container's lines: read outside the lock (a container's batches come one
    /// after another), then queued.
    public func lines(_ batch: FollowedLines) {
        receive(pod: batch.pod, container: batch.container, isNew: batch.isNew, count: batch.count, batch.forEach)
    }

    /// `count` lines of one container, each handed to `body` by `lines` as its bytes and kubectl's
    /// time (any source of lines: the deploy's batches, a benchmark's).
    public func receive(pod: String, container: String, isNew: Bool, count: Int,
                 _ lines: ((UnsafeRawBufferPointer, Double) -> Void) -> Void) {
        let key = pod + "/" + container
        var reader = lock.withLock { readers.removeValue(forKey: key) } ?? LiveLineReader(maxLineBytes: maxLineBytes)
        var out: [StreamInput] = []
        out.reserveCapacity(count)
        lines { text, time in
            out.append(StreamInput(pod: pod, container: container, isNew: isNew, time: time, line: reader.read(text, time: time)))
        }
        let woke = lock.withLock { () -> Bool in
            if readers.count >= 4096 { readers.removeAll(keepingCapacity: true) }  // bounded: a gone pod's reader goes
            readers[key] = reader
            let wasEmpty = isEmpty
            pending.append(contentsOf: out)
            trim()
            return wasEmpty
        }
        if woke { wake() }
    }

    public func pod(_ pod: FollowedPod) {
        let woke = lock.withLock { () -> Bool in
            let wasEmpty = isEmpty
            if pods.count < 10_000 { pods.append(pod) }
            return wasEmpty
        }
        if woke { wake() }
    }

    /// Drops the oldest lines past `capacity` (compacting now and then, not per line).
    private func trim() {
        let over = pending.count - head - capacity
        if over > 0 {
            head += over
            skipped += over
        }
        if head > capacity {
            pending.removeFirst(head)
            head = 0
        }
    }

    private var isEmpty: Bool { pending.count == head && pods.isEmpty && skipped == 0 }

    public var hasPending: Bool { lock.withLock { !isEmpty } }

    /// Everything that came since the last call, oldest first.
    public func take() -> StreamChunk {
        lock.withLock {
            defer {
                pending.removeAll(keepingCapacity: true)
                head = 0
                pods.removeAll()
                skipped = 0
            }
            return StreamChunk(lines: Array(pending[head...]), pods: pods, skipped: skipped)
        }
    }
}
