/// Counts for one scope (overall, a pod, a time bucket): entries, requests, errors, warnings,
/// levels and a latency histogram.
public struct LogCounters: Sendable, Equatable {
    /// Log entries (a stack trace counts with the line that started it).
    public var entries = 0
    /// Entries with an HTTP status.
    public var requests = 0
    /// Level error/fatal or status 5xx.
    public var errors = 0
    public var warnings = 0
    /// Entries per level.
    public var levels = LevelCounts()
    public var latency = LatencyHistogram()

    public init() {}

    /// Counters from a block of `HotCounters` (see there for the layout).
    init(block b: UnsafePointer<Int>) {
        entries = b[HotCounters.entries]
        requests = b[HotCounters.requests]
        errors = b[HotCounters.errors]
        warnings = b[HotCounters.warnings]
        for level in LogLevel.allCases { levels[level] = b[HotCounters.levels + Int(level.rawValue)] }
        latency = LatencyHistogram(bins: UnsafeBufferPointer(start: b + HotCounters.bins, count: LatencyHistogram.maxBin + 1),
                                   count: b[HotCounters.latencyCount], sumMicros: HotCounters.double(b[HotCounters.latencySum]),
                                   maxMicros: b[HotCounters.latencyMax])
    }

    @inline(__always)
    mutating func add(level: LogLevel, status: Int, latencyMicros: Int) {
        entries += 1
        levels[level] += 1
        if status > 0 { requests += 1 }
        if LogRecord.isError(level: level, status: status) { errors += 1 }
        else if level == .warn { warnings += 1 }
        if latencyMicros >= 0 { latency.add(micros: latencyMicros) }
    }

    public mutating func merge(_ other: LogCounters) {
        entries += other.entries
        requests += other.requests
        errors += other.errors
        warnings += other.warnings
        for level in LogLevel.allCases { levels[level] += other.levels[level] }
        latency.merge(other.latency)
    }

    /// Errors per entry, 0 without entries.
    public var errorRate: Double { entries > 0 ? Double(errors) / Double(entries) : 0 }
}

/// Entries per level, without an array to keep the hot path free of allocation.
public struct LevelCounts: Sendable, Equatable {
    private var unknown = 0, trace = 0, debug = 0, info = 0, warn = 0, error = 0, fatal = 0

    public init() {}

    public subscript(level: LogLevel) -> Int {
        get {
            switch level {
            case .unknown: unknown
            case .trace: trace
            case .debug: debug
            case .info: info
            case .warn: warn
            case .error: error
            case .fatal: fatal
            }
        }
        set {
            switch level {
            case .unknown: unknown = newValue
            case .trace: trace = newValue
            case .debug: debug = newValue
            case .info: info = newValue
            case .warn: warn = newValue
            case .error: error = newValue
            case .fatal: fatal = newValue
            }
        }
    }
}

/// Counters for one time bucket.
public struct LogBucket: Sendable, Equatable {
    /// Bucket start in seconds since 1970.
    public var start: Double
    public var counters: LogCounters
}

/// Counters in time buckets, bounded: past `maxBuckets` the oldest are dropped (they stay in
/// the totals).
public struct BucketSeries: Sendable, Equatable {
    public let bucketSeconds: Double
    public let maxBuckets: Int
    private var keys: [Int] = []
    private var values: [LogCounters] = []
    private var cursor = -1

    public init(bucketSeconds: Double = 30, maxBuckets: Int = 2880) {
        self.bucketSeconds = max(1, bucketSeconds)
        self.maxBuckets = max(1, maxBuckets)
    }

    public var buckets: [LogBucket] {
        zip(keys, values).map { LogBucket(start: Double($0) * bucketSeconds, counters: $1) }
    }

    public var count: Int { keys.count }

    /// The current bucket's time range, to skip the division on most lines.
    private var cursorFrom = Double.infinity, cursorTo = -Double.infinity

    @inline(__always)
    mutating func add(time: Double, level: LogLevel, status: Int, latencyMicros: Int) {
        if time >= cursorFrom && time < cursorTo {
            values[cursor].add(level: level, status: status, latencyMicros: latencyMicros)
            return
        }
        addMoving(time: time, level: level, status: status, latencyMicros: latencyMicros)
    }

    /// `add` for a time outside the current bucket: kept out of line so the usual case inlines.
    @inline(never)
    private mutating func addMoving(time: Double, level: LogLevel, status: Int, latencyMicros: Int) {
        let key = Int((time / bucketSeconds).rounded(.down))
        cursorFrom = Double(key) * bucketSeconds
        cursorTo = cursorFrom + bucketSeconds
        if cursor < 0 || keys[cursor] != key {
            guard let i = slot(key) else { cursorFrom = .infinity; cursorTo = -.infinity; return }
            cursor = i
        }
        values[cursor].add(level: level, status: status, latencyMicros: latencyMicros)
    }

    /// The index for `key`, inserting an empty bucket if needed; nil for a bucket older than
    /// all kept ones when the series is full.
    private mutating func slot(_ key: Int) -> Int? {
        if keys.isEmpty || key > keys[keys.count - 1] {
            keys.append(key); values.append(LogCounters())
            if keys.count > maxBuckets { keys.removeFirst(); values.removeFirst() }
            return keys.count - 1
        }
        var lo = 0, hi = keys.count
        while lo < hi { let mid = (lo + hi) / 2; if keys[mid] < key { lo = mid + 1 } else { hi = mid } }
        if lo < keys.count && keys[lo] == key { return lo }
        if keys.count >= maxBuckets {
            guard lo > 0 else { return nil }
            keys.removeFirst(); values.removeFirst()
            lo -= 1
        }
        keys.insert(key, at: lo); values.insert(LogCounters(), at: lo)
        return lo
    }

    /// Makes sure the bucket `key` exists (for the analyzer's current bucket, counted apart
    /// and added with `add(key:counters:)`); false when it is older than every kept bucket of
    /// a full series.
    mutating func reserve(key: Int) -> Bool {
        defer { cursor = -1; cursorFrom = .infinity; cursorTo = -.infinity }
        return slot(key) != nil
    }

    /// Adds counters to the bucket `key`.
    mutating func add(key: Int, counters: LogCounters) {
        defer { cursor = -1; cursorFrom = .infinity; cursorTo = -.infinity }
        if let i = slot(key) { values[i].merge(counters) }
    }

    public mutating func merge(_ other: BucketSeries) {
        for (key, value) in zip(other.keys, other.values) {
            if let i = slot(key) { values[i].merge(value) }
        }
        cursor = -1
        cursorFrom = .infinity; cursorTo = -.infinity
    }

    /// Counters of the buckets whose start lies in `from..<to`.
    public func sum(from: Double, to: Double) -> LogCounters {
        var total = LogCounters()
        for (key, value) in zip(keys, values) {
            let start = Double(key) * bucketSeconds
            if start >= from && start < to { total.merge(value) }
        }
        return total
    }
}
