/// RFC 3339 timestamps (`2026-11-26T10:41:02.123456789Z`, `+02:00`, a space instead of `T`,
/// a comma before the fraction) read straight from bytes, with the date and minute cached
/// because consecutive lines share them.
struct TimestampCache {
    private var key0: UInt64 = 0
    private var key1: UInt64 = 0
    private var minuteEpoch: Double = 0

    init() {}

    /// The time at `s` in seconds since 1970 and the index just past it, or nil.
    @inline(__always)
    mutating func parse(_ p: UnsafeRawBufferPointer, _ s: Int, _ n: Int) -> (Double, Int)? {
        if let cached = parseCached(p, s, n) { return cached }
        return parseAny(p, s, n)
    }

    /// For speed: kubectl's own shape (`...:SS.nnnnnnnnnZ`) in the cached minute, read inline,
    /// nine fraction digits checked with one 8-byte load; the result is the one `parseAny`
    /// gives. Nil for anything else (then `parseAny` reads it).
    @inline(__always)
    func parseCached(_ p: UnsafeRawBufferPointer, _ s: Int, _ n: Int) -> (Double, Int)? {
        guard n - s >= 30 && key0 != 0 && p[s + 16] == 0x3A && p[s + 19] == 0x2E && p[s + 29] == 0x5A
            && p.loadUnaligned(fromByteOffset: s, as: UInt64.self) == key0
            && p.loadUnaligned(fromByteOffset: s + 8, as: UInt64.self) == key1 else { return nil }
        let digits = p.loadUnaligned(fromByteOffset: s + 20, as: UInt64.self) &- 0x3030_3030_3030_3030
        let s1 = Int(p[s + 17]) &- 48, s2 = Int(p[s + 18]) &- 48, ninth = p[s + 28] &- 0x30
        guard Words.allDigits(digits) && ninth <= 9 && s1 >= 0 && s1 <= 6 && s2 >= 0 && s2 <= 9 && s1 * 10 + s2 <= 60 else { return nil }
        let frac = Self.firstSixDigits(digits)
        var t = minuteEpoch + Double(s1 * 10 + s2)
        t += Double(frac) * 1e-6
        return (t, s + 30)
    }

    /// The number the first six of eight digits (bytes 0...9, the first lowest) make.
    @inline(__always)
    static func firstSixDigits(_ d: UInt64) -> Int { Words.digitsValue(d) / 100 }

    /// Any accepted shape (see the type's comment).
    mutating func parseAny(_ p: UnsafeRawBufferPointer, _ s: Int, _ n: Int) -> (Double, Int)? {
        guard n - s >= 19, p[s + 16] == 0x3A else { return nil }
        let k0 = p.loadUnaligned(fromByteOffset: s, as: UInt64.self)
        let k1 = p.loadUnaligned(fromByteOffset: s + 8, as: UInt64.self)
        var base: Double
        if k0 == key0 && k1 == key1 && key0 != 0 {
            base = minuteEpoch
        } else {
            guard p[s + 4] == 0x2D, p[s + 7] == 0x2D, p[s + 13] == 0x3A else { return nil }
            let t = p[s + 10]
            guard t == 0x54 || t == 0x20 || t == 0x74 else { return nil }
            guard let y = Self.digits(p, s, 4), let mo = Self.digits(p, s + 5, 2), let d = Self.digits(p, s + 8, 2),
                  let h = Self.digits(p, s + 11, 2), let mi = Self.digits(p, s + 14, 2),
                  (1...12).contains(mo), (1...31).contains(d), h < 24, mi < 60 else { return nil }
            base = Double(Self.daysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60)
            key0 = k0; key1 = k1; minuteEpoch = base
        }
        guard let sec = Self.digits(p, s + 17, 2), sec <= 60 else { return nil }
        var i = s + 19
        var t = base + Double(sec)
        if i < n && (p[i] == 0x2E || p[i] == 0x2C) {
            // Microseconds are plenty; kubectl writes nine digits, read six and skip the rest.
            i += 1
            var frac = 0
            var scale = 1
            let stop = min(n, i + 6)
            while i < stop, p[i] &- 0x30 <= 9 { frac = frac &* 10 &+ Int(p[i] &- 0x30); scale &*= 10; i += 1 }
            while i < n, p[i] &- 0x30 <= 9 { i += 1 }
            t += Double(frac) * Self.reciprocal(scale)
        }
        if i < n {
            let z = p[i]
            if z == 0x5A || z == 0x7A {
                i += 1
            } else if (z == 0x2B || z == 0x2D) && n - i >= 5, let oh = Self.digits(p, i + 1, 2) {
                var j = i + 3
                if p[j] == 0x3A { j += 1 }
                if let om = Self.digits(p, j, 2), j + 2 <= n {
                    let offset = Double(oh * 3600 + om * 60)
                    t += z == 0x2B ? -offset : offset
                    i = j + 2
                }
            }
        }
        return (t, i)
    }

    @inline(__always)
    static func reciprocal(_ scale: Int) -> Double {
        switch scale {
        case 10: 1e-1
        case 100: 1e-2
        case 1000: 1e-3
        case 10000: 1e-4
        case 100_000: 1e-5
        case 1_000_000: 1e-6
        default: 1 / Double(scale)
        }
    }

    @inline(__always)
    static func digits(_ p: UnsafeRawBufferPointer, _ s: Int, _ count: Int) -> Int? {
        guard s + count <= p.count else { return nil }
        var v = 0
        for k in 0..<count {
            let d = Int(p[s + k]) &- 48
            guard d >= 0 && d <= 9 else { return nil }
            v = v * 10 + d
        }
        return v
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
