/// Finds the usual fields of a JSON log line (level, status, latency, message, time, error)
/// in one pass over its bytes, skipping everything else; `http.status` and
/// `http.response.status_code` are found in nested objects.
enum JSONFields {
    static func scan(_ p: UnsafeRawBufferPointer, _ start: Int, _ n: Int, _ f: inout LineFields,
                     _ timestamps: inout TimestampCache) {
        var i = start
        object(p, &i, n, &f, &timestamps, insideHTTP: false, depth: 0)
    }

    private static func skipSpace(_ p: UnsafeRawBufferPointer, _ i: inout Int, _ n: Int) {
        while i < n, p[i] == 0x20 || p[i] == 0x09 { i += 1 }
    }

    /// A string starting at the quote at `i`; leaves `i` past the closing quote and returns the
    /// content's range and whether it holds escapes.
    @inline(__always)
    private static func string(_ p: UnsafeRawBufferPointer, _ i: inout Int, _ n: Int) -> (Int, Int, Bool) {
        let s = i + 1
        var from = s
        while true {
            // Jump to the next quote; it closes the string unless an odd run of '\' precedes it.
            let q = Words.find(0x22, p, from, n)
            if q >= n { i = n; return (s, n, Words.find(0x5C, p, s, n) < n) }
            var b = q
            while b > s && p[b - 1] == 0x5C { b -= 1 }
            if (q - b) & 1 == 0 {
                i = q + 1
                return (s, q, Words.find(0x5C, p, s, q) < q)
            }
            from = q + 1
        }
    }

    /// Skips any value (nested objects and arrays included).
    private static func skipValue(_ p: UnsafeRawBufferPointer, _ i: inout Int, _ n: Int) {
        var depth = 0
        while i < n {
            let b = p[i]
            switch b {
            case 0x22: _ = string(p, &i, n); if depth == 0 { return }; continue
            case 0x7B, 0x5B: depth += 1
            case 0x7D, 0x5D:
                if depth == 0 { return }
                depth -= 1
                if depth == 0 { i += 1; return }
            case 0x2C: if depth == 0 { return }
            default: break
            }
            i += 1
        }
    }

    private static func object(_ p: UnsafeRawBufferPointer, _ i: inout Int, _ n: Int, _ f: inout LineFields,
                               _ timestamps: inout TimestampCache, insideHTTP: Bool, depth: Int) {
        guard i < n, p[i] == 0x7B else { return }
        i += 1
        while i < n {
            skipSpace(p, &i, n)
            guard i < n else { return }
            if p[i] == 0x7D { i += 1; return }
            if p[i] == 0x2C { i += 1; continue }
            guard p[i] == 0x22 else { return }  // not JSON after all: keep what was found
            let (ks, ke, _) = string(p, &i, n)
            skipSpace(p, &i, n)
            guard i < n, p[i] == 0x3A else { return }
            i += 1
            skipSpace(p, &i, n)
            guard i < n else { return }
            var key = Words.key(p, ks, ke)
            if insideHTTP && key != .status {
                // Inside "http" only the status and a nested "response" object matter.
                let isResponse = ke - ks == 8 && p[ks] == 0x72 && p[ks + 2] == 0x73 && p[ks + 7] == 0x65
                key = isResponse ? .http : .other
            }
            let c = p[i]
            if c == 0x7B {
                if case .http = key, depth < 3 {
                    object(p, &i, n, &f, &timestamps, insideHTTP: true, depth: depth + 1)
                } else {
                    skipValue(p, &i, n)
                }
                continue
            }
            if c == 0x5B { skipValue(p, &i, n); continue }
            var vs: Int, ve: Int
            var quoted = false, escaped = false
            if c == 0x22 {
                (vs, ve, escaped) = string(p, &i, n)
                quoted = true
            } else {
                vs = i
                while i < n, p[i] != 0x2C && p[i] != 0x7D && p[i] != 0x20 { i += 1 }
                ve = i
            }
            value(key, p, vs, ve, quoted, escaped, &f, &timestamps)
        }
    }

    private static func value(_ key: Words.Key, _ p: UnsafeRawBufferPointer, _ vs: Int, _ ve: Int, _ quoted: Bool,
                              _ escaped: Bool, _ f: inout LineFields, _ timestamps: inout TimestampCache) {
        switch key {
        case .level:
            if !quoted, let number = Int(ascii: p, vs, ve) { f.level = Words.level(number: number) }
            else if let level = Words.level(p, vs, ve, anyCase: true) { f.level = level }
        case .status:
            if f.status == 0 { f.status = Words.status(p, vs, ve) }
        case .latency(let unit):
            if f.latencyMicros < 0 { f.latencyMicros = Words.durationMicros(p, vs, ve, unit: unit) }
        case .time:
            guard f.time.isNaN else { return }
            if quoted {
                if let (t, _) = timestamps.parse(p, vs, ve) { f.time = t }
            } else if let seconds = Double(ascii: p, vs, ve) {
                // Epoch seconds (zap) or milliseconds.
                f.time = seconds > 1e11 ? seconds / 1000 : seconds
            }
        case .message:
            if f.messageEnd <= f.messageStart || f.messageStart == f.bodyStart {
                f.messageStart = vs; f.messageEnd = ve; f.messageEscaped = escaped
            }
        case .error:
            if f.errorEnd <= f.errorStart { f.errorStart = vs; f.errorEnd = ve; f.errorEscaped = escaped }
        case .http, .other:
            break
        }
    }
}



extension Int {
    /// A decimal integer spelled by the bytes, nothing else.
    init?(ascii p: UnsafeRawBufferPointer, _ s: Int, _ e: Int) {
        guard e > s, e - s < 18 else { return nil }
        var v = 0
        for k in s..<e {
            let d = Int(p[k]) &- 48
            guard d >= 0 && d <= 9 else { return nil }
            v = v * 10 + d
        }
        self = v
    }
}

extension Double {
    /// A decimal number such as `1732617662.123` spelled by the bytes.
    init?(ascii p: UnsafeRawBufferPointer, _ s: Int, _ e: Int) {
        guard e > s, e - s < 40 else { return nil }
        self.init(String(decoding: UnsafeRawBufferPointer(rebasing: p[s..<e]), as: UTF8.self))
    }
}
