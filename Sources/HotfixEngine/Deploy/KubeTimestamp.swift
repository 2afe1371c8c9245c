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
        let b = Array(s.utf8)
        guard b.count >= 20, b[4] == UInt8(ascii: "-"), b[10] == UInt8(ascii: "T") else { return nil }
        func num(_ from: Int, _ len: Int) -> Int? {
            var v = 0
            for i in from..<from + len { guard b[i] >= 0x30 && b[i] <= 0x39 else { return nil }; v = v * 10 + Int(b[i] - 0x30) }
            return v
        }
        guard let y = num(0, 4), let mo = num(5, 2), let d = num(8, 2), let h = num(11, 2), let mi = num(14, 2), let se = num(17, 2) else { return nil }
        var i = 19
        var nanos = 0
        if i < b.count && b[i] == UInt8(ascii: ".") {
            i += 1
            var digits = 0
            while i < b.count, b[i] >= 0x30, b[i] <= 0x39 {
                if digits < 9 { nanos = nanos * 10 + Int(b[i] - 0x30); digits += 1 }
                i += 1
            }
            while digits < 9 { nanos *= 10; digits += 1 }
        }
        var offset = 0
        if i < b.count && (b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-")) && i + 6 <= b.count {
            guard let oh = num(i + 1, 2), let om = num(i + 4, 2) else { return nil }
            offset = (oh * 3600 + om * 60) * (b[i] == UInt8(ascii: "+") ? 1 : -1)
        } else if !(i < b.count && b[i] == UInt8(ascii: "Z")) {
            return nil
        }
        var t = tm()
        t.tm_year = Int32(y - 1900); t.tm_mon = Int32(mo - 1); t.tm_mday = Int32(d)
        t.tm_hour = Int32(h); t.tm_min = Int32(mi); t.tm_sec = Int32(se)
        return KubeTimestamp(seconds: Int(timegm(&t)) - offset, nanos: nanos)
    }
}
