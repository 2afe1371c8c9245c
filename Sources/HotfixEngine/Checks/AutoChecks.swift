import Foundation

/// A line the fix adds, as `git diff -U0` shows it.
public struct AddedLine: Sendable, Equatable {
    public var path: String
    public var line: Int
    public var text: String

    public init(path: String, line: Int, text: String) { self.path = path; self.line = line; self.text = text }
}

/// One dependency manifest or lock file that differs between main and the hotfix branch.
public struct ManifestChange: Sendable, Equatable {
    public var path: String
    public var added: [String]
    public var removed: [String]

    public init(path: String, added: [String], removed: [String]) { self.path = path; self.added = added; self.removed = removed }
}

/// An automatic check's answer: passed, failed, or unknown (kept unchecked), with evidence.
public struct CheckOutcome: Sendable, Equatable {
    public enum Result: String, Sendable { case passed, failed, unknown }
    public var item: ChecklistItem
    public var result: Result
    public var evidence: String
    public var commit: String?

    public init(_ item: ChecklistItem, _ result: Result, _ evidence: String, commit: String? = nil) {
        self.item = item; self.result = result; self.evidence = evidence; self.commit = commit
    }

    /// The check event to record over `current`, or nil when nothing should change:
    /// a waived item stays waived; an unknown never erases a person's decision; repeats are dropped.
    public func record(over current: CheckEntry) -> Check? {
        if current.status == .waived { return nil }
        if result == .unknown, current.source == .manual, current.status != .unchecked { return nil }
        let status: CheckStatus = switch result {
        case .passed: .passed
        case .failed: .failed
        case .unknown: .unchecked
        }
        if current.source == .auto, current.status == status, current.evidence == evidence { return nil }
        return Check(item: item, status: status, evidence: evidence, source: .auto, commit: commit)
    }
}

/// The machine-checkable parts of the workflow's pre-deploy checklist, as pure functions.
public enum AutoChecks {
    // MARK: tests-pass

    /// Every expected test step's latest run passed, on `head` (the hotfix branch's commit).
    public static func testsPass(runs: [CommandRun], expected: [CommandStep], head: String?) -> CheckOutcome {
        var latest: [CommandStep: CommandRun] = [:]
        for r in runs { latest[r.step] = r }
        guard !expected.isEmpty else {
            return CheckOutcome(.testsPass, .unknown, "no test command configured or detected: set test.smoke / test.critical in .hotfix.yml")
        }
        let missing = expected.filter { latest[$0] == nil }
        if missing.count == expected.count {
            return CheckOutcome(.testsPass, .unknown, "no test run yet: run hotfix test")
        }
        var parts: [String] = []
        var failed = false
        for step in expected {
            guard let r = latest[step] else { parts.append("\(step): not run"); continue }
            var counts = ""
            if let p = r.passed { counts += ", \(p) passed" }
            if let f = r.failed, f > 0 { counts += ", \(f) failed" }
            parts.append("\(step): `\(r.argv.joined(separator: " "))` exit \(r.exitCode)\(counts)")
            if r.exitCode != 0 { failed = true }
        }
        let commits = Set(expected.compactMap { latest[$0]?.commit })
        let ranOn = commits.count == 1 ? commits.first : nil
        if failed { return CheckOutcome(.testsPass, .failed, parts.joined(separator: "; "), commit: ranOn) }
        if !missing.isEmpty { return CheckOutcome(.testsPass, .unknown, parts.joined(separator: "; ") + "; run hotfix test") }
        if let head, ranOn != head {
            let was = ranOn.map { String($0.prefix(10)) } ?? "several commits"
            return CheckOutcome(.testsPass, .unknown, "stale: tests ran on \(was), the branch is now at \(head.prefix(10)); run hotfix test again")
        }
        return CheckOutcome(.testsPass, .passed, parts.joined(separator: "; ") + (ranOn.map { " on \($0.prefix(10))" } ?? ""), commit: ranOn)
    }

    // MARK: no-new-deps

    static let lockFiles: Set<String> = [
        "Package.resolved", "poetry.lock", "package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml",
        "go.sum", "Cargo.lock", "Gemfile.lock", "Pipfile.lock", "uv.lock", "pdm.lock", "gradle.lockfile",
    ]

    public static func noNewDeps(_ changes: [ManifestChange]) -> CheckOutcome {
        guard !changes.isEmpty else { return CheckOutcome(.noNewDeps, .passed, "no manifest changed") }
        var added: [String] = [], bumped: [String] = [], locks: [String] = []
        for c in changes {
            let name = c.path.split(separator: "/").last.map(String.init) ?? c.path
            if lockFiles.contains(name) { locks.append(c.path); continue }
            let new = dependencyNames(c.path, c.added), old = Set(dependencyNames(c.path, c.removed))
            for n in new {
                if old.contains(n) { bumped.append("\(n) (\(c.path))") } else { added.append("\(n) (\(c.path))") }
            }
        }
        var parts: [String] = []
        if !added.isEmpty { parts.append("added: \(added.joined(separator: ", "))") }
        if !locks.isEmpty { parts.append("lock file changed: \(locks.joined(separator: ", "))") }
        if !bumped.isEmpty { parts.append("version changed: \(bumped.joined(separator: ", "))") }
        if added.isEmpty && locks.isEmpty {
            return CheckOutcome(.noNewDeps, .passed, parts.isEmpty ? "manifests touched, no dependency added (\(changes.map(\.path).joined(separator: ", ")))" : parts.joined(separator: "; "))
        }
        return CheckOutcome(.noNewDeps, .failed, parts.joined(separator: "; ") + " — rule: NO new dependencies")
    }

    /// Dependency names on manifest lines, by manifest kind.
    public static func dependencyNames(_ path: String, _ lines: [String]) -> [String] {
        let file = path.split(separator: "/").last.map(String.init) ?? path
        var out: [String] = []
        for raw in lines {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix("//") { continue }
            var name: String?
            if file.hasPrefix("requirements") || file == "Pipfile" {
                if line.hasPrefix("-") || line.hasPrefix("[") { continue }
                name = leadingName(line)
            } else if file == "pyproject.toml" {
                if line.hasPrefix("\"") || line.hasPrefix("'") { name = leadingName(String(line.dropFirst())) }
                else if let eq = line.firstIndex(of: "="), !["version", "python", "name", "description", "readme", "license", "requires-python"].contains(line[..<eq].trimmingCharacters(in: .whitespaces)) {
                    name = leadingName(String(line[..<eq]))
                }
            } else if file == "package.json" {
                let parts = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: CharacterSet(charactersIn: " \",")) }
                if parts.count == 2, let v = parts[1].first, v.isNumber || "^~*><=".contains(v) || parts[1].hasPrefix("npm:") || parts[1].hasPrefix("workspace:") {
                    name = parts[0]
                }
            } else if file == "go.mod" {
                let fields = line.replacingOccurrences(of: "require ", with: "").split(separator: " ")
                if fields.count >= 2, fields[1].hasPrefix("v"), !["module", "go", "toolchain"].contains(String(fields[0])) { name = String(fields[0]) }
            } else if file == "Cargo.toml" {
                if let eq = line.firstIndex(of: "="), !line.hasPrefix("[") {
                    let key = line[..<eq].trimmingCharacters(in: .whitespaces)
                    if !["name", "version", "edition", "authors", "description", "license"].contains(key) { name = key }
                }
            } else if file == "Gemfile" {
                if line.hasPrefix("gem ") { name = line.dropFirst(4).split(separator: ",").first?.trimmingCharacters(in: CharacterSet(charactersIn: " '\"")) }
            } else if file == "pom.xml" {
                if let r = line.range(of: "<artifactId>"), let e = line.range(of: "</artifactId>") { name = String(line[r.upperBound..<e.lowerBound]) }
            } else if file.hasPrefix("build.gradle") {
                for q in ["'", "\""] where line.contains(q) {
                    let parts = line.split(separator: Character(q))
                    if parts.count >= 2, parts[1].split(separator: ":").count >= 2 {
                        name = parts[1].split(separator: ":").prefix(2).joined(separator: ":")
                    }
                }
            } else if file == "Package.swift" {
                if let r = line.range(of: ".package(url:") ?? line.range(of: ".package(name:") {
                    let rest = line[r.upperBound...].split(separator: "\"")
                    if rest.count >= 2 {
                        name = rest[1].split(separator: "/").last.map { String($0).replacingOccurrences(of: ".git", with: "") }
                    }
                }
            }
            if let name, !name.isEmpty { out.append(name) }
        }
        return out
    }

    static func leadingName(_ text: String) -> String? {
        let name = text.prefix { $0.isLetter || $0.isNumber || "._-".contains($0) }
        return name.isEmpty ? nil : String(name).lowercased()
    }

    // MARK: logging-added

    /// Calls to a logger, per language; `logging_patterns` in .hotfix.yml replaces them.
    public static let defaultLoggingPatterns = [
        #"\blog(ger|ging)?\.(debug|info|warn|warning|error|exception|critical|fatal|trace|notice|log)\s*\("#,
        #"\blogger\.\w+\s*\("#,
        #"\bconsole\.(log|info|warn|error|debug)\s*\("#,
        #"\b(slog|zap|logrus|log)\.(Print|Printf|Println|Info|Warn|Error|Debug|Fatal)\w*\s*\("#,
        #"\b(debug|info|warn|error|trace)!\s*\("#,
        #"\b(os_log|NSLog)\s*\("#,
        #"\b(LOG|LOGGER|Log)\.\w+\s*\("#,
    ]

    /// Passes on the first added line that calls a logger. A line in a test file, or a comment,
    /// is not the fix logging anything: neither counts.
    public static func loggingAdded(_ added: [AddedLine], patterns: [String]) -> CheckOutcome {
        let regexes = patterns.compactMap { try? NSRegularExpression(pattern: $0) }
        for l in added where !isTestFile(l.path) && !isComment(l.text) {
            let range = NSRange(l.text.startIndex..., in: l.text)
            if regexes.contains(where: { $0.firstMatch(in: l.text, range: range) != nil }) {
                return CheckOutcome(.loggingAdded, .passed, "\(l.path):\(l.line): \(Sanitize.inline(l.text.trimmingCharacters(in: .whitespaces)))")
            }
        }
        if added.isEmpty { return CheckOutcome(.loggingAdded, .unknown, "no change on the hotfix branch yet") }
        return CheckOutcome(.loggingAdded, .failed, "no added line calls a logger (\(Set(added.map(\.path)).count) file(s) changed; "
                            + "tests and comments do not count): log what the fix handles, e.g. log.warning(…) — rule: logging of the fix")
    }

    /// A test file by the usual conventions: under test/, tests/, __tests__/ or spec/, or named
    /// test_*.py, *_test.go, *.test.ts, *.spec.js, *_spec.rb, *Test.java, *Tests.swift.
    static func isTestFile(_ path: String) -> Bool {
        let parts = path.split(separator: "/")
        if parts.dropLast().contains(where: { ["test", "tests", "__tests__", "spec", "specs", "testing"].contains($0.lowercased()) }) { return true }
        guard let name = parts.last else { return false }
        let stem = name.split(separator: ".").first.map(String.init) ?? String(name)
        if stem.hasPrefix("test_") || stem.hasSuffix("_test") || stem.hasSuffix("_spec") || stem.hasSuffix("Test") || stem.hasSuffix("Tests") { return true }
        return name.contains(".test.") || name.contains(".spec.")
    }

    /// A line that is only a comment (`#`, `//`, `/*`, `*`, `--`).
    static func isComment(_ text: String) -> Bool {
        let t = text.drop { $0 == " " || $0 == "\t" }
        return ["#", "//", "/*", "*", "--"].contains { t.hasPrefix($0) }
    }
}
