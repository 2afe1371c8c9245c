import Foundation

/// The statistics and error templates of a stream of log lines, built by `LogAnalyzer`;
/// summaries of parts of one input merge.
public struct LogSummary: Sendable {
    /// Physical lines read (stack trace lines included).
    public var lines = 0
    public var total = LogCounters()
    public var pods: [String: LogCounters] = [:]
    public var series: BucketSeries
    public var templates: TemplateMiner
    public var firstTime: Double?
    public var lastTime: Double?
    /// Entries without any timestamp (counted in totals, not in buckets).
    public var untimed = 0

    public init(bucketSeconds: Double = 30, maxBuckets: Int = 2880, templates: TemplateMiner = TemplateMiner()) {
        series = BucketSeries(bucketSeconds: bucketSeconds, maxBuckets: maxBuckets)
        self.templates = templates
    }

    /// Seconds from the first to the last timestamp, nil without two timestamps.
    public var durationSeconds: Double? {
        guard let firstTime, let lastTime, lastTime > firstTime else { return nil }
        return lastTime - firstTime
    }

    public mutating func merge(_ other: LogSummary) {
        lines += other.lines
        total.merge(other.total)
        for (pod, counters) in other.pods { pods[pod, default: LogCounters()].merge(counters) }
        series.merge(other.series)
        templates.merge(other.templates)
        if let t = other.firstTime { firstTime = min(firstTime ?? t, t) }
        if let t = other.lastTime { lastTime = max(lastTime ?? t, t) }
        untimed += other.untimed
    }
}

/// The hot path: consumes raw bytes (whole lines), counts per pod, per time bucket and overall,
/// and mines templates of error entries; memory is bounded whatever the input's length.
public struct LogAnalyzer: Sendable {
    private var scanner = LineScanner()
    private var fields = LineFields()
    private var podTable: PodTable
    private var prefixes = PrefixCache()
    private var grouper = RecordGrouper(keepAll: false)
    private var counters = HotCounters()
    /// The bucket `counters` counts apart (the newest seen), by key and time range; older
    /// lines go to the series directly.
    private var bucketKey = Int.min
    private var bucketFrom = Double.infinity, bucketTo = -Double.infinity
    private var summary: LogSummary
    private var firstTime = Double.infinity
    private var lastTime = -Double.infinity

    public init(bucketSeconds: Double = 30, maxBuckets: Int = 2880, maxPods: Int = 512, templates: TemplateMiner = TemplateMiner()) {
        podTable = PodTable(capacity: maxPods)
        summary = LogSummary(bucketSeconds: bucketSeconds, maxBuckets: maxBuckets, templates: templates)
    }

    /// Processes the complete lines in `chunk` and returns how many bytes they took (up to and
    /// including the last line break); the rest belongs to the next chunk.
    public mutating func consume(_ chunk: UnsafeRawBufferPointer) -> Int {
        guard let base = chunk.baseAddress else { return 0 }
        let n = chunk.count
        var start = 0
        while start < n {
            guard let nl = memchr(base + start, 0x0A, n - start) else { break }
            let end = base.distance(to: UnsafeRawPointer(nl))
            // The scanner gets the rest of the chunk so it can read whole words near the line's end.
            line(UnsafeRawBufferPointer(start: base + start, count: n - start), length: end - start, fallbackTime: nil)
            start = end + 1
        }
        return start
    }

    /// Processes one line (without its line break); `fallbackTime` stands in for a line without
    /// a timestamp (a live stream's arrival time).
    public mutating func line(_ p: UnsafeRawBufferPointer, fallbackTime: Double? = nil) {
        line(p, length: p.count, fallbackTime: fallbackTime)
    }

    /// The line is `p[0..<length]`; bytes after it may be read, never used.
    @inline(__always)
    mutating func line(_ p: UnsafeRawBufferPointer, length: Int, fallbackTime: Double?) {
        summary.lines += 1
        let pod = scan(p, length)
        // kubectl's own "error: unexpected EOF" (a dropped stream, printed into stdout with
        // --ignore-errors) is not the application's error.
        if !fields.hasPod && fields.level == .error && TraceState.has(p, fields.bodyStart, fields.end, "error: unexpected EOF") { return }
        if let fallbackTime, fields.time.isNaN { fields.time = fallbackTime }
        let role = grouper.feed(p, &fields, pod: pod)
        if grouper.hasFinished, let finished = grouper.takeFinishedEntry() { mine(finished, pod: pod) }
        guard role == .start || role == .traceStart else { return }
        count(pod: pod)
    }

    /// Counts the entry `fields` starts, for `pod`.
    @inline(__always)
    private mutating func count(pod: Int) {
        // The few fields counted, read once (copying all of `fields` cost a memcpy per line).
        let level = fields.level, status = fields.status, latency = fields.latencyMicros, time = fields.time
        var inBucket = false
        if time.isNaN {
            summary.untimed += 1
        } else {
            if time < firstTime { firstTime = time }
            if time > lastTime { lastTime = time }
            inBucket = (time >= bucketFrom && time < bucketTo) || moveBucket(time)
            if !inBucket { summary.series.add(time: time, level: level, status: status, latencyMicros: latency) }
        }
        counters.add(pod: pod, inBucket: inBucket, level: level, status: status, latencyMicros: latency)
    }

    /// One line's application text from a log stream whose pod and time are known (no kubectl
    /// prefix or timestamp to parse back): `pod` is an index from `podIndex(named:)`.
    public mutating func line(body p: UnsafeRawBufferPointer, pod: Int, time: Double) {
        summary.lines += 1
        scanner.scanBody(p, p.count, time: time, into: &fields)
        let role = grouper.feed(p, &fields, pod: pod)
        if grouper.hasFinished, let finished = grouper.takeFinishedEntry() { mine(finished, pod: pod) }
        guard role == .start || role == .traceStart else { return }
        count(pod: pod)
    }

    /// The index of a pod for `line(body:pod:time:)` (added on first use; bounded like the rest).
    public mutating func podIndex(named name: String) -> Int { podTable.index(of: name) }

    /// Scans the line into `fields` and returns its pod's index; a prefix seen lately is
    /// matched whole rather than parsed.
    @inline(__always)
    private mutating func scan(_ p: UnsafeRawBufferPointer, _ length: Int) -> Int {
        let way = prefixes.match(p, length)
        if way >= 0 {
            var n = length
            if n > 0 && Words.byte(p, n - 1) == 0x0D { n -= 1 }
            let (prefix, pod, podEnd) = prefixes.entry(way)
            if prefix <= n {
                fields = LineFields()
                fields.end = n
                fields.podStart = 5; fields.podEnd = podEnd
                fields.containerStart = podEnd + 1; fields.containerEnd = prefix - 1
                var i = prefix
                if i < n && Words.byte(p, i) == 0x20 { i += 1 }
                if !scanner.scanRequestLine(p, i, n, into: &fields) { scanner.scanAfterPrefix(p, i, n, into: &fields) }
                return pod
            }
        }
        scanner.scan(p, length, into: &fields)
        guard fields.hasPod else { return PodTable.noPod }
        let pod = podTable.index(p, fields.podStart, fields.podEnd)
        prefixes.remember(p, length: fields.containerEnd + 1, pod: pod, podEnd: fields.podEnd)
        return pod
    }

    /// A line outside the current bucket: when it is newer, the current bucket goes to the
    /// series and the line's bucket becomes current (true); an older line is not (false).
    @inline(never)
    private mutating func moveBucket(_ time: Double) -> Bool {
        let seconds = summary.series.bucketSeconds
        let key = Int((time / seconds).rounded(.down))
        if key == bucketKey { return true }
        guard key > bucketKey else { return false }
        flushBucket()
        guard summary.series.reserve(key: key) else { return false }
        bucketKey = key
        bucketFrom = Double(key) * seconds
        bucketTo = bucketFrom + seconds
        return true
    }

    /// Adds the current bucket's counts to the series and starts it afresh.
    private mutating func flushBucket() {
        guard bucketKey != Int.min, !counters.bucketIsEmpty else { return }
        summary.series.add(key: bucketKey, counters: counters.bucket())
        counters.clearBucket()
    }

    /// Mines a finished error entry of `pod`. Most repeat a recent message's shape: those are
    /// counted from the bytes alone; the rest become records and are learned from their text.
    private mutating func mine(_ entry: RecordGrouper.Pending, pod: Int) {
        // The pod's name from the table (past its capacity pods share a slot: those take the record).
        if pod < podTable.names.count && pod != podTable.overflow, let shape = entry.templateShape,
           summary.templates.learnRecent(shape: shape, pod: pod == PodTable.noPod ? nil : podTable.names[pod]) {
            return
        }
        let record = grouper.record(of: entry)
        // A line from a log stream carries no prefix: its pod is the one it was counted under.
        let named = pod != PodTable.noPod && pod < podTable.names.count && pod != podTable.overflow ? podTable.names[pod] : nil
        summary.templates.learn(record.templateText, pod: record.pod ?? named)
    }

    /// Finishes open entries and returns the summary.
    public mutating func finish() -> LogSummary {
        flushOpen()
        return snapshot()
    }

    /// Mines the templates of entries still open.
    @discardableResult
    mutating func flushOpen() -> Int {
        let entries = grouper.flushEntries()
        for (pod, entry) in entries { mine(entry, pod: pod) }
        return entries.count
    }

    /// The summary so far (entries still open are counted, their templates not yet mined).
    public func snapshot() -> LogSummary {
        var result = summary
        if bucketKey != Int.min && !counters.bucketIsEmpty { result.series.add(key: bucketKey, counters: counters.bucket()) }
        // The totals are the pods' sum, so the hot path counts each entry once less.
        for index in 0..<counters.podCount {
            let podCounters = counters.pod(index)
            guard podCounters.entries > 0 else { continue }
            let name = index == PodTable.noPod ? "" : podTable.names[index]
            result.pods[name, default: LogCounters()].merge(podCounters)
            result.total.merge(podCounters)
        }
        if firstTime <= lastTime { result.firstTime = firstTime; result.lastTime = lastTime }
        return result
    }
}

extension LogAnalyzer {
    /// True when a line surely starts an entry (not a stack trace line), so input split before
    /// it can be analysed in parallel parts.
    public static func startsEntry(_ line: UnsafeRawBufferPointer) -> Bool {
        var scanner = LineScanner()
        var f = LineFields()
        scanner.scan(line, line.count, into: &f)
        var state = TraceState()
        state.open = true
        state.openLevel = .fatal
        // A level or a status as well: a Python exception line also looks like a start.
        return state.classify(line, f.bodyStart, f.end, level: f.level) == .start && (f.level != .unknown || f.status > 0)
    }
}
