import Foundation
import HotfixEngine

/// Where followed lines come from: one container of one pod, old or new.
public struct LogSource: Sendable, Hashable {
    public var pod: String
    public var container: String
    public var templateHash: String
    /// True for pods of another template than the baseline's (the hotfix).
    public var isNew: Bool

    public init(pod: String, container: String, templateHash: String, isNew: Bool) {
        self.pod = pod; self.container = container; self.templateHash = templateHash; self.isNew = isNew
    }
}

/// Lines of one container as they arrived, in order: their text back to back in one buffer (no
/// kubectl prefix, no timestamp), each with the kubelet's timestamp. What the monitor reads
/// straight from the bytes, and what any other reader (the console's log view) gets too.
public struct LogBatch: Sendable {
    public struct Line: Sendable, Equatable {
        /// The text is `bytes[start..<end]`.
        public var start: Int
        public var end: Int
        public var timestamp: KubeTimestamp
    }

    public var source: LogSource
    public private(set) var bytes: [UInt8] = []
    public private(set) var lines: [Line] = []

    public init(source: LogSource) { self.source = source }

    public var isEmpty: Bool { lines.isEmpty }

    /// Appends a line's text.
    public mutating func append(_ text: UnsafeRawBufferPointer, timestamp: KubeTimestamp) {
        let start = bytes.count
        bytes.append(contentsOf: text)
        lines.append(Line(start: start, end: bytes.count, timestamp: timestamp))
    }

    public mutating func append(_ text: String, timestamp: KubeTimestamp) {
        var text = text
        text.withUTF8 { append(UnsafeRawBufferPointer($0), timestamp: timestamp) }
    }

    /// Calls `body` with each line's bytes and timestamp, without copying.
    public func forEach(_ body: (UnsafeRawBufferPointer, KubeTimestamp) -> Void) {
        bytes.withUnsafeBytes { all in
            for l in lines { body(UnsafeRawBufferPointer(rebasing: all[l.start..<l.end]), l.timestamp) }
        }
    }

    /// The lines as values (tests, and readers that want strings).
    public var followedLines: [FollowedLine] {
        lines.map { l in
            FollowedLine(pod: source.pod, container: source.container, templateHash: source.templateHash, isNew: source.isNew,
                         timestamp: l.timestamp, text: String(decoding: bytes[l.start..<l.end], as: UTF8.self))
        }
    }
}

/// Receives every followed line, batch by batch, on the follower's own tasks: a slow receiver
/// slows the streams it is called from (back-pressure), so it must not wait on anything long.
public protocol LogSink: Sendable {
    func receive(_ batch: LogBatch)
}

/// Hands every batch to several readers (the verdict's monitor and, say, a live log view), so
/// the pods are followed once whoever reads.
public final class LogFanout: LogSink, @unchecked Sendable {
    private let lock = NSLock()
    private var sinks: [Int: any LogSink] = [:]
    private var next = 0

    public init(_ sinks: [any LogSink] = []) {
        for s in sinks { _ = add(s) }
    }

    /// Adds a reader; the number removes it again.
    @discardableResult
    public func add(_ sink: any LogSink) -> Int {
        lock.withLock {
            next += 1
            sinks[next] = sink
            return next
        }
    }

    public func remove(_ id: Int) { lock.withLock { sinks[id] = nil } }

    public func receive(_ batch: LogBatch) {
        let all = lock.withLock { Array(sinks.values) }
        for s in all { s.receive(batch) }
    }
}

/// A sink from a closure.
public struct LogSinkFunction: LogSink {
    let body: @Sendable (LogBatch) -> Void
    public init(_ body: @escaping @Sendable (LogBatch) -> Void) { self.body = body }
    public func receive(_ batch: LogBatch) { body(batch) }
}

/// Follows the logs of every container of a selector's pods: lines go to a sink, everything else
/// (pods, tails, trouble) comes as events. Two ways: through one `kubectl proxy`, or one kubectl per container.
public protocol PodLogFollowing: AnyObject, Sendable {
    /// Starts following; lines go to `sink`, events arrive on the returned stream until `stop()`.
    func start(sink: any LogSink) -> AsyncStream<FollowEvent>
    /// Stops every stream and waits for them (and any process they run) to end.
    func stop() async
}

/// Cuts a line longer than the cap: its first `cap` bytes and a marker saying how long it was.
enum LineCap {
    static func marker(_ length: Int) -> [UInt8] { Array(" [… line cut: \(length) bytes, logs.line_cap]".utf8) }
}
