import Foundation
import HotfixEngine

/// One git command that changed (or may have changed) the repository, for the journal.
public struct GitCommandRecord: Sendable, Equatable {
    /// The flow step it belongs to: `branch`, `backport`, `merge-main`, `tag`, `push`, …
    public var step: GitStepName
    public var result: ProcessResult
    /// The commit or tag object it produced, when there is one.
    public var sha: String?
}

/// Git over `ProcessRunner`: argv only, never an editor, never a prompt, C locale for parsing.
/// Commands that change the repository go through `change`, which reports each one.
public struct GitClient: Sendable {
    public typealias Observer = @Sendable (GitCommandRecord) async throws(HotfixError) -> Void

    public let directory: String
    let runner: ProcessRunner
    let observer: Observer?

    /// The environment every git command gets: no editor, no pager, no credential prompt, and no
    /// optional index lock (a `git status` or `git diff` of ours never makes the person's own
    /// `git add` beside it fail on `index.lock`).
    public static let environment: [String: String?] = [
        "GIT_EDITOR": "true", "GIT_SEQUENCE_EDITOR": "true", "GIT_MERGE_AUTOEDIT": "no",
        "GIT_TERMINAL_PROMPT": "0", "GIT_PAGER": "cat", "PAGER": "cat", "LC_ALL": "C", "LANGUAGE": nil,
        "GIT_OPTIONAL_LOCKS": "0",
    ]

    /// `ownProcessGroup`: each git runs in a process group of its own, stopped as a group when the
    /// task is cancelled (the console's jobs; see `ProcessRunner.ownProcessGroup`).
    public init(directory: String, observer: Observer? = nil, ownProcessGroup: Bool = false) {
        self.directory = directory
        self.runner = ProcessRunner(environment: GitClient.environment, ownProcessGroup: ownProcessGroup)
        self.observer = observer
    }

    /// Runs a read-only git command; a non-zero exit is returned, not thrown.
    public func query(_ args: [String]) async throws(HotfixError) -> ProcessResult {
        try await runner.run(["git"] + args, in: directory)
    }

    /// Runs a read-only git command that must succeed; returns its stdout without the final newlines
    /// (tabs and spaces stay: porcelain formats end lines with empty fields).
    public func value(_ args: [String]) async throws(HotfixError) -> String {
        let r = try await query(args)
        guard r.succeeded else { throw GitClient.failure(r) }
        return r.stdout.trimmingCharacters(in: .newlines)
    }

    /// Runs a command that changes the repository (argv starts with `git`) and reports it; with
    /// `headAfter`, the commit HEAD points at once it succeeded is its SHA (`git commit`).
    @discardableResult
    public func change(_ argv: [String], step: GitStepName, headAfter: Bool = false,
                       sha: ((ProcessResult) -> String?)? = nil) async throws(HotfixError) -> ProcessResult {
        let r = try await runner.run(argv, in: directory)
        var produced = r.succeeded ? sha?(r) : nil
        if r.succeeded, headAfter { produced = try await resolve("HEAD") }
        try await observer?(GitCommandRecord(step: step, result: r, sha: produced))
        return r
    }

    /// True when `ancestor` is reachable from `descendant`.
    public func isAncestor(_ ancestor: String, of descendant: String) async throws(HotfixError) -> Bool {
        let r = try await query(["merge-base", "--is-ancestor", ancestor, descendant])
        if r.exitCode > 1 { throw GitClient.failure(r) }
        return r.exitCode == 0
    }

    /// The commit a ref points at, or nil when it does not exist.
    public func resolve(_ ref: String) async throws(HotfixError) -> String? {
        let r = try await query(["rev-parse", "-q", "--verify", "\(ref)^{commit}"])
        return r.succeeded ? r.stdout.trimmingCharacters(in: .whitespacesAndNewlines) : nil
    }

    /// The configured remotes.
    public func remotes() async throws(HotfixError) -> [String] {
        try await value(["remote"]).split(separator: "\n").map(String.init)
    }

    /// Tracked files with staged or unstaged changes.
    public func dirtyFiles() async throws(HotfixError) -> [String] {
        let r = try await query(["status", "--porcelain=v1", "-z", "--untracked-files=no"])
        guard r.succeeded else { throw GitClient.failure(r) }
        return GitClient.statusPaths(r.stdout)
    }

    /// The checked-out branch (nil on a detached HEAD) and every path with staged, unstaged or
    /// untracked changes (an untracked folder as `dir/`), from one `git status`. Takes no index
    /// lock: the console asks every few seconds while a person runs git beside it.
    public func statusWithBranch() async throws(HotfixError) -> (branch: String?, paths: [String]) {
        let r = try await query(["--no-optional-locks", "status", "--porcelain=v1", "-z", "--branch"])
        guard r.succeeded else { throw GitClient.failure(r) }
        let header = r.stdout.split(separator: "\0", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        let rest = header.hasPrefix("## ") ? String(r.stdout.dropFirst(header.count + 1)) : r.stdout
        return (GitClient.branch(statusHeader: header), GitClient.statusPaths(rest))
    }

    /// The branch of a `## …` status header: `## main...origin/main [ahead 1]`, `## No commits yet
    /// on main`, `## HEAD (no branch)` (nil).
    static func branch(statusHeader header: String) -> String? {
        guard header.hasPrefix("## ") else { return nil }
        var text = String(header.dropFirst(3))
        if text.hasPrefix("HEAD (no branch)") { return nil }
        for prefix in ["No commits yet on ", "Initial commit on "] where text.hasPrefix(prefix) { text.removeFirst(prefix.count) }
        if let dots = text.range(of: "...") { text = String(text[..<dots.lowerBound]) }
        if let space = text.firstIndex(of: " ") { text = String(text[..<space]) }
        return text.isEmpty ? nil : text
    }

    /// Every changed path of the work tree with its two-letter status (untracked files one by one,
    /// so each new file is named).
    public func statusEntries() async throws(HotfixError) -> [StatusEntry] {
        let r = try await query(["status", "--porcelain=v1", "-z", "--untracked-files=all"])
        guard r.succeeded else { throw GitClient.failure(r) }
        return GitClient.entries(r.stdout)
    }

    /// `git status --porcelain=v1 -z` as entries (a rename's source follows its entry).
    static func entries(_ out: String) -> [StatusEntry] {
        var result: [StatusEntry] = []
        var fields = out.split(separator: "\0", omittingEmptySubsequences: true).map(String.init)[...]
        while let entry = fields.popFirst() {
            guard entry.count > 3 else { continue }
            let code = String(entry.prefix(2))
            var e = StatusEntry(code: code, path: String(entry.dropFirst(3)))
            if code.contains("R") || code.contains("C") { e.from = fields.popFirst() }
            result.append(e)
        }
        return result
    }

    /// The paths of `git status --porcelain=v1 -z` (a rename's source, which follows it, is left out).
    static func statusPaths(_ out: String) -> [String] {
        var files: [String] = []
        var skipNext = false
        for entry in out.split(separator: "\0", omittingEmptySubsequences: true) {
            if skipNext { skipNext = false; continue }
            guard entry.count > 3 else { continue }
            let status = entry.prefix(2)
            files.append(String(entry.dropFirst(3)))
            if status.contains("R") || status.contains("C") { skipNext = true }
        }
        return files
    }

    /// A merge, rebase, cherry-pick or revert in progress, by its git command name.
    public func operationInProgress() async throws(HotfixError) -> String? {
        for (marker, name) in [("rebase-merge", "rebase"), ("rebase-apply", "rebase"), ("MERGE_HEAD", "merge"),
                               ("CHERRY_PICK_HEAD", "cherry-pick"), ("REVERT_HEAD", "revert")] {
            let path = try await value(["rev-parse", "--git-path", marker])
            let full = path.hasPrefix("/") ? path : directory + "/" + path
            if FileManager.default.fileExists(atPath: full) { return name }
        }
        return nil
    }

    /// The checked-out branch, or nil on a detached HEAD.
    public func currentBranch() async throws(HotfixError) -> String? {
        let r = try await query(["symbolic-ref", "-q", "--short", "HEAD"])
        return r.succeeded ? r.stdout.trimmingCharacters(in: .whitespacesAndNewlines) : nil
    }

    /// A failed git command as an error a person can act on.
    public static func failure(_ r: ProcessResult, untouched: String? = "nothing else was changed", next: String? = nil) -> HotfixError {
        let args = r.argv.dropFirst().prefix(3).joined(separator: " ")
        let why = r.tail(4).joined(separator: " / ")
        return .refused("git \(Sanitize.inline(args)) failed (exit \(r.exitCode))\(why.isEmpty ? "" : ": \(why)")",
                        untouched: untouched, next: next)
    }
}
