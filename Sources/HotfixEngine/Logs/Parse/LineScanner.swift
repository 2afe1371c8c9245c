/// What one line holds, as offsets into its bytes: found without allocating, for the hot path.
struct LineFields {
    var podStart = 0, podEnd = 0
    var containerStart = 0, containerEnd = 0
    /// Where the application's text starts (after the kubectl prefix and timestamp).
    var bodyStart = 0
    /// The line's end without a trailing CR.
    var end = 0
    /// Seconds since 1970, or NaN.
    var time = Double.nan
    var level = LogLevel.unknown
    var status = 0
    var latencyMicros = -1
    var format = LogFormat.plain
    /// The message (plain: after the app's timestamp and level; JSON/logfmt: the raw `msg` value).
    var messageStart = 0, messageEnd = 0
    var messageEscaped = false
    /// A JSON or logfmt `error`/`exception` value, raw.
    var errorStart = 0, errorEnd = 0
    var errorEscaped = false

    var hasPod: Bool {
        @inline(__always) get { podEnd > podStart }
    }
    var isError: Bool {
        @inline(__always) get { LogRecord.isError(level: level, status: status) }
    }
}

/// Where a request line's method and status were found, as token indexes (-1: not seen). A bare
/// duration (`12ms`) is a latency only right after the request's path or its status, never from
/// prose such as "timeout after 5000ms" or "retry in 300ms".
struct RequestTokens {
    var method = -1
    var status = -1

    var seenMethod: Bool {
        @inline(__always) get { method >= 0 }
    }

    /// Whether a duration at `token` sits where a request line puts its latency.
    @inline(__always)
    func isLatency(at token: Int) -> Bool {
        method >= 0 && (token == method &+ 2 || (status >= 0 && token == status &+ 1))
    }
}

/// Scans kubectl-prefixed lines: `[pod/NAME/CONTAINER] `, an optional RFC 3339 timestamp,
/// then plain text, logfmt or JSON.
struct LineScanner {
    var timestamps = TimestampCache()
    /// Whether the request-line shortcut runs (tests compare it with the general loop).
    var prelude = true

    init() {}

    /// Fills `f` from the line `p[0..<n]` (no line break).
    @inline(__always)
    mutating func scan(_ p: UnsafeRawBufferPointer, _ n0: Int, into f: inout LineFields) {
        var n = n0
        if n > 0 && p[n - 1] == 0x0D { n -= 1 }
        f = LineFields()
        f.end = n
        var i = 0
        // [pod/NAME/CONTAINER]
        if n > 6 && p[0] == 0x5B && p[1] == 0x70 && p[2] == 0x6F && p[3] == 0x64 && p[4] == 0x2F {
            // Pod and container names hold neither '/' nor ']'.
            let k = Words.find(0x5D, p, 5, n)
            var j = k
            while j > 5 && p[j - 1] != 0x2F { j -= 1 }
            j -= 1
            if k < n && j > 5 {
                f.podStart = 5; f.podEnd = j
                f.containerStart = j + 1; f.containerEnd = k
                i = k + 1
                if i < n && p[i] == 0x20 { i += 1 }
            }
        }
        scanAfterPrefix(p, i, n, into: &f)
    }

    /// For speed, the usual line after its prefix in one pass: kubectl's timestamp in the cached
    /// minute, then `LEVEL METHOD /path STATUS 12ms` and nothing more. Fills `f` as
    /// `scanAfterPrefix` would and returns true; returns false with `f` as it came for any
    /// other line (then `scanAfterPrefix` reads it).
    @inline(__always)
    mutating func scanRequestLine(_ p: UnsafeRawBufferPointer, _ i0: Int, _ n: Int, into f: inout LineFields) -> Bool {
        guard let (t, after) = timestamps.parseCached(p, i0, n), after < n, Words.byte(p, after) == 0x20 else { return false }
        var i = after + 1
        var token = 0
        var request = RequestTokens()
        requestPrelude(p, &i, n, &f, &token, &request)
        guard token == 5 && i == n else {
            // What the prelude wrote goes back to how it came.
            f.level = .unknown; f.status = 0; f.latencyMicros = -1; f.messageStart = 0
            return false
        }
        f.time = t
        f.bodyStart = after + 1
        f.messageEnd = n
        return true
    }

    /// Fills `f` from `p[i..<n]`, the line after its `[pod/NAME/CONTAINER] ` prefix (whose
    /// fields `f` already holds, with `end`).
    @inline(__always)
    mutating func scanAfterPrefix(_ p: UnsafeRawBufferPointer, _ i0: Int, _ n: Int, into f: inout LineFields) {
        var i = i0
        // kubectl --timestamps
        if n - i >= 20 && Words.byte(p, i) &- 0x30 <= 9, let (t, after) = timestamps.parse(p, i, n) {
            f.time = t
            i = after
            if i < n && Words.byte(p, i) == 0x20 { i += 1 }
        }
        scanApplication(p, i, n, into: &f)
    }

    /// Fills `f` from a line's application text alone (no kubectl prefix, no kubectl timestamp):
    /// what a log stream delivers, its pod and time already known.
    @inline(__always)
    mutating func scanBody(_ p: UnsafeRawBufferPointer, _ n0: Int, time: Double, into f: inout LineFields) {
        var n = n0
        if n > 0 && p[n - 1] == 0x0D { n -= 1 }
        f = LineFields()
        f.end = n
        f.time = time
        scanApplication(p, 0, n, into: &f)
    }

    /// Fills `f` from `p[i..<n]`, the application's own text (plain, logfmt or JSON).
    @inline(__always)
    mutating func scanApplication(_ p: UnsafeRawBufferPointer, _ i: Int, _ n: Int, into f: inout LineFields) {
        f.bodyStart = i
        f.messageStart = i; f.messageEnd = n
        guard i < n else { return }
        if Words.byte(p, i) == 0x7B {
            f.format = .json
            f.messageEnd = i
            JSONFields.scan(p, i, n, &f, &timestamps)
        } else {
            scanText(p, i, n, &f)
        }
    }

    /// Plain text and logfmt share one tokenizer: `key=value` tokens are fields, other tokens
    /// may be a level word, an HTTP method, a status after the method, or a duration right after
    /// the request's path or status (a latency; a duration anywhere else is prose).
    @inline(__always)
    private mutating func scanText(_ p: UnsafeRawBufferPointer, _ start: Int, _ n: Int, _ f: inout LineFields) {
        var i = start
        // An application timestamp at the start of the line ("2026-11-26 10:41:02,123 ERROR ...").
        if n - i >= 19 && p[i] >= 0x30 && p[i] <= 0x39 && p[i + 4] == 0x2D, let (t, after) = timestamps.parse(p, i, n) {
            if f.time.isNaN { f.time = t }
            i = after
            while i < n && p[i] == 0x20 { i += 1 }
            f.messageStart = i
        }
        var token = 0
        var request = RequestTokens()
        var logfmtMessage = false
        if prelude { requestPrelude(p, &i, n, &f, &token, &request) }
        while i < n {
            while i < n && (p[i] == 0x20 || p[i] == 0x09) { i += 1 }
            if i >= n { break }
            let s = i
            let c = p[s]
            i = Words.find(0x20, p, i, n)
            let e = i
            if c &- 0x30 <= 9 {
                if e - s == 3 && p[e - 1] != 0x73 {
                    // Three characters not ending in 's' may be a status ("5ms" is a latency).
                    if request.seenMethod && f.status == 0 {
                        f.status = Words.status(p, s, e)
                        if f.status != 0 { request.status = token }
                    }
                } else if f.latencyMicros < 0 && (p[e - 1] == 0x73) && request.isLatency(at: token) {
                    f.latencyMicros = Words.durationMicrosInline(p, s, e, unit: .ms)
                }
            } else if (c | 0x20) &- 0x61 < 26 || c == 0x5B || c == 0x22 {
                // For speed: a short word starting with a letter is loaded once, and that one
                // load answers "holds '='?", "a level?" and "an HTTP method?".
                let short = c != 0x5B && c != 0x22 && e - s <= 8
                let v = short ? Words.pack(p, s, e, fold: false) : 0
                var eq = -1
                if c != 0x5B && c != 0x22 && (!short || Words.has(0x3D, in: v)) {
                    let j = Words.find(0x3D, p, s + 1, e)
                    if j < e { eq = j }
                }
                if eq > 0 {
                    if token == 0 { f.format = .logfmt }
                    var vs = eq + 1, ve = e
                    var quoted = false
                    if vs < n && p[vs] == 0x22 {
                        var j = vs + 1
                        while j < n && p[j] != 0x22 { if p[j] == 0x5C { j += 1 }; j += 1 }
                        vs += 1; ve = min(j, n); quoted = true
                        i = min(j + 1, n)
                    }
                    if keyValue(p, s, eq, vs, ve, quoted, &f) { logfmtMessage = true }
                } else if short && !Words.has(0x3A, in: v) && !Words.has(0x5D, in: v) {
                    // A short plain word.
                    if f.level == .unknown, let level = Words.level(packed: v, anyCase: token < 3) {
                        f.level = level
                        if token < 3 && !logfmtMessage {
                            var m = e
                            while m < n && p[m] == 0x20 { m += 1 }
                            f.messageStart = m
                        }
                    }
                    if !request.seenMethod && f.status == 0 && Words.isMethod(packed: v) { request.method = token }
                } else {
                    if f.level == .unknown, let level = Words.level(p, s, e, anyCase: token < 3) {
                        f.level = level
                        if token < 3 && !logfmtMessage {
                            // The message follows the level word and its closing ']' or ':'.
                            var m = c == 0x5B ? s + 1 : s
                            while m < e && (p[m] | 0x20) &- 0x61 < 26 { m += 1 }
                            while m < n && (p[m] == 0x5D || p[m] == 0x3A || p[m] == 0x20) { m += 1 }
                            f.messageStart = m
                        }
                    }
                    if !request.seenMethod && f.status == 0 && e - s <= 8 && Words.isMethod(p, s, e) { request.method = token }
                }
            }
            token += 1
        }
    }

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

    /// One logfmt `key=value`; true when it was the message.
    private mutating func keyValue(_ p: UnsafeRawBufferPointer, _ ks: Int, _ ke: Int, _ vs: Int, _ ve: Int,
                                   _ quoted: Bool, _ f: inout LineFields) -> Bool {
        switch Words.key(p, ks, ke) {
        case .level:
            if let level = Words.level(p, vs, ve, anyCase: true) { f.level = level }
        case .status:
            if f.status == 0 { f.status = Words.status(p, vs, ve) }
        case .latency(let unit):
            if f.latencyMicros < 0 { f.latencyMicros = Words.durationMicros(p, vs, ve, unit: unit) }
        case .time:
            if f.time.isNaN, let (t, _) = timestamps.parse(p, vs, ve) { f.time = t }
        case .message:
            f.messageStart = vs; f.messageEnd = ve; f.messageEscaped = quoted
            return true
        case .error:
            f.errorStart = vs; f.errorEnd = ve; f.errorEscaped = quoted
        case .http, .other:
            break
        }
        return false
    }
}
