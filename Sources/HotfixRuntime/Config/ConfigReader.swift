import Foundation
import HotfixEngine
import Yams

/// Walks the YAML tree against the known keys, with the file and line in every error.
struct ConfigReader {
    let file: String

    func fail(_ node: Node, _ path: String, _ message: String) -> HotfixError {
        let line = node.mark.map { "line \($0.line)" } ?? "line ?"
        return HotfixError.usage("\(file): \(line): \(path): \(message)", untouched: "nothing was written",
                                 next: "fix \(path) in \(file); hotfix init --print shows every key with its default")
    }

    func mapping(_ node: Node, _ path: String, keys: [String]) throws(HotfixError) -> [(String, Node)] {
        guard case .mapping(let map) = node else {
            throw fail(node, path, "expected a mapping of keys (\(keys.joined(separator: ", ")))")
        }
        var out: [(String, Node)] = []
        for (k, v) in map {
            guard let key = k.string else { throw fail(k, path, "keys must be plain text") }
            guard keys.contains(key) else {
                throw fail(k, path.isEmpty ? key : "\(path).\(key)", "unknown key '\(Sanitize.inline(key))'; expected one of: \(keys.joined(separator: ", "))")
            }
            out.append((key, v))
        }
        return out
    }

    func string(_ node: Node, _ path: String) throws(HotfixError) -> String {
        guard case .scalar(let s) = node else { throw fail(node, path, "expected text") }
        return s.string
    }

    func name(_ node: Node, _ path: String) throws(HotfixError) -> String {
        let s = try string(node, path)
        guard GitNames.isValid(s) else {
            throw fail(node, path, "'\(Sanitize.inline(s))' is not a valid git name: letters, digits, '.', '_', '-', '/', '*' and {id}; no spaces, '..' or leading '-'")
        }
        return s
    }

    func int(_ node: Node, _ path: String, _ range: ClosedRange<Int>) throws(HotfixError) -> Int {
        guard case .scalar(let s) = node, let v = Int(s.string), range.contains(v) else {
            throw fail(node, path, "expected a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return v
    }

    func bool(_ node: Node, _ path: String) throws(HotfixError) -> Bool {
        guard case .scalar(let s) = node else { throw fail(node, path, "expected true or false") }
        switch s.string.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw fail(node, path, "expected true or false")
        }
    }

    /// A span in seconds: `300`, `5m`, `30s`, `1m30s`.
    func seconds(_ node: Node, _ path: String) throws(HotfixError) -> Double {
        guard case .scalar(let s) = node else { throw fail(node, path, "expected a duration like 5m or 30s") }
        let text = s.string.trimmingCharacters(in: .whitespaces)
        if let n = Double(text), n > 0 { return n }
        guard let v = Durations.parseSpan(text), v > 0 else { throw fail(node, path, "expected a duration like 5m or 30s") }
        return v
    }

    /// argv as a YAML list of strings, e.g. `[pytest, tests/unit, -v]`; never a shell string.
    func argv(_ node: Node, _ path: String, allowEmpty: Bool = true) throws(HotfixError) -> [String] {
        guard case .sequence(let seq) = node else {
            throw fail(node, path, "expected a command as a list of arguments, e.g. [pytest, tests/unit, -v] (commands never go through a shell)")
        }
        var out: [String] = []
        for item in seq {
            guard case .scalar(let s) = item else { throw fail(item, path, "every argument must be text") }
            out.append(s.string)
        }
        if !allowEmpty, out.isEmpty { throw fail(node, path, "the command is empty") }
        return out
    }

    func strings(_ node: Node, _ path: String) throws(HotfixError) -> [String] {
        try argv(node, path)
    }

    /// Minutes: `5`, `30-60`, or `[30, 60]`.
    func budget(_ node: Node, _ path: String) throws(HotfixError) -> Budget {
        let expected = "expected minutes as a number (5) or a target-limit range (30-60)"
        var parts: [Double]
        switch node {
        case .scalar(let s):
            parts = s.string.replacingOccurrences(of: "–", with: "-").split(separator: "-").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
            if parts.count != s.string.split(separator: "-").count { throw fail(node, path, expected) }
        case .sequence(let seq):
            parts = seq.compactMap { $0.scalar.flatMap { Double($0.string) } }
            if parts.count != seq.count { throw fail(node, path, expected) }
        default:
            throw fail(node, path, expected)
        }
        guard (1...2).contains(parts.count), parts.allSatisfy({ $0 > 0 && $0 <= 24 * 60 }) else { throw fail(node, path, expected) }
        if parts.count == 2, parts[1] < parts[0] { throw fail(node, path, "the limit is below the target") }
        return .minutes(parts[0], parts.count == 2 ? parts[1] : nil)
    }

    func read(_ root: Node, into c: inout HotfixConfig) throws(HotfixError) {
        let sections = ["budgets", "git", "test", "checks", "deploy", "logs", "telegram", "github", "report", "theme"]
        for (key, node) in try mapping(root, "", keys: sections) {
            switch key {
            case "budgets":
                let names = Phase.allCases.map(\.rawValue) + ["total"]
                for (k, v) in try mapping(node, "budgets", keys: names) {
                    if k == "total" {
                        c.budgets.total = try budget(v, "budgets.total").target
                    } else if let p = Phase(rawValue: k) {
                        c.budgets.phases[p] = try budget(v, "budgets.\(k)")
                    }
                }
            case "git":
                for (k, v) in try mapping(node, "git", keys: ["remote", "main", "develop", "branch", "tag", "backport", "large_diff"]) {
                    let p = "git.\(k)"
                    switch k {
                    case "remote": c.git.remote = try name(v, p)
                    case "main": c.git.main = try name(v, p)
                    case "develop": c.git.develop = try name(v, p)
                    case "branch": c.git.branch = try name(v, p)
                    case "tag": c.git.tag = try name(v, p)
                    case "backport":
                        guard case .sequence(let seq) = v else { throw fail(v, p, "expected a list of branch patterns, e.g. [feature/*, release/*]") }
                        c.git.backport = try seq.map { item throws(HotfixError) in try name(item, p) }
                    default: c.git.largeDiff = try int(v, p, 1...1_000_000)
                    }
                }
            case "test":
                for (k, v) in try mapping(node, "test", keys: ["smoke", "critical", "manual", "timeout"]) {
                    let p = "test.\(k)"
                    switch k {
                    case "smoke": c.test.smoke = try argv(v, p)
                    case "critical": c.test.critical = try argv(v, p)
                    case "manual": c.test.manual = try argv(v, p)
                    default: c.test.timeout = try seconds(v, p)
                    }
                }
            case "checks":
                for (k, v) in try mapping(node, "checks", keys: ["type_checker", "logging_patterns"]) {
                    let p = "checks.\(k)"
                    if k == "type_checker" {
                        let tool = try string(v, p)
                        guard ["auto", "mypy", "pyright", "none"].contains(tool) else { throw fail(v, p, "expected auto, mypy, pyright or none") }
                        c.checks.typeChecker = tool
                    } else {
                        let patterns = try strings(v, p)
                        for pattern in patterns where (try? NSRegularExpression(pattern: pattern)) == nil {
                            throw fail(v, p, "'\(Sanitize.inline(pattern))' is not a valid regular expression")
                        }
                        c.checks.loggingPatterns = patterns
                    }
                }
            case "deploy":
                try readDeploy(node, git: c.git, into: &c.deploy)
            case "logs":
                for (k, v) in try mapping(node, "logs", keys: ["history", "line_cap"]) {
                    if k == "history" { c.logs.history = try int(v, "logs.history", 100...10_000_000) }
                    else { c.logs.lineCap = try int(v, "logs.line_cap", 256...16 * 1024 * 1024) }
                }
            case "telegram":
                for (k, v) in try mapping(node, "telegram", keys: ["token_env", "chat_env", "base_url", "attempts", "templates"]) {
                    let p = "telegram.\(k)"
                    switch k {
                    case "token_env": c.telegram.tokenEnv = try string(v, p)
                    case "chat_env": c.telegram.chatEnv = try string(v, p)
                    case "attempts": c.telegram.attempts = try int(v, p, 1...10)
                    case "templates":
                        for (kind, t) in try mapping(v, p, keys: ["started", "deployed", "verdict", "complete"]) {
                            c.telegram.templates[kind] = try string(t, "\(p).\(kind)")
                        }
                    default:
                        let url = try string(v, p)
                        guard url.hasPrefix("https://") || url.hasPrefix("http://") else {
                            throw fail(v, p, "expected an http(s) URL such as https://api.telegram.org")
                        }
                        c.telegram.baseURL = url
                    }
                }
            case "github":
                for (k, v) in try mapping(node, "github", keys: ["comment_on", "comment"]) {
                    let p = "github.\(k)"
                    if k == "comment" { c.github.comment = try string(v, p); continue }
                    c.github.commentOn = try strings(v, p).map { raw throws(HotfixError) in
                        guard let phase = Phase(rawValue: raw) else {
                            throw fail(v, p, "'\(Sanitize.inline(raw))' is not a phase; expected some of \(Phase.allCases.map(\.rawValue).joined(separator: ", "))")
                        }
                        return phase
                    }
                }
            case "report":
                for (_, v) in try mapping(node, "report", keys: ["dir"]) { c.report.dir = try string(v, "report.dir") }
            default:
                c.theme = try string(node, "theme")
            }
        }
    }
}

/// Branch, tag and remote names safe to hand to git.
public enum GitNames {
    public static func isValid(_ name: String) -> Bool {
        guard !name.isEmpty, name.count <= 200, !name.hasPrefix("-"), !name.hasPrefix("/"), !name.hasSuffix("/"),
              !name.hasSuffix(".lock"), !name.contains(".."), !name.contains("//"), !name.contains("@{") else { return false }
        return name.unicodeScalars.allSatisfy { s in
            (s.value >= 0x30 && s.value <= 0x39) || (s.value >= 0x41 && s.value <= 0x5A) || (s.value >= 0x61 && s.value <= 0x7A)
                || "._-/*{}".unicodeScalars.contains(s)
        }
    }
}
