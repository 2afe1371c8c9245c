import Foundation

/// The fix's commit message: the workflow's convention is `Fix: what it does` (the refusals that
/// ask for a commit say `git commit -m "Fix: …"`, and the report lists the fix's commits by subject).
public enum CommitMessage {
    public static let prefix = "Fix: "

    /// `text` as the commit's message: `Fix: ` added when missing (any case of `fix:` is made
    /// `Fix:`), spaces trimmed. Refused when nothing is said after the prefix, or when the subject
    /// line holds control characters (an escape sequence would reach every `git log`).
    public static func normalize(_ text: String) throws(HotfixError) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        var body = trimmed
        if body.lowercased().hasPrefix("fix:") { body = String(body.dropFirst(4)).trimmingCharacters(in: .whitespaces) }
        let subject = body.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        guard !subject.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw .usage("the commit message says nothing after 'Fix:'", untouched: "nothing was committed",
                         next: "say what the fix does, e.g. \"Fix: return 404 for an unknown user\"")
        }
        guard !subject.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw .usage("the commit message's first line holds a control character", untouched: "nothing was committed",
                         next: "type it again as plain text")
        }
        return prefix + body
    }
}

/// One path of `git status --porcelain=v1`: its two-letter code (index, work tree) and, for a
/// rename or copy, where it came from.
public struct StatusEntry: Sendable, Equatable, Codable {
    /// `M `, ` M`, `MM`, `A `, ` D`, `R `, `??`, `UU` …
    public var code: String
    public var path: String
    public var from: String?

    public init(code: String, path: String, from: String? = nil) {
        self.code = code; self.path = path; self.from = from
    }

    public var isUntracked: Bool { code == "??" }

    /// An unresolved merge conflict (`DD`, `AU`, `UD`, `UA`, `DU`, `AA`, `UU`).
    public var isUnmerged: Bool { code.contains("U") || code == "DD" || code == "AA" }

    /// The work tree differs from the index here: `git add` has something to stage.
    public var needsAdd: Bool { isUntracked || (code.count == 2 && code.last != " ") }

    /// What happened to the path, in words, for the plan.
    public var words: String {
        if isUntracked { return "new file" }
        let letters = Set(code.filter { $0 != " " })
        if letters.contains("D") { return "deleted" }
        if letters.contains("R") { return from.map { "renamed from \($0)" } ?? "renamed" }
        if letters.contains("A") || letters.contains("C") { return "new file" }
        return "modified"
    }
}

/// What committing the fix runs: every change in the work tree of the hotfix branch staged, then
/// one commit with the message. Nothing else is ever committed (the plan is shown first and, in
/// the console, checked again against the work tree just before it runs).
public struct CommitPlan: Sendable, Equatable {
    public var branch: String
    public var message: String
    public var entries: [StatusEntry]

    public init(branch: String, message: String, entries: [StatusEntry]) {
        self.branch = branch; self.message = message; self.entries = entries
    }

    /// The paths `git add` stages (already staged ones need nothing).
    public var addPaths: [String] { entries.filter(\.needsAdd).map(\.path) }

    /// The commands, in order, as they run (argv).
    public var commands: [[String]] {
        (addPaths.isEmpty ? [] : [["git", "add", "--"] + addPaths]) + [["git", "commit", "-m", message]]
    }

    /// The paths the commit holds (a rename's source too).
    public var paths: [String] { entries.flatMap { [$0.path] + ($0.from.map { [$0] } ?? []) } }
}
