/// The analyzer's per-line counting, kept flat for speed: two blocks of integers per pod, one
/// for the current time bucket and one for everything before it, in a single array, so a line
/// costs one uniqueness check and a few increments in one block (a `LogCounters` per pod and
/// per bucket cost several checks and copies per line). When the bucket moves on, its blocks
/// are added to the pods' totals; blocks turn into `LogCounters` when a summary is taken.
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

    /// Block `2 * pod` is the pod's part of the current bucket, block `2 * pod + 1` the pod's
    /// counts outside it (earlier buckets, lines older than the bucket).
    private(set) var storage: [Int] = []

    /// Counts one entry in the pod's current-bucket block (when `inBucket`) or its other block.
    @inline(__always)
    mutating func add(pod: Int, inBucket: Bool, level: LogLevel, status: Int, latencyMicros: Int) {
        let block = (pod &* 2 &+ (inBucket ? 0 : 1)) &* Self.blockSize
        if block >= storage.count { grow(pod) }
        let bin = latencyMicros >= 0 ? LatencyHistogram.bin(latencyMicros) : -1
        let error = LogRecord.isError(level: level, status: status)
        storage.withUnsafeMutableBufferPointer { buffer in
            Self.count(buffer.baseAddress.unsafelyUnwrapped + block, level: level, status: status, error: error,
                       latencyMicros: latencyMicros, bin: bin)
        }
    }

    @inline(never)
    private mutating func grow(_ pod: Int) {
        storage.append(contentsOf: repeatElement(0, count: (pod + 1) * 2 * Self.blockSize - storage.count))
    }

    @inline(__always)
    private static func count(_ b: UnsafeMutablePointer<Int>, level: LogLevel, status: Int, error: Bool, latencyMicros: Int, bin: Int) {
        b[entries] &+= 1
        b[levels + Int(level.rawValue)] &+= 1
        if status > 0 { b[requests] &+= 1 }
        if error { b[errors] &+= 1 } else if level == .warn { b[warnings] &+= 1 }
        if bin >= 0 {
            b[latencyCount] &+= 1
            // The sum is a Double (its bits kept here); sums of whole microseconds are exact in
            // any order below 2^53.
            b[latencySum] = Self.adding(b[latencySum], Double(latencyMicros))
            if latencyMicros > b[latencyMax] { b[latencyMax] = latencyMicros }
            b[bins + bin] &+= 1
        }
    }

    @inline(__always)
    private static func adding(_ bits: Int, _ value: Double) -> Int {
        Int(bitPattern: UInt((double(bits) + value).bitPattern))
    }

    /// The Double whose bits a block holds (the latency sum).
    @inline(__always)
    static func double(_ bits: Int) -> Double { Double(bitPattern: UInt64(UInt(bitPattern: bits))) }

    /// Adds block `src` into block `dst` (counts add, the sum adds as a Double, the maximum is kept).
    private static func merge(_ dst: UnsafeMutablePointer<Int>, _ src: UnsafePointer<Int>) {
        for i in 0..<blockSize {
            switch i {
            case latencySum: dst[i] = adding(dst[i], double(src[i]))
            case latencyMax: dst[i] = max(dst[i], src[i])
            default: dst[i] &+= src[i]
            }
        }
    }

    /// Pods with blocks (some may be empty).
    var podCount: Int { storage.count / (2 * Self.blockSize) }

    /// The counters of the current bucket, all pods together.
    func bucket() -> LogCounters { sum(of: (0..<podCount).map { 2 * $0 }) }

    /// All counters of a pod (the current bucket's included).
    func pod(_ pod: Int) -> LogCounters { sum(of: [2 * pod, 2 * pod + 1]) }

    /// The blocks numbered `blocks` added together.
    private func sum(of blocks: [Int]) -> LogCounters {
        var sum = [Int](repeating: 0, count: Self.blockSize)
        storage.withUnsafeBufferPointer { s in
            sum.withUnsafeMutableBufferPointer { d in
                for block in blocks { Self.merge(d.baseAddress!, s.baseAddress! + block * Self.blockSize) }
            }
        }
        return sum.withUnsafeBufferPointer { LogCounters(block: $0.baseAddress!) }
    }

    /// Whether the current bucket holds anything.
    var bucketIsEmpty: Bool {
        (0..<podCount).allSatisfy { storage[2 * $0 * Self.blockSize + Self.entries] == 0 }
    }

    /// Moves the current bucket's counts to the pods' totals and empties it.
    mutating func clearBucket() {
        let pods = podCount
        storage.withUnsafeMutableBufferPointer { buffer in
            let base = buffer.baseAddress!
            for pod in 0..<pods {
                let bucket = base + 2 * pod * Self.blockSize
                guard bucket[Self.entries] != 0 else { continue }
                Self.merge(bucket + Self.blockSize, bucket)
                bucket.update(repeating: 0, count: Self.blockSize)
            }
        }
    }
}
