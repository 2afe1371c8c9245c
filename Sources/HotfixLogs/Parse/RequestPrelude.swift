/// The scanner's fast path for the usual request line.
extension LineScanner {
    /// For speed: the usual request line, `LEVEL METHOD /path STATUS 12ms …`, read with one load
    /// per word. Each word it takes leaves exactly the state the general loop in `scanText` would
    /// (`i` past the word, `token` counted); at the first word it is not sure of, it stops and
    /// the general loop goes on from there. Only all-caps INFO, WARN, ERROR and DEBUG, and
    /// GET, PUT, POST, HEAD, PATCH and DELETE, each followed by one space, are taken.
    @inline(__always)
    func requestPrelude(_ p: UnsafeRawBufferPointer, _ i: inout Int, _ n: Int, _ f: inout LineFields,
                        _ token: inout Int, _ request: inout RequestTokens) {
        // The level word and one space; the next word starts with a letter.
        guard i + 16 <= p.count && i + 8 <= n else { return }
        let w = p.loadUnaligned(fromByteOffset: i, as: UInt64.self)
        let level: LogLevel
        var len: Int
        switch w & 0xFF_FFFF_FFFF {
        case 0x20_4F46_4E49: level = .info; len = 4  // "INFO "
        case 0x20_4E52_4157: level = .warn; len = 4  // "WARN "
        default:
            switch w & 0xFFFF_FFFF_FFFF {
            case 0x2052_4F52_5245: level = .error; len = 5  // "ERROR "
            case 0x2047_5542_4544: level = .debug; len = 5  // "DEBUG "
            default: return
            }
        }
        var j = i + len + 1
        guard (p[j] | 0x20) &- 0x61 < 26 else { return }
        f.level = level
        f.messageStart = j
        i = i + len
        token = 1
        // The method and one space, then a path.
        guard j + 8 <= p.count else { return }
        let m = p.loadUnaligned(fromByteOffset: j, as: UInt64.self)
        switch m & 0xFFFF_FFFF {
        case 0x2054_4547, 0x2054_5550: len = 3  // "GET ", "PUT "
        default:
            switch m & 0xFF_FFFF_FFFF {
            case 0x20_5453_4F50, 0x20_4441_4548: len = 4  // "POST ", "HEAD "
            default:
                switch m & 0xFFFF_FFFF_FFFF {
                case 0x2048_4354_4150: len = 5  // "PATCH "
                default:
                    guard m & 0xFF_FFFF_FFFF_FFFF == 0x20_4554_454C_4544 else { return }  // "DELETE "
                    len = 6
                }
            }
        }
        guard j + len + 1 < n, p[j + len + 1] == 0x2F else { return }
        request.method = 1
        i = j + len
        token = 2
        // The path (a word not starting with a letter, digit, '[' or '"' counts for nothing).
        j = j + len + 1
        let pathEnd = Words.find(0x20, p, j, n)
        i = pathEnd
        token = 3
        // The status: three digits, then a space or the end.
        j = pathEnd + 1
        if j + 12 <= p.count {
            // For speed: the status and the latency read with one 8-byte load each.
            let w = p.loadUnaligned(fromByteOffset: j, as: UInt64.self)
            let d = (w & 0xFF_FFFF) &- 0x30_3030
            guard j + 3 <= n, Words.allDigits(d & 0xFF_FFFF), j + 3 == n || (w >> 24) & 0xFF == 0x20 else { return }
            let a = Int(truncatingIfNeeded: d & 0xFF)
            if f.status == 0 && a >= 1 && a <= 5 {
                f.status = a &* 100 &+ Int(truncatingIfNeeded: (d >> 8) & 0xFF) &* 10 &+ Int(truncatingIfNeeded: (d >> 16) & 0xFF)
            }
            i = j + 3
            token = 4
            // Three digits that are no status ("099"): the next word is no latency either.
            guard f.status != 0 else { return }
            request.status = 3
            // The latency: up to six digits, "ms", then a space or the end; longer ones below.
            j += 4
            let t = p.loadUnaligned(fromByteOffset: j, as: UInt64.self) &- 0x3030_3030_3030_3030
            let digits = Words.leadingDigits(t)
            if digits >= 1 && digits <= 6 {
                let after = j + digits + 2
                guard (t >> UInt64(digits &* 8)) & 0xFFFF == 0x433D, after <= n,
                      after == n || Words.byte(p, after) == 0x20 else { return }
                if f.latencyMicros < 0 { f.latencyMicros = Words.digitsValue(t &<< UInt64((8 &- digits) &* 8)) &* 1000 }
                i = after
                token = 5
                return
            }
        } else {
            guard j + 3 <= n, p[j] &- 0x30 <= 9, p[j + 1] &- 0x30 <= 9, p[j + 2] &- 0x30 <= 9, j + 3 == n || p[j + 3] == 0x20 else { return }
            if f.status == 0 { f.status = Words.status(p, j, j + 3) }
            i = j + 3
            token = 4
            guard f.status != 0 else { return }
            request.status = 3
            j += 4
        }
        // The latency: whole milliseconds ("178ms"), then a space or the end.
        var d = j
        var whole = 0
        while d < n, p[d] &- 0x30 <= 9 { whole = whole &* 10 &+ Int(p[d] &- 0x30); d += 1 }
        guard d > j, d - j <= 12, d + 2 <= n, p[d] == 0x6D, p[d + 1] == 0x73, d + 2 == n || p[d + 2] == 0x20 else { return }
        if f.latencyMicros < 0 { f.latencyMicros = whole &* 1000 }
        i = d + 2
        token = 5
    }
}
