import Foundation
import HotfixLogs
import HotfixWorkflow

/// A followed line on its way into the console: where it came from and what it says
/// (`LiveLineReader` read it on the follower's thread).
public struct StreamInput: Sendable, Equatable {
    public var pod: String
    public var container: String
    public var isNew: Bool
    /// kubectl's timestamp, seconds since 1970.
    public var time: Double
    public var line: LiveLine

    public init(pod: String, container: String, isNew: Bool, time: Double, line: LiveLine) {
        self.pod = pod; self.container = container; self.isNew = isNew; self.time = time; self.line = line
    }
}

/// A pod as the deploy's pod watch last reported it (the workflow's report, as it comes).
public typealias StreamPodUpdate = FollowedPod

/// What arrived since the last frame: lines (oldest first), pod changes, and how many lines the
/// console had to skip because more came than `logs.history` holds between two frames.
public struct StreamChunk: Sendable, Equatable {
    public var lines: [StreamInput] = []
    public var pods: [StreamPodUpdate] = []
    public var skipped = 0

    public init(lines: [StreamInput] = [], pods: [StreamPodUpdate] = [], skipped: Int = 0) {
        self.lines = lines; self.pods = pods; self.skipped = skipped
    }

    public var isEmpty: Bool { lines.isEmpty && pods.isEmpty && skipped == 0 }
}

/// What a line is marked with in the stream's gutter.
public enum StreamMark: Sendable, Equatable {
    /// The error the fix targets (the verdict's target template).
    case target
    /// An error template the baseline never had.
    case newError
    /// A pod problem: a restart, CrashLoopBackOff, an image pull error, OOMKilled.
    case problem
}

/// One line kept in the stream: small numbers for the pod, container and error shape (the
/// tables are in `LogStream`), the text already safe for the terminal.
struct StreamLine: Sendable {
    enum Kind: UInt8, Sendable { case log, problem }
    var pod: Int32
    var container: Int16
    var isNew: Bool
    var kind: Kind
    var level: LogLevel
    var isError: Bool
    var isContinuation: Bool
    /// The error shape's number, -1 for none.
    var shape: Int32
    var time: Double
    var text: String
}

/// A pod of the stream with what the pod list shows.
struct StreamPod: Sendable, Equatable {
    var name: String
    var tag: String
    var colour: Int
    var isNew: Bool
    var created: Double?
    var firstSeen: Double
    var restarts = 0
    var trouble: String?
    var deleted = false
    /// Lines received, entries (lines that are not a stack trace's) and error entries: all of
    /// them, not only those still kept.
    var lines = 0
    var entries = 0
    var errors = 0

    var errorRate: Double { entries == 0 ? 0 : Double(errors) / Double(entries) }
}
