import Foundation

/// What the hotfix branch holds when a person wants to leave FIX: its commits that main does not
/// have and the changes not committed yet. The runtime reads it from git and hands it to the
/// guardrails (the engine reads no repository).
public struct FixProgress: Sendable, Equatable, Codable {
    /// The hotfix branch, e.g. `hotfix/001-api-500`.
    public var branch: String
    /// The mainline the branch is compared with.
    public var main: String
    public var branchExists: Bool
    /// Commits on the branch that main does not have, newest first, as `abbrev subject` (at most `shownCommits`).
    public var commits: [String]
    /// Paths with staged, unstaged or untracked changes in the work tree (`dir/` for an untracked folder).
    public var uncommitted: [String]
    /// The branch checked out in the work tree; nil on a detached HEAD.
    public var checkedOut: String?
    /// Why git could not answer (main missing, git failed); the guardrail then refuses with it.
    public var problem: String?
    /// The files and lines changed against main so far (the work tree's edits included when the
    /// branch is checked out), with the minimal-change warnings; nil when not read (the guardrail
    /// needs only the commits: the console's FIX pane asks for this too).
    public var changes: DiffReview?

    /// The most commits kept: one is enough to judge, a few are enough to show.
    public static let shownCommits = 20

    public init(branch: String, main: String, branchExists: Bool = true, commits: [String] = [], uncommitted: [String] = [],
                checkedOut: String? = nil, problem: String? = nil, changes: DiffReview? = nil) {
        self.branch = branch; self.main = main; self.branchExists = branchExists; self.commits = commits
        self.uncommitted = uncommitted; self.checkedOut = checkedOut; self.problem = problem; self.changes = changes
    }

    public var onBranch: Bool { checkedOut == branch }
}

extension Assessment {
    /// Words of the answers that may name a file of the repository (`app/users.py`,
    /// `users.py:41`), for the console's editor to offer; whether they exist is for the caller to
    /// check. URL paths (`/users/{id}`) and dotted names without a file extension are left out.
    public var mentionedPaths: [String] {
        let text = [broken, impact, hypothesis].compactMap { $0 }.joined(separator: " ")
        var out: [String] = []
        let separators = CharacterSet.whitespacesAndNewlines.union(CharacterSet(charactersIn: ",;()[]\"'`<>"))
        for raw in text.components(separatedBy: separators) {
            var word = raw.trimmingCharacters(in: CharacterSet(charactersIn: ".:!?"))
            // `users.py:41` names the file at a line.
            if let colon = word.firstIndex(of: ":"), word[word.index(after: colon)...].allSatisfy(\.isNumber) {
                word = String(word[..<colon])
            }
            guard !word.isEmpty, !word.hasPrefix("/"), !word.contains("://"), !word.contains("{"), !word.contains(":") else { continue }
            let name = word.split(separator: "/").last.map(String.init) ?? word
            guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { continue }
            let ext = name[name.index(after: dot)...]
            guard (1...6).contains(ext.count), ext.allSatisfy({ $0.isLetter || $0.isNumber }), ext.contains(where: \.isLetter),
                  !ext.contains(where: \.isUppercase) || ext.allSatisfy(\.isUppercase) else { continue }
            if !out.contains(word) { out.append(word) }
        }
        return out
    }
}

extension Guardrails {
    /// No empty fix: leaving FIX needs a commit on the hotfix branch that main does not have.
    /// `fix` nil means nobody read the branch: refused, never passed silently.
    static func emptyFix(_ fix: FixProgress?) -> GuardrailVerdict? {
        let override = "or pass --override REASON"
        guard let fix else {
            return GuardrailVerdict(rule: .commit, message: "what the hotfix branch holds was not read from git",
                                    next: "run hotfix diff to see the branch, then try again; \(override)")
        }
        let branch = Sanitize.inline(fix.branch), main = Sanitize.inline(fix.main)
        if let problem = fix.problem {
            return GuardrailVerdict(rule: .commit, message: "\(branch) could not be read: \(Sanitize.inline(problem))",
                                    next: "fix that and try again, \(override)")
        }
        guard fix.branchExists else {
            return GuardrailVerdict(rule: .commit, message: "\(branch) does not exist, so there is no fix to test",
                                    next: "create it with hotfix branch, commit the fix on it, then hotfix next; \(override)")
        }
        guard fix.commits.isEmpty else { return nil }
        // The meaning first: at 80 columns the console's status row shows only the first forty
        // characters or so beside the override field.
        let empty = "\(branch) has no commit that \(main) does not have"
        if !fix.uncommitted.isEmpty, fix.onBranch {
            let files = fix.uncommitted.map(Sanitize.inline)
            let plain = files.count <= 3 && files.allSatisfy { !$0.contains(" ") && !$0.contains("'") && !$0.contains("\"") }
            return GuardrailVerdict(
                rule: .commit, message: "the fix is not committed yet: \(empty); uncommitted changes: \(Self.names(files))",
                next: "commit them first (git add \(plain ? files.joined(separator: " ") : "FILE…") && git commit -m \"Fix: …\"), then hotfix next; \(override)")
        }
        if let here = fix.checkedOut, here != fix.branch {
            return GuardrailVerdict(rule: .commit, message: "no fix committed yet: \(empty); the work tree is on \(Sanitize.inline(here))",
                                    next: "git switch \(branch), commit the fix there, then hotfix next; \(override)")
        }
        return GuardrailVerdict(rule: .commit, message: "no fix committed yet: \(empty)",
                                next: "make the fix on \(branch) and commit it (git commit -am \"Fix: …\"), then hotfix next; \(override)")
    }

    /// `a, b, c, d, e and 4 more`.
    public static func names(_ items: [String], limit: Int = 5) -> String {
        items.count <= limit ? items.joined(separator: ", ") : items.prefix(limit).joined(separator: ", ") + " and \(items.count - limit) more"
    }
}
