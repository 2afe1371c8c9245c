import Foundation
import HotfixEngine

/// Reads theme files: a small, strict subset of YAML, so the screen module needs no YAML library
/// and every mistake is reported with its line.
///
/// ```yaml
/// name: dark
/// palette:
///   fg: "#d0d0d0"
///   accent: cyan
/// roles:
///   normal: { fg: fg }
///   title:
///     fg: accent
///     bold: true
///   muted: brightblack        # a bare colour is the foreground
/// ```
public enum ThemeParser {
    static let flags = ["bold", "underline", "reverse", "dim"]

    /// Parses `text`; `source` names the file in errors. Roles left out keep the built-in style.
    public static func parse(_ text: String, source: String) throws(HotfixError) -> Theme {
        var name: String?
        var monochrome = false
        var palette: [String: Color] = [:]
        var styles: [Role: Style] = [:]
        var section: String?
        var currentRole: (role: Role, indent: Int)?

        func fail(_ line: Int, _ message: String) -> HotfixError {
            HotfixError.usage("theme \(source), line \(line): \(message)", untouched: "nothing was changed",
                              next: "fix that line, or pick another theme with --theme NAME|PATH")
        }
        func color(_ raw: String, line: Int) throws(HotfixError) -> Color {
            if let c = palette[raw] { return c }
            if let c = Color(parsing: raw) { return c }
            throw fail(line, "unknown colour '\(Sanitize.inline(raw))': expected a palette name, \"#rrggbb\", 0-255 or an ANSI name such as red or brightblue")
        }
        func apply(_ key: String, _ value: String, to style: inout Style, line: Int) throws(HotfixError) {
            switch key {
            case "fg": style.fg = try color(value, line: line)
            case "bg": style.bg = try color(value, line: line)
            case let k where flags.contains(k):
                guard let b = bool(value) else { throw fail(line, "\(k) must be true or false, not '\(Sanitize.inline(value))'") }
                switch k {
                case "bold": style.bold = b
                case "underline": style.underline = b
                case "reverse": style.reverse = b
                default: style.dim = b
                }
            default:
                throw fail(line, "unknown style key '\(Sanitize.inline(key))': expected fg, bg, bold, underline, reverse or dim")
            }
        }

        for (i, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let n = i + 1
            let line = stripComment(String(rawLine))
            if line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            if line.contains("\t") { throw fail(n, "tabs are not allowed for indentation; use spaces") }
            let indent = line.prefix { $0 == " " }.count
            guard let colon = line.firstIndex(of: ":") else {
                throw fail(n, "expected 'key: value', got '\(Sanitize.inline(line.trimmingCharacters(in: .whitespaces)))'")
            }
            let key = line[..<colon].trimmingCharacters(in: .whitespaces)
            let value = unquote(line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
            guard !key.isEmpty else { throw fail(n, "a key is missing before ':'") }

            if indent == 0 {
                section = nil; currentRole = nil
                switch key {
                case "name": name = value
                case "monochrome":
                    guard let b = bool(value) else { throw fail(n, "monochrome must be true or false") }
                    monochrome = b
                case "palette", "roles":
                    guard value.isEmpty else { throw fail(n, "\(key) starts a section: put its entries on the next lines, indented") }
                    section = key
                default:
                    throw fail(n, "unknown key '\(Sanitize.inline(key))': expected name, monochrome, palette or roles")
                }
                continue
            }
            switch section {
            case "palette":
                guard !value.isEmpty else { throw fail(n, "palette entry '\(Sanitize.inline(key))' has no colour") }
                palette[key] = try color(value, line: n)
            case "roles":
                if let current = currentRole, indent > current.indent {
                    var style = styles[current.role] ?? Style()
                    try apply(key, value, to: &style, line: n)
                    styles[current.role] = style
                    continue
                }
                guard let role = Role(rawValue: key) else {
                    throw fail(n, "unknown role '\(Sanitize.inline(key))': expected one of \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                var style = Style()
                if value.hasPrefix("{") {
                    guard value.hasSuffix("}") else { throw fail(n, "an inline style must end with '}'") }
                    for pair in value.dropFirst().dropLast().split(separator: ",") {
                        let parts = pair.split(separator: ":", maxSplits: 1).map { unquote($0.trimmingCharacters(in: .whitespaces)) }
                        guard parts.count == 2, !parts[0].isEmpty else {
                            throw fail(n, "expected 'key: value' inside { }, got '\(Sanitize.inline(String(pair)))'")
                        }
                        try apply(parts[0], parts[1], to: &style, line: n)
                    }
                } else if !value.isEmpty {
                    style.fg = try color(value, line: n)
                }
                styles[role] = style
                currentRole = (role, indent)
            default:
                throw fail(n, "indented line outside a section: put it under palette: or roles:")
            }
        }
        guard let name, !name.isEmpty else { throw fail(1, "the theme has no name: add 'name: NAME' at the top") }
        return Theme(name: name, styles: styles, monochrome: monochrome)
    }

    static func bool(_ s: String) -> Bool? {
        switch s.lowercased() {
        case "true", "yes", "on": true
        case "false", "no", "off": false
        default: nil
        }
    }

    static func unquote(_ s: String) -> String {
        if s.count >= 2, let f = s.first, f == s.last, f == "\"" || f == "'" { return String(s.dropFirst().dropLast()) }
        return s
    }

    /// Drops a `#` comment that is outside quotes and starts a line or follows a space.
    static func stripComment(_ line: String) -> String {
        var out = ""
        var quote: Character?
        var previous: Character = " "
        for ch in line {
            if let q = quote {
                if ch == q { quote = nil }
            } else if ch == "\"" || ch == "'" {
                quote = ch
            } else if ch == "#", previous == " " {
                break
            }
            out.append(ch)
            previous = ch
        }
        return out
    }
}
