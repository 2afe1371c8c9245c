/// The last few `[pod/NAME/CONTAINER]` prefixes seen, with their pod's index: a line that
/// starts with the same bytes as one of them has the same pod, container and body start, so
/// the prefix is compared (a few 8-byte loads) instead of parsed and looked up. Each way is
/// tried on the eight bytes that end its pod's name first: pods of one deployment share the
/// rest of their prefix (`[pod/api-7d9f8c6b5-` and `/app]`), so that one load rules out the
/// others.
struct PrefixCache {
    static let ways = 4
    /// The most bytes of a prefix kept (six words).
    static let maxLength = 48
    /// Per way: length, word count, mask of the last word, pod, end of the pod's name, offset of
    /// the key (the eight bytes up to the name's end), the key, then six words.
    private static let stride = 13
    private static let firstWord = 7

    private var table = [UInt64](repeating: 0, count: ways * stride)
    private var next = 0

    /// The way whose prefix `p` starts with (and is no longer than `n`), or -1.
    @inline(__always)
    func match(_ p: UnsafeRawBufferPointer, _ n: Int) -> Int {
        guard let base = p.baseAddress else { return -1 }
        let available = p.count
        return table.withUnsafeBufferPointer { t -> Int in
            for way in 0..<Self.ways {
                let e = t.baseAddress! + way * Self.stride
                let length = Int(truncatingIfNeeded: e[0])
                let count = Int(truncatingIfNeeded: e[1])
                guard length > 0 && length <= n && count &* 8 <= available else { continue }
                if base.loadUnaligned(fromByteOffset: Int(truncatingIfNeeded: e[5]), as: UInt64.self) != e[6] { continue }
                let last = count &- 1
                if base.loadUnaligned(fromByteOffset: last &* 8, as: UInt64.self) & e[2] != e[Self.firstWord &+ last] { continue }
                var k = 0
                while k < last && base.loadUnaligned(fromByteOffset: k &* 8, as: UInt64.self) == e[Self.firstWord &+ k] { k &+= 1 }
                if k == last { return way }
            }
            return -1
        }
    }

    /// The prefix's length (through `]`), its pod, and where the pod's name ends.
    @inline(__always)
    func entry(_ way: Int) -> (length: Int, pod: Int, podEnd: Int) {
        let e = way * Self.stride
        return (Int(truncatingIfNeeded: table[e]), Int(truncatingIfNeeded: table[e + 3]), Int(truncatingIfNeeded: table[e + 4]))
    }

    /// Remembers the prefix `p[0..<length]` (through its `]`), replacing the oldest way.
    mutating func remember(_ p: UnsafeRawBufferPointer, length: Int, pod: Int, podEnd: Int) {
        guard length > 0 && length <= Self.maxLength else { return }
        let e = next * Self.stride
        next = (next + 1) % Self.ways
        let count = (length + 7) / 8
        let tail = length - (count - 1) * 8
        table[e] = UInt64(length)
        table[e + 1] = UInt64(count)
        table[e + 2] = tail == 8 ? ~0 : (1 << UInt64(tail * 8)) - 1
        table[e + 3] = UInt64(pod)
        table[e + 4] = UInt64(podEnd)
        let keyOffset = max(0, podEnd - 8)
        table[e + 5] = UInt64(keyOffset)
        var key: UInt64 = 0
        for b in 0..<8 { key |= UInt64(p[keyOffset + b]) << UInt64(b * 8) }
        table[e + 6] = key
        for k in 0..<(Self.stride - Self.firstWord) {
            var word: UInt64 = 0
            for b in 0..<8 where k * 8 + b < length { word |= UInt64(p[k * 8 + b]) << UInt64(b * 8) }
            table[e + Self.firstWord + k] = word
        }
    }
}
