import Foundation
import HotfixEngine
import HotfixRuntime
import HotfixScreen
import Yams

/// Reads a theme file with Yams and hands the screen a `Theme`: every mistake is reported with
/// the file and the line it is on (the node's mark), and nothing of YAML reaches HotfixScreen.
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
enum ThemeReader {
    /// Parses `text`; `source` names the file in errors. Roles left out keep the built-in style.
    static func parse(_ text: String, source: String) throws(HotfixError) -> Theme {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            switch error {
            case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _):
                throw fail(source, nil, "YAML syntax error at column \(mark.column): \(problem)\(context.map { " \($0.text)" } ?? "")", line: mark.line)
            default:
                throw fail(source, nil, "YAML error: \(error)")
            }
        } catch {
            throw fail(source, nil, "\(error)")
        }
        guard let root, case .mapping(let top) = root else {
            throw fail(source, root, "expected name, palette and roles as keys of a mapping")
        }
        var reader = Reader(source: source)
        var name: String?
        var monochrome = false
        var styles: [Role: Style] = [:]
        for (keyNode, value) in top {
            switch try reader.key(keyNode) {
            case "name":
                name = try reader.scalar(value, "the theme's name")
            case "monochrome":
                monochrome = try reader.bool(value, "monochrome")
            case "palette":
                for (k, v) in try reader.section(value, "palette") {
                    let key = try reader.key(k)
                    reader.palette[key] = try reader.color(try reader.scalar(v, "palette entry '\(Sanitize.inline(key))'"), at: v)
                }
            case "roles":
                for (k, v) in try reader.section(value, "roles") {
                    let key = try reader.key(k)
                    guard let role = Role(rawValue: key) else {
                        throw fail(source, k, "unknown role '\(Sanitize.inline(key))': expected one of \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
                    }
                    styles[role] = try reader.style(v, role: key)
                }
            case let key:
                throw fail(source, keyNode, "unknown key '\(Sanitize.inline(key))': expected name, monochrome, palette or roles")
            }
        }
        guard let name, !name.isEmpty else {
            throw fail(source, nil, "the theme has no name: add 'name: NAME' at the top", line: 1)
        }
        return Theme(name: name, styles: styles, monochrome: monochrome)
    }

    static func fail(_ source: String, _ node: Node?, _ message: String, line: Int? = nil) -> HotfixError {
        let at = line ?? node?.mark?.line
        return HotfixError.usage("theme \(source)\(at.map { ", line \($0)" } ?? ""): \(message)", untouched: "nothing was changed",
                                 next: "fix that line, or pick another theme with --theme NAME|PATH")
    }

    /// The walk over one file: its palette so far, for colours named after it.
    struct Reader {
        let source: String
        var palette: [String: Color] = [:]

        func fail(_ node: Node, _ message: String) -> HotfixError { ThemeReader.fail(source, node, message) }

        func key(_ node: Node) throws(HotfixError) -> String {
            guard let key = node.scalar?.string, !key.isEmpty else { throw fail(node, "keys must be plain words") }
            return key
        }

        func scalar(_ node: Node, _ what: String) throws(HotfixError) -> String {
            guard let s = node.scalar?.string else { throw fail(node, "\(what) must be a single value") }
            return s
        }

        func bool(_ node: Node, _ what: String) throws(HotfixError) -> Bool {
            switch node.scalar?.string.lowercased() {
            case "true", "yes", "on": return true
            case "false", "no", "off": return false
            default: throw fail(node, "\(what) must be true or false, not '\(Sanitize.inline(node.scalar?.string ?? "a list or mapping"))'")
            }
        }

        /// `palette:` and `roles:` hold a mapping (or nothing).
        func section(_ node: Node, _ name: String) throws(HotfixError) -> [(Node, Node)] {
            switch node {
            case .mapping(let m): return Array(m)
            case .scalar(let s) where s.string.isEmpty: return []
            default: throw fail(node, "\(name) starts a section: put its entries on the next lines, indented")
            }
        }

        func color(_ raw: String, at node: Node) throws(HotfixError) -> Color {
            guard !raw.isEmpty else { throw fail(node, "a colour is missing (one beginning with # must be quoted: \"#rrggbb\")") }
            if let c = palette[raw] { return c }
            if let c = Color(parsing: raw) { return c }
            throw fail(node, "unknown colour '\(Sanitize.inline(raw))': expected a palette name, \"#rrggbb\", 0-255 or an ANSI name such as red or brightblue")
        }

        /// A bare colour (the foreground), nothing (the default style), or a mapping of style keys.
        func style(_ node: Node, role: String) throws(HotfixError) -> Style {
            var style = Style()
            switch node {
            case .scalar(let s):
                if !s.string.isEmpty { style.fg = try color(s.string, at: node) }
            case .mapping(let m):
                for (k, v) in m {
                    let key = try key(k)
                    switch key {
                    case "fg": style.fg = try color(try scalar(v, "fg"), at: v)
                    case "bg": style.bg = try color(try scalar(v, "bg"), at: v)
                    case "bold": style.bold = try bool(v, key)
                    case "underline": style.underline = try bool(v, key)
                    case "reverse": style.reverse = try bool(v, key)
                    case "dim": style.dim = try bool(v, key)
                    default:
                        throw fail(k, "unknown style key '\(Sanitize.inline(key))': expected fg, bg, bold, underline, reverse or dim")
                    }
                }
            default:
                throw fail(node, "the style of \(role) must be a colour or { fg: …, bg: …, bold: true }")
            }
            return style
        }
    }
}
