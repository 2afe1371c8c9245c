/// A Python function the fix touched — its `def` line or a decorator changed, or a line of its body
/// was added or removed — as Python's own parser sees it, with what its signature lacks.
public struct TouchedFunction: Sendable, Equatable, Codable {
    public var path: String
    /// Qualified as Python does: `get_user`, `UserService.get`, `outer.<locals>.inner`.
    public var name: String
    /// The `def` line.
    public var line: Int
    /// From the first decorator to the last line of the body.
    public var start: Int
    public var end: Int
    /// Parameters without a type (a method's `self`/`cls` never needs one).
    public var missing: [String]
    public var returnMissing: Bool

    public init(path: String, name: String, line: Int, start: Int? = nil, end: Int, missing: [String] = [], returnMissing: Bool = false) {
        self.path = path; self.name = name; self.line = line; self.start = start ?? line; self.end = end
        self.missing = missing; self.returnMissing = returnMissing
    }

    public var isAnnotated: Bool { missing.isEmpty && !returnMissing }

    public func contains(_ path: String, _ line: Int) -> Bool { path == self.path && (start...end).contains(line) }

    /// What the signature lacks: `no type for id, no return type` (empty when fully annotated).
    public var gaps: String {
        var what: [String] = []
        if !missing.isEmpty { what.append("no type for \(missing.joined(separator: ", "))") }
        if returnMissing { what.append("no return type") }
        return what.joined(separator: ", ")
    }

    /// `app/users.py:10 get_user(): no type for id, no return type`.
    var lacking: String { "\(path):\(line) \(name)(): \(gaps)" }
}

/// The functions a fix touched in its changed Python files, and the lines it changed.
public struct FunctionScan: Sendable, Equatable {
    public var functions: [TouchedFunction]
    /// Added or changed lines per file (new numbering): a checker's finding there is the fix's too.
    public var changedLines: [String: Set<Int>]
    /// Files the parser could not read, with why (or python3 missing): nothing can be judged then.
    public var problems: [String]

    public init(functions: [TouchedFunction] = [], changedLines: [String: Set<Int>] = [:], problems: [String] = []) {
        self.functions = functions; self.changedLines = changedLines; self.problems = problems
    }
}

/// A type checker's run over the changed files: its whole output, to be filtered to the fix.
public struct TypeCheckerRun: Sendable, Equatable {
    public var tool: String
    public var exitCode: Int32
    public var output: [String]
    /// The folder the checker ran in: pyright prints absolute paths.
    public var root: String

    public init(tool: String, exitCode: Int32, output: [String], root: String = "") {
        self.tool = tool; self.exitCode = exitCode; self.output = output; self.root = root
    }

    /// Exit 0 (clean) or 1 (findings); anything else is a crash or a usage error that says nothing about the code.
    public var answered: Bool { exitCode == 0 || exitCode == 1 }

    /// The errors it reported, with their file and line (notes, warnings and summaries left out).
    public var errors: [TypeFinding] { output.compactMap { TypeFinding(line: $0, root: root) } }
}

/// One error line of mypy (`path:line[:col]: error: …`) or pyright (`  /abs/path:line:col - error: …`).
public struct TypeFinding: Sendable, Equatable {
    public var path: String
    public var line: Int
    /// The line as printed, trimmed, paths relative to the repository.
    public var text: String

    public init?(line raw: String, root: String) {
        var text = raw.trimmingCharacters(in: .whitespaces)
        let prefix = root.isEmpty ? nil : (root.hasSuffix("/") ? root : root + "/")
        if let prefix, text.hasPrefix(prefix) { text.removeFirst(prefix.count) }
        let marker: Range<String.Index>
        if let mypy = text.range(of: ": error: ") { marker = mypy } else if let pyright = text.range(of: " - error: ") { marker = pyright } else { return nil }
        if let note = text.range(of: ": note: "), note.lowerBound < marker.lowerBound { return nil }
        let location = text[..<marker.lowerBound].split(separator: ":", omittingEmptySubsequences: false)
        // path:line or path:line:col (the path itself may hold a colon).
        guard location.count >= 2 else { return nil }
        let numbers = location.reversed().prefix { Int($0) != nil }.count
        guard numbers >= 1, numbers <= 2, let line = Int(location[location.count - numbers]) else { return nil }
        path = location.dropLast(numbers).joined(separator: ":")
        self.line = line
        self.text = text
    }
}

extension AutoChecks {
    /// How many findings or functions the evidence names before "and N more".
    static let shown = 3

    /// Judges what the fix touched: the functions of `scan` must be fully annotated (self/cls of a
    /// method excepted), and the checker's errors count only inside them or on changed lines;
    /// its findings elsewhere in the files are named as context, never as a failure.
    /// `noChecker` says why no checker ran, when none did.
    public static func typeHints(changedFiles: [String], scan: FunctionScan, checker: TypeCheckerRun?,
                                 noChecker: String = "no type checker installed") -> CheckOutcome {
        let python = changedFiles.filter { $0.hasSuffix(".py") || $0.hasSuffix(".pyi") }
        if python.isEmpty {
            let typed = changedFiles.compactMap { f in ProjectKind.staticallyTyped(f).map { "\($0) (\(f))" } }
            if !typed.isEmpty { return CheckOutcome(.typeHints, .passed, "statically typed: \(typed.joined(separator: ", "))") }
            return CheckOutcome(.typeHints, changedFiles.isEmpty ? .unknown : .passed,
                                changedFiles.isEmpty ? "no change on the hotfix branch yet" : "no Python or other source file changed")
        }
        if !scan.problems.isEmpty {
            return CheckOutcome(.typeHints, .unknown, "the changed functions cannot be found: \(scan.problems.prefix(shown).map(Sanitize.inline).joined(separator: "; ")); "
                                + "check them by hand (hotfix check type-hints --pass --evidence TEXT)")
        }
        let touched = scan.functions
        let untyped = touched.filter { !$0.isAnnotated }
        guard let checker, checker.answered else {
            if untyped.isEmpty {
                let why = checker.map { "\($0.tool) failed to run (exit \($0.exitCode))" } ?? noChecker
                return CheckOutcome(.typeHints, .passed, touched.isEmpty
                    ? "no Python function added or changed (\(python.joined(separator: ", ")))"
                    : "\(count(touched, "changed function")) fully annotated: \(names(touched)) (checked by hotfix; \(why))")
            }
            return CheckOutcome(.typeHints, .failed, more(untyped.map(\.lacking)) + " — rule: type hints required")
        }
        let errors = checker.errors.filter { python.contains($0.path) }
        let judged = errors.filter { e in
            touched.contains { $0.contains(e.path, e.line) } || (scan.changedLines[e.path]?.contains(e.line) ?? false)
        }
        let context = errors.filter { e in !judged.contains(e) }
        // A function the checker already named is not named twice.
        let unnamed = untyped.filter { f in !judged.contains { f.contains($0.path, $0.line) } }
        if judged.isEmpty && unnamed.isEmpty {
            let what = touched.isEmpty
                ? "the changed lines of \(python.joined(separator: ", ")); no function added or changed"
                : "the \(count(touched, "changed function")), fully annotated: \(names(touched))"
            var evidence = "\(checker.tool) passed on \(what)"
            if !context.isEmpty {
                evidence += "; not judged, outside the fix: \(count(context, "finding")) (\(more(context.map { clip($0.text) })))"
            }
            return CheckOutcome(.typeHints, .passed, evidence)
        }
        var parts = judged.map { clip($0.text) }
        parts += unnamed.map(\.lacking)
        return CheckOutcome(.typeHints, .failed, "\(checker.tool): " + more(parts) + " — rule: type hints required")
    }

    /// `get_user (app/users.py:10), UserService.get (app/users.py:31)`.
    static func names(_ functions: [TouchedFunction]) -> String {
        more(functions.map { "\($0.name) (\($0.path):\($0.line))" }, separator: ", ")
    }

    static func count<T>(_ items: [T], _ noun: String) -> String { "\(items.count) \(noun)\(items.count == 1 ? "" : "s")" }

    /// The first few, then "and N more".
    static func more(_ items: [String], separator: String = "; ") -> String {
        let head = items.prefix(shown).joined(separator: separator)
        return items.count > shown ? head + " and \(items.count - shown) more" : head
    }

    /// A checker's line, cut so the evidence stays short.
    static func clip(_ text: String) -> String {
        let clean = Sanitize.inline(text)
        return clean.count > 160 ? String(clean.prefix(159)) + "…" : clean
    }
}
