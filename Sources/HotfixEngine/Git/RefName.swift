/// Git reference names as `git check-ref-format` accepts them, checked before anything reaches git.
public enum RefName {
    /// Why `name` is not a usable branch or tag name, or nil when it is.
    /// `allowGlob` lets `*` through, for backport patterns such as `feature/*`.
    public static func problem(_ name: String, allowGlob: Bool = false) -> String? {
        if name.isEmpty { return "it is empty" }
        if name.utf8.count > 200 { return "it is longer than 200 characters" }
        if name.hasPrefix("-") { return "it starts with '-'" }
        if name.hasPrefix("/") || name.hasSuffix("/") { return "it starts or ends with '/'" }
        if name.hasSuffix(".") { return "it ends with '.'" }
        if name == "@" { return "'@' alone is not a name" }
        if name.contains("..") { return "it contains '..'" }
        if name.contains("//") { return "it contains '//'" }
        if name.contains("@{") { return "it contains '@{'" }
        for scalar in name.unicodeScalars {
            let v = scalar.value
            if v < 0x21 || v == 0x7F { return "it contains a space or a control character" }
            if "~^:?[\\".unicodeScalars.contains(scalar) { return "it contains '\(scalar)'" }
            if scalar == "*", !allowGlob { return "it contains '*'" }
        }
        for component in name.split(separator: "/") {
            if component.hasPrefix(".") { return "a part starts with '.'" }
            if component.hasSuffix(".lock") { return "a part ends with '.lock'" }
        }
        return nil
    }

    /// True when `pattern` (where `*` matches any run of characters, `/` included) matches `name`.
    public static func matches(_ pattern: String, _ name: String) -> Bool {
        let p = Array(pattern.unicodeScalars), n = Array(name.unicodeScalars)
        var pi = 0, ni = 0, star = -1, mark = 0
        while ni < n.count {
            if pi < p.count, p[pi] != "*", p[pi] == n[ni] {
                pi += 1; ni += 1
            } else if pi < p.count, p[pi] == "*" {
                star = pi; mark = ni; pi += 1
            } else if star >= 0 {
                pi = star + 1; mark += 1; ni = mark
            } else {
                return false
            }
        }
        while pi < p.count, p[pi] == "*" { pi += 1 }
        return pi == p.count
    }
}
