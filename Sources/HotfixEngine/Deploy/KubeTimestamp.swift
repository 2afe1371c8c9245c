import Foundation

/// The kubelet's `--timestamps` prefix, parsed exactly (to the nanosecond) for ordering and resume.
public struct KubeTimestamp: Sendable, Comparable, Hashable, CustomStringConvertible {
    public var seconds: Int
    public var nanos: Int

    public static func < (a: KubeTimestamp, b: KubeTimestamp) -> Bool { (a.seconds, a.nanos) < (b.seconds, b.nanos) }

    public var date: Date { Date(timeIntervalSince1970: Double(seconds) + Double(nanos) / 1e9) }

    /// RFC 3339 with nanoseconds, as `--since-time` takes it.
    public var description: String {
        var secs = time_t(seconds)
        var t = tm()
        gmtime_r(&secs, &t)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%09dZ", Int(t.tm_year) + 1900, Int(t.tm_mon) + 1, Int(t.tm_mday),
                      Int(t.tm_hour), Int(t.tm_min), Int(t.tm_sec), nanos)
    }

    public init(seconds: Int, nanos: Int) { self.seconds = seconds; self.nanos = nanos }

    public init(_ date: Date) {
        let whole = floor(date.timeIntervalSince1970)
        seconds = Int(whole)
        nanos = Int(((date.timeIntervalSince1970 - whole) * 1e9).rounded())
        if nanos >= 1_000_000_000 { seconds += 1; nanos -= 1_000_000_000 }
    }

    /// Splits `2026-11-26T10:41:02.123456789Z rest` into the timestamp and the rest.
    public static func split(_ line: String) -> (KubeTimestamp, String)? {
        guard let space = line.firstIndex(of: " ") else { return nil }
        guard let ts = parse(line[..<space]) else { return nil }
        return (ts, String(line[line.index(after: space)...]))
    }

    public static func parse(_ s: Substring) -> KubeTimestamp? {
        var s = s
        return s.withUTF8 { parse(UnsafeRawBufferPointer($0))?.0 }
    }

    /// Parses the timestamp at the start of `b` (RFC 3339, fraction and offset optional) and
    /// returns it with the number of bytes it took; by arithmetic, for the hot path of a log stream.
    public static func parse(_ b: UnsafeRawBufferPointer) -> (KubeTimestamp, Int)? {
        guard b.count >= 20, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"), b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: "t"),
              b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":") else { return nil }
        func num(_ from: Int, _ len: Int) -> Int? {
            var v = 0
            for i in from..<from + len {
                let d = b[i] &- 0x30
                guard d <= 9 else { return nil }
                v = v * 10 + Int(d)
            }
            return v
        }
        guard let y = num(0, 4), let mo = num(5, 2), let d = num(8, 2), let h = num(11, 2), let mi = num(14, 2), let se = num(17, 2),
              (1...12).contains(mo), (1...31).contains(d), h < 24, mi < 60, se < 61 else { return nil }
        var i = 19
        var nanos = 0
        if i < b.count && b[i] == UInt8(ascii: ".") {
            i += 1
            var digits = 0
            while i < b.count, b[i] &- 0x30 <= 9 {
                if digits < 9 { nanos = nanos * 10 + Int(b[i] - 0x30); digits += 1 }
                i += 1
            }
            while digits < 9 { nanos *= 10; digits += 1 }
        }
        var offset = 0
        if i < b.count && (b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-")) && i + 6 <= b.count && b[i + 3] == UInt8(ascii: ":") {
            guard let oh = num(i + 1, 2), let om = num(i + 4, 2) else { return nil }
            offset = (oh * 3600 + om * 60) * (b[i] == UInt8(ascii: "+") ? 1 : -1)
            i += 6
        } else if i < b.count && (b[i] == UInt8(ascii: "Z") || b[i] == UInt8(ascii: "z")) {
            i += 1
        } else {
            return nil
        }
        // Days from the civil date (proleptic Gregorian), as in Howard Hinnant's algorithm.
        let yy = mo <= 2 ? y - 1 : y
        let era = (yy >= 0 ? yy : yy - 399) / 400
        let yoe = yy - era * 400
        let doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        return (KubeTimestamp(seconds: days * 86_400 + h * 3600 + mi * 60 + se - offset, nanos: nanos), i)
    }

    /// The whole second, RFC 3339 (what an API server reads from `sinceTime`).
    public var wholeSecond: String {
        var secs = time_t(seconds)
        var t = tm()
        gmtime_r(&secs, &t)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", Int(t.tm_year) + 1900, Int(t.tm_mon) + 1, Int(t.tm_mday),
                      Int(t.tm_hour), Int(t.tm_min), Int(t.tm_sec))
    }

    /// Seconds since 1970.
    public var time: Double { Double(seconds) + Double(nanos) / 1e9 }
}
