import Foundation
import HotfixEngine
import HotfixRuntime

/// A throwaway repository with a bare "origin": main, develop and feature branches, in a temp folder.
struct GitFixture {
    let root: String
    var work: String { root + "/work" }
    var origin: String { root + "/origin.git" }
    static let id = try! IncidentID("001-api-500")
    let settings = GitSettings.workflow

    /// Fixed identity and dates, so runs are reproducible.
    static let env: [String: String?] = [
        "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.com",
        "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.com",
        "GIT_AUTHOR_DATE": "2026-01-01T00:00:00Z", "GIT_COMMITTER_DATE": "2026-01-01T00:00:00Z",
        "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1",
    ]

    /// main (app.txt), develop (+dev.txt), feature/a (local and remote), feature/b and feature/c
    /// (remote only). With `conflicting`, feature/c edits the line the fix will change.
    static func make(conflicting: Bool = false, features: Int = 3) async throws -> GitFixture {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("hotfix-git-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root + "/work", withIntermediateDirectories: true)
        let f = GitFixture(root: root)
        try await f.run(["init", "-q", "--bare", "-b", "main", f.origin], in: root)
        try await f.git("init", "-q", "-b", "main")
        try await f.git("config", "user.name", "Test")
        try await f.git("config", "user.email", "test@example.com")
        try await f.git("remote", "add", "origin", f.origin)
        try f.write("app.txt", "line 1\nline 2 bug\nline 3\n")
        try await f.git("add", ".")
        try await f.git("commit", "-q", "-m", "initial")
        try await f.git("checkout", "-q", "-b", "develop")
        try f.write("dev.txt", "develop work\n")
        try await f.git("add", ".")
        try await f.git("commit", "-q", "-m", "develop work")
        let names = (0..<features).map { i in features == 3 ? ["feature/a", "feature/b", "feature/c"][i] : String(format: "feature/f%03d", i) }
        for name in names {
            try await f.git("checkout", "-q", "-b", name, "develop")
            let file = name.replacingOccurrences(of: "/", with: "-") + ".txt"
            try f.write(file, "work on \(name)\n")
            if conflicting, name == "feature/c" { try f.write("app.txt", "line 1\nline 2 changed on feature/c\nline 3\n") }
            try await f.git("add", ".")
            try await f.git("commit", "-q", "-m", "work on \(name)")
        }
        try await f.git("checkout", "-q", "main")
        try await f.git(["push", "-q", "origin", "main", "develop"] + names)
        for name in names where name != "feature/a" { try await f.git("branch", "-q", "-D", name) }
        return f
    }

    /// Commits the fix on the hotfix branch (line 2 of app.txt).
    func commitFix() async throws {
        try write("app.txt", "line 1\nline 2 fixed\nline 3\n")
        try await git("commit", "-q", "-am", "Fix the bug on line 2")
    }

    func write(_ path: String, _ text: String) throws {
        try text.write(toFile: work + "/" + path, atomically: true, encoding: .utf8)
    }

    @discardableResult
    func run(_ args: [String], in dir: String) async throws -> String {
        let r = try await ProcessRunner(environment: GitFixture.env).run(["git"] + args, in: dir)
        guard r.succeeded else { throw HotfixError.environment("git \(args.joined(separator: " ")) failed: \(r.stderr)") }
        return r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @discardableResult
    func git(_ args: String...) async throws -> String { try await run(args, in: work) }
    @discardableResult
    func git(_ args: [String]) async throws -> String { try await run(args, in: work) }
    @discardableResult
    func originGit(_ args: String...) async throws -> String { try await run(args, in: origin) }

    /// Every ref with its value, here and on origin, plus HEAD and the work tree's status.
    func snapshot() async throws -> String {
        let here = try await git("for-each-ref", "--format=%(refname) %(objectname)")
        let there = try await originGit("for-each-ref", "--format=%(refname) %(objectname)")
        let head = try await git("rev-parse", "--symbolic-full-name", "HEAD")
        let status = try await git("status", "--porcelain", "--untracked-files=all")
        return [here, "--origin--", there, "--head--", head, "--status--", status].joined(separator: "\n")
    }

    /// A flow whose records land in `journal`, and whose observer can simulate a crash.
    func flow(_ journal: Journal, crashAfter: Int? = nil) -> GitFlow {
        GitFlow(directory: work, settings: settings, observer: { record throws(HotfixError) in
            let n = journal.command(record)
            if let crashAfter, n >= crashAfter { throw HotfixError.environment("simulated crash after command \(n)") }
        }, record: { record throws(HotfixError) in journal.git(record) })
    }

    func remove() { try? FileManager.default.removeItem(atPath: root) }
}

/// An in-memory stand-in for the journal: the git records and the commands, in order.
final class Journal: @unchecked Sendable {
    private let lock = NSLock()
    private var _records: [GitRecord] = []
    private var _commands: [GitCommandRecord] = []

    var records: [GitRecord] { lock.withLock { _records } }
    var commands: [GitCommandRecord] { lock.withLock { _commands } }

    func git(_ r: GitRecord) { lock.withLock { _records.append(r) } }
    func command(_ c: GitCommandRecord) -> Int { lock.withLock { _commands.append(c); return _commands.count } }

    /// What the journal fold would give the next run: skipped targets and last outcomes.
    var memory: GitFlow.Memory {
        var m = GitFlow.Memory()
        for r in records where r.step == .backport {
            guard let t = r.target else { continue }
            m.known[t] = r.outcome
            if r.outcome == .skipped { m.skipped[t] = r.detail ?? "" } else { m.skipped[t] = nil }
        }
        return m
    }
}
