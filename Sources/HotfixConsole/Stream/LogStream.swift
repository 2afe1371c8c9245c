import Foundation
import HotfixLogs

/// The DEPLOY pane's live stream: the last `capacity` lines (`logs.history`) of every pod the
/// deploy follows, the pods with their counts, the filter and where the view is. Lines arrive
/// in chunks, at most one per frame; a filter keeps an index of the lines it passes, updated
/// as lines arrive, so a frame reads only the rows it draws. Error lines are also kept in a ring
/// of their own, a quarter of `capacity`, so errors only (`e`) reaches further back than a
/// chatty stream's last `capacity` lines. Bounded: lines by `capacity` (and a quarter more for
/// errors), pods, containers and error shapes by fixed tables.
public struct LogStream: Sendable {
    public let capacity: Int
    private(set) var lines: LineRing<StreamLine>
    /// Error entries, their traces and pod problems, with their absolute numbers, kept longer.
    private var errorLines: LineRing<KeptLine>
    struct KeptLine: Sendable {
        var seq: Int
        var line: StreamLine
    }
    private(set) var pods: [StreamPod] = []
    private var podIndex: [String: Int32] = [:]
    private var containerNames = NameTable(capacity: 64)
    private var shapes = NameTable(capacity: 4096)
    /// Each shape's mark, from the verdict's target and the baseline's templates (`mark(target:newTemplates:baseline:)`).
    private var shapeMarks: [StreamMark?] = []
    private var marking = Marking()

    public private(set) var filter = StreamFilter()
    /// With a filter: the absolute numbers of the kept lines it passes, oldest first.
    private var passing: [Int] = []

    /// Showing the newest lines as they come.
    public internal(set) var following = true
    /// When not following: the absolute number of the first line shown.
    var anchor = 0
    /// Lines that had arrived when the view was paused (for "N new").
    var pausedAt = 0
    /// The line `]`/`[` moved to (absolute number), highlighted.
    public internal(set) var cursor: Int?
    /// Lines the console skipped because more came between two frames than it keeps.
    public private(set) var skipped = 0
    /// The pod list is open, and its selected row (0 is "every pod").
    public internal(set) var showPods = false
    var podSelection = 0
    /// The incident's events are shown in place of the stream (tab).
    public internal(set) var showEvents = false
    /// The deploy that fed it is over (its follower stopped): no more lines will come.
    public internal(set) var ended = false
    /// Long lines wrap onto more rows (`w`) instead of being cut.
    public internal(set) var wrap = false

    static let maxPods = 2048

    /// Names as small numbers, in the order first seen; past `capacity` a name gets -1.
    struct NameTable: Sendable {
        let capacity: Int
        private(set) var names: [String] = []
        private var index: [String: Int32] = [:]

        init(capacity: Int) { self.capacity = capacity }

        /// The name's number, and whether it was new.
        mutating func number(_ name: String) -> (Int32, new: Bool) {
            if let known = index[name] { return (known, false) }
            guard names.count < capacity else { return (-1, false) }
            names.append(name)
            index[name] = Int32(names.count - 1)
            return (Int32(names.count - 1), true)
        }
    }

    var containers: [String] { containerNames.names }

    public init(capacity: Int) {
        self.capacity = max(100, capacity)
        lines = LineRing(capacity: self.capacity)
        errorLines = LineRing(capacity: max(100, self.capacity / 4))
    }

    /// Lines ever received (the absolute number the next line gets).
    public var received: Int { lines.appended }
    /// Lines kept now (at most `capacity`).
    public var kept: Int { lines.count }
    /// Pods the stream has heard of (by a line or the pod watch).
    public var podsSeen: Int { pods.count }
    /// The absolute number of the oldest line kept.
    var oldest: Int { lines.dropped }

    /// The line numbered `seq`: in the ring of every line, else (older) in the errors' ring.
    func line(_ seq: Int) -> StreamLine {
        if seq >= oldest || errorLines.isEmpty { return lines[max(0, seq - oldest)] }
        var lo = 0, hi = errorLines.count - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if errorLines[mid].seq < seq { lo = mid + 1 } else { hi = mid }
        }
        return errorLines[lo].line
    }

    /// The oldest line number the filter can show: older errors too when it shows errors only.
    var reachable: Int {
        guard filter.errorsOnly, !errorLines.isEmpty else { return oldest }
        return min(oldest, errorLines[0].seq)
    }
    func pod(of line: StreamLine) -> StreamPod { pods[Int(line.pod)] }

    // MARK: - Arriving

    /// Takes a frame's worth of lines and pod changes.
    public mutating func take(_ chunk: StreamChunk, now: Double) {
        skipped += chunk.skipped
        for update in chunk.pods { apply(update, now: now) }
        var lastPod: (String, Int32)?
        for input in chunk.lines {
            let pod: Int32
            if let (name, index) = lastPod, name == input.pod { pod = index } else {
                pod = podNumber(input.pod, isNew: input.isNew, at: input.time)
                lastPod = (input.pod, pod)
            }
            var shape: Int32 = -1
            if let errorShape = input.line.errorShape { shape = shapeNumber(errorShape) }
            append(StreamLine(pod: pod, container: containerNumber(input.container), isNew: input.isNew, kind: .log,
                              level: input.line.level, isError: input.line.isError, isContinuation: input.line.isContinuation,
                              shape: shape, time: input.time, text: input.line.text))
            let p = Int(pod)
            pods[p].lines += 1
            if !input.line.isContinuation {
                pods[p].entries += 1
                if input.line.isError { pods[p].errors += 1 }
            }
        }
    }

    private mutating func append(_ line: StreamLine) {
        let seq = lines.appended
        lines.append(line)
        if line.isError || line.kind == .problem { errorLines.append(KeptLine(seq: seq, line: line)) }
        if filter.isActive {
            if filter.passes(line, podName: { pods[Int(line.pod)].name }) { passing.append(seq) }
            // Trimmed in steps, not per line: the index may hold up to 1,024 dropped numbers for a while.
            if seq & 1023 == 0, let first = passing.first, first < reachable { passing.removeFirst(firstKept) }
        }
    }

    /// A pod watch report: a restart or a waiting reason not seen before becomes a line of its own,
    /// marked as a pod problem.
    private mutating func apply(_ u: StreamPodUpdate, now: Double) {
        let p = Int(podNumber(u.name, isNew: u.isNew, at: now))
        let before = pods[p]
        pods[p].created = u.created ?? before.created
        pods[p].deleted = u.deleted
        guard !u.deleted else { return }
        pods[p].restarts = u.restarts
        pods[p].trouble = u.trouble
        var problems: [String] = []
        if u.restarts > before.restarts { problems.append("restarted (\(u.restarts) restart\(u.restarts == 1 ? "" : "s") so far)") }
        if let t = u.trouble, t != before.trouble { problems.append(t) }
        for text in problems {
            append(StreamLine(pod: Int32(p), container: -1, isNew: u.isNew, kind: .problem, level: .error, isError: true, isContinuation: false,
                              shape: -1, time: now, text: "pod problem: " + text))
        }
    }

    private mutating func podNumber(_ name: String, isNew: Bool, at time: Double) -> Int32 {
        if let known = podIndex[name] { return known }
        if pods.count >= Self.maxPods, let gone = pods.firstIndex(where: \.deleted) {
            // Full: a pod that is gone gives its row to the newcomer (its kept lines then show the newcomer's tag).
            podIndex[pods[gone].name] = nil
            pods[gone] = StreamPod(name: name, tag: LiveTag.short(name), colour: LiveTag.colour(name, count: StreamPalette.count),
                                   isNew: isNew, firstSeen: time)
            podIndex[name] = Int32(gone)
            return Int32(gone)
        }
        guard pods.count < Self.maxPods else { return Int32(pods.count - 1) }  // every row taken by a live pod: the last is shared
        pods.append(StreamPod(name: name, tag: LiveTag.short(name), colour: LiveTag.colour(name, count: StreamPalette.count),
                              isNew: isNew, firstSeen: time))
        podIndex[name] = Int32(pods.count - 1)
        return Int32(pods.count - 1)
    }

    private mutating func containerNumber(_ name: String) -> Int16 { Int16(containerNames.number(name).0) }

    private mutating func shapeNumber(_ shape: String) -> Int32 {
        let (n, new) = shapes.number(shape)
        if new { shapeMarks.append(marking.mark(shape)) }
        return n
    }

    // MARK: - Marks

    /// What marks a shape: the verdict's targeted error, and the error templates the baseline has
    /// (a new pod's error of a shape none of them matches is a new error, as the verdict judges it,
    /// warm-up included) and the verdict's new templates.
    struct Marking: Sendable {
        var target: String?
        var new: [String] = []
        var baseline: TemplateMiner?
        var baselineSize = -1

        func mark(_ shape: String) -> StreamMark? {
            if let target, LiveShape.matches(shape, template: target) { return .target }
            if new.contains(where: { LiveShape.matches(shape, template: $0) }) { return .newError }
            guard let baseline else { return nil }
            return baseline.match(tokens: shape.split(separator: " ").map(String.init)) == nil ? .newError : nil
        }
    }

    /// The verdict's targeted error and new templates and the baseline's templates as they stand:
    /// lines of those shapes are marked (the ones already kept too).
    public mutating func mark(target: String?, newTemplates: [String], baseline: TemplateMiner?) {
        let size = baseline.map { $0.clusters.count + $0.overflow } ?? -1
        guard target != marking.target || newTemplates != marking.new || size != marking.baselineSize else { return }
        marking = Marking(target: target, new: newTemplates, baseline: baseline, baselineSize: size)
        shapeMarks = shapes.names.map(marking.mark)
    }

    /// A line's gutter mark: a pod problem, the targeted error, or (from a new pod) a new error.
    func mark(of line: StreamLine) -> StreamMark? {
        if line.kind == .problem { return .problem }
        guard line.shape >= 0, let m = shapeMarks[Int(line.shape)] else { return nil }
        return m == .newError && !line.isNew ? nil : m
    }

    /// More than one container name seen: lines say which.
    var showsContainers: Bool { containers.count > 1 }

    // MARK: - Filtering

    public mutating func setFilter(_ f: StreamFilter) {
        guard f != filter else { return }
        filter = f
        passing = []
        if filter.isActive {
            if filter.errorsOnly {
                for i in 0..<errorLines.count where errorLines[i].seq < oldest {
                    let l = errorLines[i].line
                    if filter.passes(l, podName: { pods[Int(l.pod)].name }) { passing.append(errorLines[i].seq) }
                }
            }
            for i in 0..<lines.count {
                let l = lines[i]
                if filter.passes(l, podName: { pods[Int(l.pod)].name }) { passing.append(oldest + i) }
            }
        }
        cursor = cursor.flatMap { position(of: $0).exact ? $0 : nil }
    }

    /// The lines the filter passes, as positions 0..<shownCount.
    var shownCount: Int {
        guard filter.isActive else { return lines.count }
        return passing.count - firstKept
    }

    /// How many numbers at the front of `passing` were dropped from the rings.
    private var firstKept: Int {
        let oldest = reachable
        guard let first = passing.first, first < oldest else { return 0 }
        return passing.partitionPoint { $0 >= oldest }
    }

    /// The absolute number of the line at `position` among those shown.
    func shown(_ position: Int) -> Int { filter.isActive ? passing[firstKept + position] : oldest + position }

    /// The position of the first shown line at or after `seq`, and whether it is `seq` itself.
    func position(of seq: Int) -> (index: Int, exact: Bool) {
        guard filter.isActive else {
            let i = max(0, min(lines.count, seq - oldest))
            return (i, seq >= oldest && seq < received)
        }
        let k = firstKept
        let i = passing[k...].partitionPoint { $0 >= seq } - k
        return (i, i < shownCount && passing[k + i] == seq)
    }
}

/// How many pod colours the themes have (`pod1`…`pod6`).
enum StreamPalette {
    static let count = 6
}

extension Array {
    /// The first index whose element satisfies `p`, for an array ordered so that `p` turns true once and stays.
    func partitionPoint(_ p: (Element) -> Bool) -> Int {
        var lo = 0, hi = count
        while lo < hi {
            let mid = (lo + hi) / 2
            if p(self[mid]) { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }
}

extension ArraySlice {
    func partitionPoint(_ p: (Element) -> Bool) -> Int {
        var lo = startIndex, hi = endIndex
        while lo < hi {
            let mid = (lo + hi) / 2
            if p(self[mid]) { hi = mid } else { lo = mid + 1 }
        }
        return lo  // an index of the base array
    }
}
