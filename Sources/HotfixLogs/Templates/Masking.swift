/// Replaces the variable parts of a message before template mining: quoted values `<str>`,
/// UUIDs `<uuid>`, IPs (with port) `<ip>`, hex `<hex>`, numbers `<num>` (unit kept), path ids
/// `/users/<id>`, and any other token holding a digit `<*>`.
public enum Masking {
    public static func tokens(_ text: String) -> [String] {
        var out: [String] = []
        for raw in unquoted(text).split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }) {
            out.append(token(Substring(raw)))
            if out.count >= 64 { break }  // templates of very long messages are judged on their start
        }
        return out
    }

    /// Quoted spans become `<str>`: "…" anywhere, '…' when the quote opens a word.
    static func unquoted(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        var chars = Array(text)
        if chars.count > 4096 { chars = Array(chars[0..<4096]) }
        var i = 0
        while i < chars.count {
            let c = chars[i]
            let opens = (c == "\"" || c == "'" || c == "`") && (i == 0 || " =([{:,".contains(chars[i - 1]))
            if opens, let close = chars[(i + 1)...].firstIndex(of: c) {
                out += "<str>"
                i = close + 1
                continue
            }
            out.append(c)
            i += 1
        }
        return out
    }

    static func token(_ raw: Substring) -> String {
        // Keep surrounding punctuation: "(10.0.0.5:5432)," -> "(<ip>),".
        var core = raw
        var lead = "", trail = ""
        while let c = core.first, "([{<".contains(c), core.count > 1 { lead.append(c); core.removeFirst() }
        while let c = core.last, ")]}>,;.:".contains(c), core.count > 1 { trail = String(c) + trail; core.removeLast() }
        if core == "<str>" || core == "<*>" { return lead + core + trail }
        if let eq = core.firstIndex(of: "="), eq != core.startIndex {
            let value = core[core.index(after: eq)...]
            return lead + core[...eq] + (value.isEmpty ? "" : maskValue(value)) + trail
        }
        return lead + maskValue(core) + trail
    }

    static func maskValue(_ s: Substring) -> String {
        let u = Array(s.utf8)
        guard u.contains(where: { $0 >= 0x30 && $0 <= 0x39 }) || isHexWord(u) else { return String(s) }
        if isUUID(u) { return "<uuid>" }
        if isIP(u) { return "<ip>" }
        if u.count > 2 && u[0] == 0x30 && (u[1] == 0x78 || u[1] == 0x58) && u[2...].allSatisfy(isHex) { return "<hex>" }
        if let unit = numberUnit(u) { return "<num>" + unit }
        if isHexWord(u) { return "<hex>" }
        if u.contains(0x2F) {
            return s.split(separator: "/", omittingEmptySubsequences: false).map { seg in
                seg.utf8.contains(where: { $0 >= 0x30 && $0 <= 0x39 }) ? "<id>" : String(seg)
            }.joined(separator: "/")
        }
        return "<*>"
    }

    static func isHex(_ b: UInt8) -> Bool { (b >= 0x30 && b <= 0x39) || (b >= 0x61 && b <= 0x66) || (b >= 0x41 && b <= 0x46) }

    /// Eight or more hex digits with at least one digit (a commit, a trace id).
    static func isHexWord(_ u: [UInt8]) -> Bool {
        u.count >= 8 && u.allSatisfy(isHex) && u.contains(where: { $0 >= 0x30 && $0 <= 0x39 })
    }

    static func isUUID(_ u: [UInt8]) -> Bool {
        guard u.count == 36 else { return false }
        for (i, b) in u.enumerated() {
            if i == 8 || i == 13 || i == 18 || i == 23 { if b != 0x2D { return false } } else if !isHex(b) { return false }
        }
        return true
    }

    /// IPv4 with an optional port, or IPv6 (hex groups and colons).
    static func isIP(_ u: [UInt8]) -> Bool {
        let parts = u.split(separator: 0x3A, omittingEmptySubsequences: false)
        if let host = parts.first, parts.count <= 2 {
            let octets = host.split(separator: 0x2E, omittingEmptySubsequences: false)
            if octets.count == 4 && octets.allSatisfy({ !$0.isEmpty && $0.count <= 3 && $0.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } }) {
                return parts.count == 1 || parts[1].allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
            }
        }
        return parts.count >= 3 && u.allSatisfy { isHex($0) || $0 == 0x3A || $0 == 0x2E }
    }

    /// `12`, `-3.5`, `12ms`, `99%`, `4KB`: the unit after the number, or nil if not a number.
    static func numberUnit(_ u: [UInt8]) -> String? {
        var i = 0
        if i < u.count && (u[i] == 0x2D || u[i] == 0x2B) { i += 1 }
        let digitsStart = i
        while i < u.count && (u[i] >= 0x30 && u[i] <= 0x39 || u[i] == 0x2E || u[i] == 0x2C) { i += 1 }
        guard i > digitsStart else { return nil }
        let unit = u[i...]
        guard unit.count <= 3, unit.allSatisfy({ ($0 | 0x20) >= 0x61 && ($0 | 0x20) <= 0x7A || $0 == 0x25 || $0 >= 0x80 }) else { return nil }
        return String(decoding: unit, as: UTF8.self)
    }
}
