/// A mergeable log-linear histogram of latencies (microseconds): 16 sub-buckets per power of
/// two, so a quantile is within about 3 % of the true value; no samples are kept or sorted.
public struct LatencyHistogram: Sendable, Equatable {
    private var bins: [UInt32] = []
    public private(set) var count = 0
    public private(set) var sumMicros = 0.0
    public private(set) var maxMicros = 0

    static let subBits = 4
    static let maxBin = 40 * 16

    public init() {}

    /// A histogram with these bins (trailing empty octaves dropped, as `add` would have kept them).
    init(bins all: UnsafeBufferPointer<Int>, count: Int, sumMicros: Double, maxMicros: Int) {
        if let last = all.lastIndex(where: { $0 > 0 }) {
            bins = all[0..<min(Self.maxBin + 1, (last / 16 + 1) * 16)].map { UInt32(truncatingIfNeeded: $0) }
        }
        self.count = count
        self.sumMicros = sumMicros
        self.maxMicros = maxMicros
    }

    @inline(__always)
    static func bin(_ micros: Int) -> Int {
        let v = UInt64(max(0, micros))
        if v < 16 { return Int(v) }
        let e = 63 - v.leadingZeroBitCount
        let sub = Int((v >> UInt64(e - subBits)) & 15)
        return min((e - 3) * 16 + sub, maxBin)
    }

    /// The middle of a bin's range, in microseconds.
    static func value(ofBin b: Int) -> Double {
        if b < 16 { return Double(b) }
        let e = b / 16 + 3
        let low = Double((16 + b % 16) << (e - subBits))
        return low + Double(1 << (e - subBits)) / 2
    }

    @inline(__always)
    public mutating func add(micros: Int) {
        let b = Self.bin(micros)
        if b >= bins.count { grow(to: b) }
        bins[b] &+= 1
        count += 1
        sumMicros += Double(micros)
        if micros > maxMicros { maxMicros = micros }
    }

    /// Bins are added in steps of an octave, so a histogram only holds the range it has seen.
    private mutating func grow(to b: Int) {
        let size = min(Self.maxBin + 1, (b / 16 + 1) * 16)
        bins.append(contentsOf: repeatElement(0, count: size - bins.count))
    }

    public mutating func merge(_ other: LatencyHistogram) {
        if other.bins.count > bins.count { bins.append(contentsOf: repeatElement(0, count: other.bins.count - bins.count)) }
        for (i, n) in other.bins.enumerated() where n > 0 { bins[i] &+= n }
        count += other.count
        sumMicros += other.sumMicros
        maxMicros = max(maxMicros, other.maxMicros)
    }

    /// The q-quantile (0...1) in milliseconds, nil when empty.
    public func quantileMs(_ q: Double) -> Double? {
        guard count > 0 else { return nil }
        let rank = max(1, Int((q * Double(count)).rounded(.up)))
        var seen = 0
        for (i, n) in bins.enumerated() {
            seen += Int(n)
            if seen >= rank { return min(Self.value(ofBin: i), Double(maxMicros)) / 1000 }
        }
        return Double(maxMicros) / 1000
    }

    public var meanMs: Double? { count > 0 ? sumMicros / Double(count) / 1000 : nil }
}
