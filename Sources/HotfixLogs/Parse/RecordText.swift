/// The slow path: strings for one entry (message, exception, pod), built only for entries that
/// need them (errors, the replay pane, tests).
enum RecordText {
    static func record(_ p: UnsafeRawBufferPointer, _ f: LineFields, exception: String? = nil, traceLines: Int = 0) -> LogRecord {
        var message = f.messageEscaped ? unescape(p, f.messageStart, f.messageEnd) : text(p, f.messageStart, f.messageEnd)
        message = trimmed(message)
        var exceptionText = exception
        if exceptionText == nil, f.errorEnd > f.errorStart {
            let raw = f.errorEscaped ? unescape(p, f.errorStart, f.errorEnd) : text(p, f.errorStart, f.errorEnd)
            exceptionText = summary(ofError: raw)
        }
        return LogRecord(
            pod: f.hasPod ? text(p, f.podStart, f.podEnd) : nil,
            container: f.containerEnd > f.containerStart ? text(p, f.containerStart, f.containerEnd) : nil,
            time: f.time.isNaN ? nil : f.time,
            level: f.level,
            status: f.status == 0 ? nil : f.status,
            latencyMs: f.latencyMicros < 0 ? nil : Double(f.latencyMicros) / 1000,
            message: message,
            exception: exceptionText.flatMap { $0.isEmpty ? nil : $0 },
            format: f.format,
            traceLines: traceLines)
    }

    static func text(_ p: UnsafeRawBufferPointer, _ s: Int, _ e: Int) -> String {
        guard e > s else { return "" }
        return String(decoding: UnsafeRawBufferPointer(rebasing: p[s..<e]), as: UTF8.self)
    }

    static func trimmed(_ s: String) -> String {
        var sub = Substring(s)
        while let c = sub.first, c == " " || c == "\t" { sub.removeFirst() }
        while let c = sub.last, c == " " || c == "\t" { sub.removeLast() }
        return String(sub)
    }

    /// An error field's one-line summary: the last line of a Python traceback, else the first line.
    static func summary(ofError raw: String) -> String {
        let lines = raw.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).map { trimmed(String($0)) }.filter { !$0.isEmpty }
        guard let first = lines.first else { return "" }
        return first.hasPrefix("Traceback") ? (lines.last ?? first) : first
    }

    /// A JSON (or logfmt-quoted) string's content with escapes resolved.
    static func unescape(_ p: UnsafeRawBufferPointer, _ s: Int, _ e: Int) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(e - s)
        var i = s
        while i < e {
            let b = p[i]
            guard b == 0x5C, i + 1 < e else { out.append(b); i += 1; continue }
            let c = p[i + 1]
            i += 2
            switch c {
            case 0x6E: out.append(0x0A)
            case 0x74: out.append(0x09)
            case 0x72: out.append(0x0D)
            case 0x62: out.append(0x08)
            case 0x66: out.append(0x0C)
            case 0x75:
                guard var scalar = hex4(p, i, e) else { out.append(0x75); continue }
                i += 4
                if (0xD800..<0xDC00).contains(scalar), i + 6 <= e, p[i] == 0x5C, p[i + 1] == 0x75,
                   let low = hex4(p, i + 2, e), (0xDC00..<0xE000).contains(low) {
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    i += 6
                }
                let u = Unicode.Scalar(scalar) ?? "\u{FFFD}"
                out.append(contentsOf: Array(String(Character(u)).utf8))
            default: out.append(c)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func hex4(_ p: UnsafeRawBufferPointer, _ s: Int, _ e: Int) -> UInt32? {
        guard s + 4 <= e else { return nil }
        var v: UInt32 = 0
        for k in s..<(s + 4) {
            let b = p[k]
            let d: UInt32
            switch b {
            case 0x30...0x39: d = UInt32(b - 0x30)
            case 0x61...0x66: d = UInt32(b - 0x61 + 10)
            case 0x41...0x46: d = UInt32(b - 0x41 + 10)
            default: return nil
            }
            v = v << 4 | d
        }
        return v
    }
}
