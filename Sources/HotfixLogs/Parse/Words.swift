/// Recognising level words, HTTP methods, field names and durations in raw bytes.
enum Words {
    /// The byte at `i`, which the caller has checked is inside `p` (no second check: this is
    /// for the few reads per line on the analyzer's hot path).
    @inline(__always)
    static func byte(_ p: UnsafeRawBufferPointer, _ i: Int) -> UInt8 {
        p.baseAddress.unsafelyUnwrapped.load(fromByteOffset: i, as: UInt8.self)
    }

    /// The index of the first `byte` in `p[i..<n]`, or `n`; eight bytes at a time. Words may
    /// be read past `n` up to `p.count` (the analyzer passes the rest of its chunk), never past.
    @inline(__always)
    static func find(_ byte: UInt8, _ p: UnsafeRawBufferPointer, _ start: Int, _ n: Int) -> Int {
        var i = start
        let pattern = UInt64(byte) &* 0x0101_0101_0101_0101
        while i < n && i + 8 <= p.count {
            let v = p.loadUnaligned(fromByteOffset: i, as: UInt64.self) ^ pattern
            let zero = (v &- 0x0101_0101_0101_0101) & ~v & 0x8080_8080_8080_8080
            if zero != 0 { return min(i + zero.trailingZeroBitCount / 8, n) }
            i += 8
        }
        while i < n && p[i] != byte { i += 1 }
        return min(i, n)
    }

    /// Whether `p[s..<e]` holds the bytes of `part`.
    static func contains(_ p: UnsafeRawBufferPointer, _ s: Int, _ e: Int, _ part: UnsafeRawBufferPointer) -> Bool {
        guard let first = part.first, part.count <= e - s else { return part.isEmpty }
        var i = s
        while i <= e - part.count {
            if p[i] == first && memcmpEqual(p.baseAddress! + i, part.baseAddress!, part.count) { return true }
            i += 1
        }
        return false
    }

    /// Whether eight bytes, each minus `0`, are all digits 0...9 (SWAR: a byte below `0`
    /// wrapped or borrowed into its high bits; one above `9` gets there once 6 is added).
    @inline(__always)
    static func allDigits(_ d: UInt64) -> Bool {
        (d & 0xF0F0_F0F0_F0F0_F0F0) == 0 && ((d &+ 0x0606_0606_0606_0606) & 0xF0F0_F0F0_F0F0_F0F0) == 0
    }

    /// How many of eight bytes, each minus `0` (the first lowest), are digits before the first
    /// that is not. (Bytes after that one may be garbled by its borrow or carry; they are not read.)
    @inline(__always)
    static func leadingDigits(_ t: UInt64) -> Int {
        let notDigit = (t | (t &+ 0x0606_0606_0606_0606)) & 0xF0F0_F0F0_F0F0_F0F0
        return notDigit.trailingZeroBitCount &>> 3
    }

    /// The number eight digits (bytes 0...9, the first lowest) make, combined in pairs, fours
    /// and eights rather than one at a time.
    @inline(__always)
    static func digitsValue(_ d: UInt64) -> Int {
        var v = (d &* 10 &+ (d >> 8)) & 0x00FF_00FF_00FF_00FF
        v = (v &* 100 &+ (v >> 16)) & 0x0000_FFFF_0000_FFFF
        v = (v &* 10000 &+ (v >> 32)) & 0xFFFF_FFFF
        return Int(truncatingIfNeeded: v)
    }

    /// Up to 8 bytes packed little-endian; `fold` clears bit 5 of every byte, which uppercases
    /// letters and maps no other byte onto a letter, so it is safe for comparing with words.
    @inline(__always)
    static func pack(_ p: UnsafeRawBufferPointer, _ s: Int, _ e: Int, fold: Bool) -> UInt64 {
        let len = e - s
        if len <= 8 && s + 8 <= p.count {
            // One load, bytes past the word masked off.
            var v = p.loadUnaligned(fromByteOffset: s, as: UInt64.self)
            if len < 8 { v &= (1 &<< UInt64(len &* 8)) &- 1 }  // wrapping ops: no shift-range checks
            return fold ? v & 0xDFDF_DFDF_DFDF_DFDF : v
        }
        var v: UInt64 = 0
        var shift: UInt64 = 0
        var i = s
        while i < e {
            var b = p[i]
            if fold { b &= 0xDF }
            v |= UInt64(b) << shift
            shift += 8
            i += 1
        }
        return v
    }

    /// The level a word names (`ERROR`, `[warn]`, `INFO:`, `Error`), or nil. With `anyCase`
    /// false only all-caps words count, so prose later in a line does not set the level.
    static func level(_ p: UnsafeRawBufferPointer, _ s0: Int, _ e0: Int, anyCase: Bool) -> LogLevel? {
        var s = s0, e = e0
        if s < e && p[s] == 0x5B { s += 1 }  // [
        // Cut at ':' or ']' ("ERROR:root:msg", "[WARN]").
        var j = s
        let limit = min(e, s + 9)
        while j < limit && p[j] != 0x3A && p[j] != 0x5D { j += 1 }
        if j == limit && limit < e { return nil }
        e = j
        let len = e - s
        guard len >= 3 && len <= 8 else { return nil }
        return level(packed: pack(p, s, e, fold: false), anyCase: anyCase)
    }

    /// The level named by a packed word of letters only (see `pack`).
    @inline(__always)
    static func level(packed v: UInt64, anyCase: Bool) -> LogLevel? {
        let folded = v & 0xDFDF_DFDF_DFDF_DFDF
        guard anyCase || folded == v else { return nil }
        switch folded {
        case 0x4f464e49: return .info                          // INFO (most lines: first)
        case 0x524f525245, 0x525245, 0x455245564553: return .error
        case 0x4e524157, 0x474e494e524157, 0x4e5257: return .warn
        case 0x4755424544, 0x474244: return .debug
        case 0x464e49, 0x454349544f4e: return .info
        case 0x4543415254: return .trace
        case 0x4c41544146, 0x54495243, 0x4c41434954495243, 0x43494e4150, 0x4752454d45, 0x5452454c41: return .fatal
        default: return nil
        }
    }

    /// True for a packed GET, POST, PUT, DELETE, PATCH, HEAD or OPTIONS.
    @inline(__always)
    static func isMethod(packed v: UInt64) -> Bool {
        switch v {
        case 0x544547, 0x54534f50, 0x545550, 0x4554454c4544, 0x4843544150, 0x44414548, 0x534e4f4954504f: true
        default: false
        }
    }

    /// Whether any of the eight bytes of `v` is `byte` (zero bytes never match a non-zero byte).
    @inline(__always)
    static func has(_ byte: UInt8, in v: UInt64) -> Bool {
        let x = v ^ (UInt64(byte) &* 0x0101_0101_0101_0101)
        return (x &- 0x0101_0101_0101_0101) & ~x & 0x8080_8080_8080_8080 != 0
    }

    /// Numeric levels (pino, bunyan).
    static func level(number: Int) -> LogLevel {
        switch number {
        case ..<15: .trace
        case ..<25: .debug
        case ..<35: .info
        case ..<45: .warn
        case ..<55: .error
        default: .fatal
        }
    }

    /// GET, POST, PUT, DELETE, PATCH, HEAD, OPTIONS (optionally after a quote).
    @inline(__always)
    static func isMethod(_ p: UnsafeRawBufferPointer, _ s0: Int, _ e: Int) -> Bool {
        var s = s0
        if s < e && p[s] == 0x22 { s += 1 }
        let len = e - s
        guard len >= 3 && len <= 7 else { return false }
        switch p[s] {
        case 0x47, 0x50, 0x44, 0x48, 0x4F: break  // G P D H O
        default: return false
        }
        return len >= 3 && len <= 7 && isMethod(packed: pack(p, s, e, fold: false))
    }

    /// A whole number in 100...599, or 0.
    @inline(__always)
    static func status(_ p: UnsafeRawBufferPointer, _ s: Int, _ e: Int) -> Int {
        guard e - s == 3 else { return 0 }
        let a = Int(p[s]) &- 48, b = Int(p[s + 1]) &- 48, c = Int(p[s + 2]) &- 48
        guard a >= 1 && a <= 5 && b >= 0 && b <= 9 && c >= 0 && c <= 9 else { return 0 }
        return a * 100 + b * 10 + c
    }

    /// Durations from 9e15 µs (about 285 years) on are not durations: the cap keeps sums finite.
    static let maxMillis = 9_000_000_000_000

    /// `durationMicros` with its usual case, whole milliseconds (`178ms`), inline: most
    /// request lines carry one (for speed).
    @inline(__always)
    static func durationMicrosInline(_ p: UnsafeRawBufferPointer, _ s: Int, _ e: Int, unit: Unit) -> Int {
        if e - s >= 3 && e - s <= 17 && p[e - 1] == 0x73 && p[e - 2] == 0x6D {
            var whole = 0
            var i = s
            while i < e - 2, p[i] &- 0x30 <= 9 { whole = whole &* 10 &+ Int(p[i] &- 0x30); i += 1 }
            if i == e - 2 { return whole < maxMillis ? whole &* 1000 : -1 }
        }
        return durationMicros(p, s, e, unit: unit)
    }

    /// A duration such as `12ms`, `0.012s`, `850us`, `12.5µs`, or a bare number in `unit`,
    /// in microseconds; -1 if the bytes are not one.
    static func durationMicros(_ p: UnsafeRawBufferPointer, _ s: Int, _ e: Int, unit: Unit) -> Int {
        var i = s
        var whole = 0
        while i < e, p[i] &- 0x30 <= 9 { whole = whole &* 10 &+ Int(p[i] &- 0x30); i += 1 }
        let digits = i - s
        guard digits > 0 && digits < 16 else { return -1 }
        // The usual case, whole milliseconds ("12ms"), needs no floating point.
        if e - i == 2 && p[i] == 0x6D && p[i + 1] == 0x73 { return whole < maxMillis ? whole &* 1000 : -1 }
        var frac = 0.0
        var fractional = false
        if i < e && p[i] == 0x2E {
            fractional = true
            i += 1
            var scale = 0.1
            while i < e, p[i] >= 0x30 && p[i] <= 0x39 { frac += Double(p[i] - 0x30) * scale; scale *= 0.1; i += 1 }
        }
        let value = Double(whole) + frac
        let rest = e - i
        var micros: Double
        if rest == 0 {
            switch unit {
            case .ns: micros = value / 1000
            case .us: micros = value
            case .ms: micros = value * 1000
            case .s: micros = value * 1_000_000
            case .guess:
                // No unit anywhere: a fraction is seconds (zap), a huge integer nanoseconds
                // (slog), anything else milliseconds.
                if fractional { micros = value * 1_000_000 } else if whole >= 1_000_000 { micros = value / 1000 } else { micros = value * 1000 }
            }
        } else if rest == 1 && p[i] == 0x73 {
            micros = value * 1_000_000  // s
        } else if rest == 2 && p[i + 1] == 0x73 {
            switch p[i] {
            case 0x6D: micros = value * 1000  // ms
            case 0x75: micros = value  // us
            case 0x6E: micros = value / 1000  // ns
            default: return -1
            }
        } else if rest == 3 && p[i] == 0xC2 && p[i + 1] == 0xB5 && p[i + 2] == 0x73 {
            micros = value  // µs
        } else {
            return -1
        }
        return micros < 9.0e15 ? Int(micros.rounded()) : -1
    }
}
