/// Pod names seen so far, as small numbers; bounded: past `capacity` pods all others share
/// one slot. Index 0 is "no pod prefix".
struct PodTable {
    static let noPod = 0
    let capacity: Int
    private(set) var names: [String] = [""]
    /// Every name's bytes, one after another (one buffer: no reference counting per lookup).
    private var arena: [UInt8] = []
    private var starts: [Int] = [0]
    private var lengths: [Int] = [0]
    private var slots: [Int32]
    private let mask: Int

    init(capacity: Int = 512) {
        self.capacity = capacity
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = Array(repeating: -1, count: size)
        mask = size - 1
    }

    /// The slot shared by pods past capacity.
    var overflow: Int { capacity + 1 }
    static let overflowName = "(other pods)"

    @inline(__always)
    private static func hash(_ p: UnsafeRawBufferPointer, _ s: Int, _ e: Int) -> Int {
        // Pod names share long prefixes; their ends differ.
        let len = e - s
        let tail = len >= 8 ? p.loadUnaligned(fromByteOffset: e - 8, as: UInt64.self) : Words.pack(p, s, e, fold: false)
        let h = (tail ^ UInt64(truncatingIfNeeded: len)) &* 0x9E37_79B9_7F4A_7C15
        return Int(truncatingIfNeeded: h >> 32)
    }

    /// The index of the pod named by `p[s..<e]`, adding it if new.
    @inline(__always)
    mutating func index(_ p: UnsafeRawBufferPointer, _ s: Int, _ e: Int) -> Int {
        guard e > s else { return Self.noPod }
        var slot = Self.hash(p, s, e) & mask
        let found: Int = slots.withUnsafeBufferPointer { table in
            lengths.withUnsafeBufferPointer { lengths in
                starts.withUnsafeBufferPointer { starts in
                    arena.withUnsafeBytes { names in
                        while true {
                            let candidate = Int(table[slot])
                            if candidate < 0 { return -1 }
                            if lengths[candidate] == e - s
                                && memcmpEqual(names.baseAddress! + starts[candidate], p.baseAddress! + s, e - s) {
                                return candidate
                            }
                            slot = (slot + 1) & mask
                        }
                    }
                }
            }
        }
        if found >= 0 { return found }
        if names.count > capacity {
            if names.count == capacity + 1 { names.append(Self.overflowName); starts.append(arena.count); lengths.append(0) }
            return overflow
        }
        let index = names.count
        let bytes = UnsafeRawBufferPointer(rebasing: p[s..<e])
        names.append(String(decoding: bytes, as: UTF8.self))
        starts.append(arena.count)
        lengths.append(e - s)
        arena.append(contentsOf: bytes)
        slots[slot] = Int32(index)
        return index
    }

    /// The index of a pod given by name (slow path).
    mutating func index(of name: String?) -> Int {
        guard let name, !name.isEmpty else { return Self.noPod }
        var bytes = Array(name.utf8)
        return bytes.withUnsafeMutableBytes { index(UnsafeRawBufferPointer($0), 0, $0.count) }
    }
}

@inline(__always)
func memcmpEqual(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ n: Int) -> Bool {
    var i = 0
    while i + 8 <= n {
        if a.loadUnaligned(fromByteOffset: i, as: UInt64.self) != b.loadUnaligned(fromByteOffset: i, as: UInt64.self) { return false }
        i += 8
    }
    while i < n {
        if a.load(fromByteOffset: i, as: UInt8.self) != b.load(fromByteOffset: i, as: UInt8.self) { return false }
        i += 1
    }
    return true
}

/// Joins stack-trace lines to the entry that started them, per pod, and hands out finished
/// entries as `LogRecord`s: all of them (`keepAll`) or only errors (for template mining).
struct RecordGrouper {
    /// An entry still open: its first line (copied, capped) and what its trace added.
    struct Pending {
        var bytes: [UInt8]
        var level: LogLevel
        var exception: String?
        var traceLines = 0
        /// The first line's fields as scanned, when the whole line was kept (offsets into `bytes`).
        var fields: LineFields?
    }

    /// The most bytes kept of an entry's first line.
    static let keptBytes = 16 * 1024
    var keepAll: Bool
    private var traces: [TraceState] = []
    private var pending: [Pending?] = []
    private var scanner = LineScanner()
    /// The entry the last `feed` finished (see `takeFinished`). Kept here rather than returned:
    /// returning an optional record from every line's `feed` cost a copy per line.
    private var finished: Pending?
    /// `finished != nil`, kept apart for speed: the hot path tests it every line, and testing
    /// the optional itself copied the whole entry (measured: 90 instructions a line).
    private(set) var hasFinished = false

    init(keepAll: Bool) { self.keepAll = keepAll }

    /// The entry the last `feed` finished, once, as a record.
    mutating func takeFinished() -> LogRecord? {
        takeFinishedEntry().map { record(of: $0) }
    }

    /// The entry the last `feed` finished, once, as kept (the analyzer builds a record only
    /// when it needs one).
    mutating func takeFinishedEntry() -> Pending? {
        hasFinished = false
        defer { finished = nil }
        return finished
    }

    /// Classifies one scanned line of `pod`; on a new entry, the pod's previous entry (if kept)
    /// is finished (`hasFinished`, `takeFinished`). The role tells the caller whether to count
    /// the line as an entry.
    @inline(__always)
    mutating func feed(_ p: UnsafeRawBufferPointer, _ f: inout LineFields, pod: Int) -> LineRole {
        // For speed, inline: the usual line, a new entry that is not kept after one that was not.
        if pod < traces.count && !keepAll {
            let before = traces[pod]
            if !before.kept {
                var trace = before
                if case .start = trace.classify(p, f.bodyStart, f.end, level: f.level), !f.isError {
                    // Written only when it changed: a write costs a uniqueness check.
                    if trace != before { traces[pod] = trace }
                    return .start
                }
            }
        }
        // Anything else starts again from the unchanged state.
        return feedAny(p, &f, pod: pod)
    }

    @inline(never)
    private mutating func feedAny(_ p: UnsafeRawBufferPointer, _ f: inout LineFields, pod: Int) -> LineRole {
        if pod >= traces.count { traces.append(contentsOf: repeatElement(TraceState(), count: pod + 1 - traces.count)) }
        let before = traces[pod]
        var trace = before
        let role = trace.classify(p, f.bodyStart, f.end, level: f.level)
        let wasKept = before.kept
        switch role {
        case .start:
            trace.kept = keepAll || f.isError
        case .traceStart:
            if f.level < trace.openLevel { f.level = trace.openLevel }
            trace.kept = keepAll || f.isError
        default:
            break
        }
        if trace != before { traces[pod] = trace }
        switch role {
        case .start, .traceStart:
            if wasKept {
                finished = close(pod, resetKept: false)
                hasFinished = finished != nil
            }
            if keepAll || f.isError {
                if pod >= pending.count { pending.append(contentsOf: repeatElement(nil, count: pod + 1 - pending.count)) }
                let kept = min(f.end, Self.keptBytes)
                pending[pod] = Pending(bytes: Array(UnsafeRawBufferPointer(rebasing: p[0..<kept])), level: f.level,
                                       fields: f.end <= kept ? f : nil)
            }
        case .continuation:
            if wasKept { pending[pod]?.traceLines += 1 }
        case .exception(let latest):
            if wasKept && pending[pod] != nil {
                pending[pod]!.traceLines += 1
                if latest || pending[pod]!.exception == nil {
                    pending[pod]!.exception = RecordText.trimmed(RecordText.text(p, f.bodyStart, f.end))
                }
            }
        case .blank:
            break
        }
        return role
    }

    /// Finishes the pod's open entry, if one is kept.
    mutating func close(_ pod: Int, resetKept: Bool = true) -> Pending? {
        guard pod < pending.count, let entry = pending[pod] else { return nil }
        pending[pod] = nil
        if resetKept { traces[pod].kept = false }
        return entry
    }

    /// The record of a finished entry (its first line scanned again).
    mutating func record(of entry: Pending) -> LogRecord {
        entry.bytes.withUnsafeBytes { p in
            // The fields as first scanned when the whole line was kept (a stream's line has no
            // prefix to scan again); else the kept part scanned anew.
            var f = LineFields()
            if let kept = entry.fields { f = kept } else { scanner.scan(p, p.count, into: &f) }
            if f.level < entry.level { f.level = entry.level }
            return RecordText.record(p, f, exception: entry.exception, traceLines: entry.traceLines)
        }
    }

    /// Finishes every open entry.
    mutating func flush() -> [LogRecord] {
        flushEntries().map { record(of: $0.entry) }
    }

    /// Finishes every open entry, as kept, with its pod.
    mutating func flushEntries() -> [(pod: Int, entry: Pending)] {
        pending.indices.compactMap { pod in close(pod).map { (pod, $0) } }
    }
}

extension RecordGrouper.Pending {
    /// `TemplateMiner.shape` of the text `LogRecord.templateText` gives for this entry, read
    /// straight from the kept bytes (no record, no strings); nil when it cannot be: the line was
    /// cut, its message has escapes, it has a JSON/logfmt error field, or a byte is not ASCII.
    var templateShape: UInt64? {
        guard let f = fields, !f.messageEscaped, f.errorEnd <= f.errorStart else { return nil }
        return bytes.withUnsafeBytes { p -> UInt64? in
            // The message, trimmed of spaces and tabs as `RecordText.trimmed` does.
            var s = f.messageStart, e = f.messageEnd
            while s < e && (p[s] == 0x20 || p[s] == 0x09) { s += 1 }
            while e > s && (p[e - 1] == 0x20 || p[e - 1] == 0x09) { e -= 1 }
            var h = TemplateMiner.shapeSeed
            for i in s..<e {
                let b = p[i]
                if b >= 0x80 { return nil }
                h = TemplateMiner.shape(h, b)
            }
            guard var exception, !exception.isEmpty else { return h }
            return exception.withUTF8 { x -> UInt64? in
                if Words.contains(p, s, e, UnsafeRawBufferPointer(x)) { return h }
                if e > s { for b in " | ".utf8 { h = TemplateMiner.shape(h, b) } }
                for b in x { h = TemplateMiner.shape(h, b) }
                return h
            }
        }
    }
}
