import Foundation
import HotfixEngine
import HotfixRuntime
import HotfixTestSupport
import HotfixWorkflow
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The fix's commit (`hotfix commit`, `c` in the console) on a real repository: every command
/// journaled, every refusal leaving the repository as it was.
@Suite("Git workflow: the fix's commit")
struct GitCommitTests {
    static let id = try! IncidentID("001-api-500")

    /// An incident in FIX with hotfix/001-api-500 cut from main and checked out.
    static func inFix(_ files: [String: String] = ["app/users.py": "def get_user(repo, id):\n    return repo[id]\n"]) async throws -> WorkflowFixture {
        let f = WorkflowFixture(files: files)
        _ = try await IncidentWorkflow(f.session).start(title: "API returns 500", id: id.rawValue, severity: .p0, detected: nil, issue: nil)
        _ = try await IncidentWorkflow(f.session).next(id, override: nil)
        _ = try await GitWorkflow(f.session).branch(id, dryRun: false)
        #expect(try f.session.load(id).state.phase == .fix)
        return f
    }

    static func refusal(_ work: () async throws(HotfixError) -> Void) async -> HotfixError? {
        do { try await work() } catch { return error }
        return nil
    }

    @Test func theCommitStagesEveryChangeCommitsOnceAndJournalsBothCommands() async throws {
        let f = try await Self.inFix()
        f.sandbox.write("app/users.py", "def get_user(repo, id):\n    return repo.get(id)\n")
        f.sandbox.write("app/missing.py", "class UserNotFound(Exception):\n    pass\n")
        let git = try GitWorkflow(f.session)

        let dry = try await git.commit(Self.id, message: "handle a missing user", dryRun: true)
        #expect(dry.sha == nil)
        #expect(dry.plan.message == "Fix: handle a missing user")
        #expect(dry.plan.commands == [["git", "add", "--", "app/users.py", "app/missing.py"], ["git", "commit", "-m", "Fix: handle a missing user"]])
        #expect(f.sandbox.git("status", "--porcelain").contains("?? app/missing.py"), "a dry run stages nothing")
        #expect(GitText.commit(dry).first?.hasPrefix("Dry run: nothing was changed. On hotfix/001-api-500, 2 files to commit:") == true)

        let made = try await git.commit(Self.id, message: "handle a missing user", expected: dry.plan.entries, dryRun: false)
        let head = f.sandbox.git("rev-parse", "HEAD")
        #expect(made.sha == head)
        #expect(f.sandbox.git("log", "-1", "--format=%s") == "Fix: handle a missing user")
        #expect(f.sandbox.git("status", "--porcelain").isEmpty, "everything the plan listed is committed")
        #expect(f.sandbox.git("rev-parse", "--abbrev-ref", "HEAD") == "hotfix/001-api-500")

        let runs = try f.session.load(Self.id).state.commands.map(\.run)
        let commit = try #require(runs.first { $0.argv.starts(with: ["git", "commit"]) })
        #expect(commit.step == .commit && commit.phase == .fix && commit.exitCode == 0)
        #expect(commit.commit == head, "the commit is journaled with its SHA")
        #expect(runs.contains { $0.argv == ["git", "add", "--", "app/users.py", "app/missing.py"] && $0.step == .commit })
        #expect(GitText.commit(made).last == "Committed \(head.prefix(10)) on hotfix/001-api-500: Fix: handle a missing user")
        // Leaving FIX is now allowed: the branch has a commit main does not have.
        #expect(try await IncidentWorkflow(f.session).next(Self.id, override: nil)?.state.phase == .test)
    }

    @Test func refusalsLeaveTheRepositoryAsItWas() async throws {
        let f = try await Self.inFix()
        let git = try GitWorkflow(f.session)

        let nothing = await Self.refusal { () async throws(HotfixError) in _ = try await git.commit(Self.id, message: "x", dryRun: false) }
        #expect(nothing?.message == "nothing to commit: hotfix/001-api-500 has no change in the work tree")
        #expect(nothing?.untouched == "nothing was committed")

        f.sandbox.write("app/users.py", "def get_user(repo, id):\n    return repo.get(id)\n")
        let seen = try await git.commit(Self.id, message: "x", dryRun: true).plan.entries
        f.sandbox.write("app/other.py", "y = 2\n")
        var before = f.snapshot()
        let changed = await Self.refusal { () async throws(HotfixError) in
            _ = try await git.commit(Self.id, message: "x", expected: seen, dryRun: false)
        }
        #expect(changed?.message.hasPrefix("the work tree changed since the plan was shown (now: app/users.py, app/other.py)") == true,
                "\(String(describing: changed))")
        #expect(f.snapshot() == before, "a plan that no longer holds runs nothing")

        let empty = await Self.refusal { () async throws(HotfixError) in _ = try await git.commit(Self.id, message: "Fix:  ", dryRun: false) }
        #expect(empty?.kind == .usage)

        f.sandbox.git("stash", "-u", "-q")
        f.sandbox.git("checkout", "-q", "main")
        f.sandbox.write("app/users.py", "def get_user(repo, id):\n    return None\n")
        before = f.snapshot()
        let elsewhere = await Self.refusal { () async throws(HotfixError) in _ = try await git.commit(Self.id, message: "x", dryRun: false) }
        #expect(elsewhere?.message == "the work tree is on main, not on hotfix/001-api-500", "\(String(describing: elsewhere))")
        #expect(elsewhere?.next?.hasPrefix("git switch hotfix/001-api-500") == true)
        #expect(f.snapshot() == before)
    }

    @Test func aHookThatRefusesIsQuotedAndNothingIsCommitted() async throws {
        let f = try await Self.inFix()
        let hook = f.sandbox.work + "/.git/hooks/pre-commit"
        writeCloseOnExec(hook, "#!/bin/sh\necho 'lint: app/users.py:2: line too long' >&2\nexit 1\n", mode: 0o755)
        f.sandbox.write("app/users.py", "def get_user(repo, id):\n    return repo.get(id)\n")
        let tip = f.sandbox.git("rev-parse", "HEAD")
        let git = try GitWorkflow(f.session)
        let refused = await Self.refusal { () async throws(HotfixError) in _ = try await git.commit(Self.id, message: "x", dryRun: false) }
        #expect(refused?.message == "git commit failed (exit 1): lint: app/users.py:2: line too long", "\(String(describing: refused))")
        #expect(refused?.untouched == "nothing was committed; the changes stay staged")
        #expect(f.sandbox.git("rev-parse", "HEAD") == tip)
        let failed = try #require(try f.session.load(Self.id).state.commands.last?.run)
        #expect(failed.argv.starts(with: ["git", "commit"]) && failed.exitCode == 1, "the failed commit is journaled too")
        #expect(failed.outputTail?.contains("lint: app/users.py:2: line too long") == true)
    }
}
