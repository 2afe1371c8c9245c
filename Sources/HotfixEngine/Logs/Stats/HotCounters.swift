/// The analyzer's per-line counting, kept flat for speed: one block of integers per pod and
/// one for the current time bucket, in a single array, so a line costs one uniqueness check
/// and a few increments (a `LogCounters` per pod and per bucket cost several checks and copies
/// per line). Blocks turn into `LogCounters` when a summary is taken.
///
/// Block layout: entries, requests, errors, warnings, one count per level, then the latency
/// histogram's count, sum (µs, a Double's bits), maximum (µs) and its bins.
struct HotCounters {
    static let entries = 0, requests = 1, errors = 2, warnings = 3, levels = 4
    static let latencyCount = levels + LogLevel.allCases.count
    static let latencySum = latencyCount + 1
    static let latencyMax = latencyCount + 2
    static let bins = latencyCount + 3
    static let blockSize = bins + LatencyHistogram.maxBin + 1

    /// Block 0 is the current bucket; block `pod + 1` is a pod's.
    private(set) var storage: [Int] = Array(repeating: 0, count: blockSize)

    /// Counts one entry in the current bucket's block (when `inBucket`) and the pod's.
    @inline(__always)
    mutating func add(pod: Int, inBucket: Bool, level: LogLevel, status: Int, latencyMicros: Int) {
        let podBlock = (pod + 1) * Self.blockSize
        if podBlock >= storage.count {
            storage.append(contentsOf: repeatElement(0, count: podBlock + Self.blockSize - storage.count))
        }
        let bin = latencyMicros >= 0 ? LatencyHistogram.bin(latencyMicros) : -1
        let error = LogRecord.isError(level: level, status: status)
        storage.withUnsafeMutableBufferPointer { buffer in
            let base = buffer.baseAddress!
            Self.count(base + podBlock, level: level, status: status, error: error, latencyMicros: latencyMicros, bin: bin)
            if inBucket { Self.count(base, level: level, status: status, error: error, latencyMicros: latencyMicros, bin: bin) }
        }
    }

    @inline(__always)
    private static func count(_ b: UnsafeMutablePointer<Int>, level: LogLevel, status: Int, error: Bool, latencyMicros: Int, bin: Int) {
        b[entries] &+= 1
        b[levels + Int(level.rawValue)] &+= 1
        if status > 0 { b[requests] &+= 1 }
        if error { b[errors] &+= 1 } else if level == .warn { b[warnings] &+= 1 }
        if bin >= 0 {
            b[latencyCount] &+= 1
            // The sum is a Double (its bits kept here), added in the order `LatencyHistogram` adds.
            b[latencySum] = Int(bitPattern: UInt((Double(bitPattern: UInt64(UInt(bitPattern: b[latencySum]))) + Double(latencyMicros)).bitPattern))
            if latencyMicros > b[latencyMax] { b[latencyMax] = latencyMicros }
            b[bins + bin] &+= 1
        }
    }

    /// Pods with a block (some may be empty).
    var podCount: Int { storage.count / Self.blockSize - 1 }

    /// The counters of the current bucket.
    func bucket() -> LogCounters { counters(block: 0) }

    /// The counters of a pod.
    func pod(_ pod: Int) -> LogCounters { counters(block: pod + 1) }

    private func counters(block: Int) -> LogCounters {
        storage.withUnsafeBufferPointer { LogCounters(block: $0.baseAddress! + block * Self.blockSize) }
    }

    /// Whether the current bucket holds anything.
    var bucketIsEmpty: Bool { storage[Self.entries] == 0 }

    /// Empties the current bucket's block.
    mutating func clearBucket() {
        storage.withUnsafeMutableBufferPointer { buffer in
            for i in 0..<Self.blockSize { buffer[i] = 0 }
        }
    }
}
