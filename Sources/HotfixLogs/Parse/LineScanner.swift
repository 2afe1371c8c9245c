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
