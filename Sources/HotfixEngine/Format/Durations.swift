import Foundation

/// Human time formats used on screen, in the CLI and in reports.
public enum Durations {
    /// `4:12`, `27:03`, `1:02:09`; negative values are clamped to zero.
    public static func clock(_ seconds: TimeInterval) -> String {
        let s = max(0, Int(seconds.rounded(.down)))
        let h = s / 3600, m = (s % 3600) / 60, sec = s % 60
        return h > 0 ? String(format: "%d:%02d:%02d", h, m, sec) : String(format: "%d:%02d", m, sec)
    }

    /// Always with hours: `0:41:12`.
    public static func longClock(_ seconds: TimeInterval) -> String {
        let s = max(0, Int(seconds.rounded(.down)))
        return String(format: "%d:%02d:%02d", s / 3600, (s % 3600) / 60, s % 60)
    }

    /// `1 h 05 min`, `12 min`, `40 s`.
    public static func words(_ seconds: TimeInterval) -> String {
        let s = max(0, Int(seconds.rounded(.down)))
        if s < 60 { return "\(s) s" }
        let h = s / 3600, m = (s % 3600) / 60
        return h > 0 ? String(format: "%d h %02d min", h, m) : "\(m) min"
    }

    /// `2026-11-26T12:00:00.000Z`: the journal's timestamp format, rounded to the millisecond.
    public static func iso(_ date: Date) -> String {
        let ms = Int64((date.timeIntervalSince1970 * 1000).rounded())
        let whole = ms >= 0 ? ms / 1000 : (ms - 999) / 1000
        return utc(Int(whole)) + "." + padded(Int(ms - whole * 1000), 3) + "Z"
    }

    /// `2026-11-26T12:00:00Z`: whole seconds (the fraction dropped), as ISO8601DateFormatter
    /// writes by default.
    public static func isoSeconds(_ date: Date) -> String {
        utc(Int(date.timeIntervalSince1970.rounded(.down))) + "Z"
    }

    /// `2026-11-26T12:00:00` for seconds since 1970, by arithmetic (Calendar and TimeZone load
    /// the zone database, a few milliseconds at the start of every command that writes a time).
    static func utc(_ seconds: Int) -> String {
        let days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400
        let rest = seconds - days * 86400
        let (y, m, d) = civil(days)
        return padded(y, 4) + "-" + padded(m, 2) + "-" + padded(d, 2) + "T" + padded(rest / 3600, 2) + ":"
            + padded(rest / 60 % 60, 2) + ":" + padded(rest % 60, 2)
    }

    /// The proleptic Gregorian date of a day count since 1970-01-01 (Howard Hinnant's algorithm).
    static func civil(_ days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    private static func padded(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    /// `HH:MM` in UTC, as the post-mortem timeline uses.
    public static func hhmm(_ date: Date, timeZone: TimeZone = TimeZone(identifier: "UTC")!) -> String {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = timeZone
        let c = cal.dateComponents([.hour, .minute], from: date)
        return String(format: "%02d:%02d", c.hour ?? 0, c.minute ?? 0)
    }

    /// Parses `--detected`: an ISO 8601 time, or `15m ago` / `2h ago` / `90s ago` / `1h30m ago`.
    public static func parseWhen(_ raw: String, now: Date) throws(HotfixError) -> Date {
        let text = raw.trimmingCharacters(in: .whitespaces).lowercased()
        if text == "now" { return now }
        if text.hasSuffix("ago") {
            let amount = text.dropLast(3).replacingOccurrences(of: " ", with: "")
            if let seconds = parseSpan(amount), seconds >= 0 { return now - seconds }
        } else if let date = parseISO(raw.trimmingCharacters(in: .whitespaces)) {
            return date
        }
        throw HotfixError.usage("cannot read the time '\(Sanitize.inline(raw))': expected an ISO 8601 time (2026-11-26T09:40:00Z) or a span like '15m ago'")
    }

    /// `90s`, `15m`, `2h`, `1h30m`, `5m30s`; nil when unreadable.
    public static func parseSpan(_ text: String) -> TimeInterval? {
        guard !text.isEmpty else { return nil }
        var total = 0.0, number = "", sawUnit = false
        for ch in text {
            if ch.isNumber || ch == "." { number.append(ch); continue }
            guard let n = Double(number) else { return nil }
            switch ch {
            case "s": total += n
            case "m": total += n * 60
            case "h": total += n * 3600
            case "d": total += n * 86400
            default: return nil
            }
            number = ""; sawUnit = true
        }
        if !number.isEmpty {
            guard let n = Double(number), !sawUnit else { return nil }
            total += n * 60  // a bare number means minutes
        }
        return total
    }

    public static func parseISO(_ text: String) -> Date? {
        let full = ISO8601DateFormatter()
        full.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let d = full.date(from: text) { return d }
        let plain = ISO8601DateFormatter()
        plain.formatOptions = [.withInternetDateTime]
        return plain.date(from: text)
    }
}
