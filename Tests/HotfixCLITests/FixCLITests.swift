import Foundation
import HotfixTestSupport
import Testing

/// No empty fix: leaving FIX needs a commit on the hotfix branch that main does not have, judged
/// on the real repository (a bare origin beside it) by the real binary.
@Suite struct FixCLITests {
    func hotfix(_ args: String..., in repo: GitSandbox) -> Run { HotfixBinary.run(args, in: repo.work) }

    /// An incident in FIX with hotfix/001-api-500 cut from main by `hotfix branch` and checked out.
    func inFix() -> GitSandbox {
        let repo = GitSandbox(files: ["app/users.py": "def get_user(repo, id):\n    return repo[id]\n"])
        #expect(hotfix("start", "API returns 500 on /users endpoint", "--id", "001-api-500", in: repo).status == 0)
        #expect(hotfix("next", in: repo).status == 0)  // ASSESS → BRANCH
        let branch = hotfix("branch", in: repo)  // BRANCH → FIX
        #expect(branch.status == 0, "\(branch.stderr)")
        #expect(repo.git("rev-parse", "--abbrev-ref", "HEAD") == "hotfix/001-api-500")
        return repo
    }

    func phase(_ repo: GitSandbox) throws -> String? {
        let r = hotfix("status", "--json", in: repo)
        let object = try #require(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        return object["phase"] as? String
    }

    @Test func nextWithNothingCommittedIsRefusedAndSaysWhatToDo() throws {
        let repo = inFix()
        let refused = hotfix("next", in: repo)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("cannot move FIX → TEST: no fix committed yet: hotfix/001-api-500 has no commit that main does not have"), "\(refused.stderr)")
        #expect(refused.stderr.contains("commit it (git commit -am \"Fix: …\"), then hotfix next"), "\(refused.stderr)")
        #expect(refused.stderr.contains("--override REASON"))
        #expect(try phase(repo) == "fix", "a refusal changes nothing")

        let status = hotfix("status", in: repo).stdout
        #expect(status.contains("Blocked (commit): no fix committed yet: hotfix/001-api-500 has no commit that main does not have"), "\(status)")
        let json = try #require(JSONSerialization.jsonObject(with: Data(hotfix("status", "--json", in: repo).stdout.utf8)) as? [String: Any])
        let blockers = try #require(json["blockers"] as? [[String: Any]])
        #expect(blockers.map { $0["rule"] as? String } == ["commit"])
    }

    @Test func uncommittedChangesAreNamedThenACommitLetsFixEnd() throws {
        let repo = inFix()
        repo.write("app/users.py", "def get_user(repo, id):\n    return repo.get(id)\n")
        repo.write("app/missing.py", "class UserNotFound(Exception):\n    pass\n")
        let refused = hotfix("next", in: repo)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("uncommitted changes: app/users.py, app/missing.py") || refused.stderr.contains("uncommitted changes: app/missing.py, app/users.py"),
                "\(refused.stderr)")
        #expect(refused.stderr.contains("commit them first (git add "), "\(refused.stderr)")
        #expect(hotfix("status", in: repo).stdout.contains("uncommitted changes: "))

        repo.git("add", "app/users.py")
        repo.git("commit", "-q", "-m", "Fix: handle a missing user")
        let next = hotfix("next", in: repo)
        #expect(next.status == 0, "\(next.stderr)")
        #expect(next.stdout.contains("FIX done. Now TEST"))
        #expect(next.stderr.contains("not committed, so not part of the fix: app/missing.py"), "\(next.stderr)")
        #expect(try phase(repo) == "test")
    }

    @Test func hotfixCommitShowsWhatRunsThenCommitsTheFix() throws {
        let repo = inFix()
        let nothing = hotfix("commit", "-m", "handle a missing user", in: repo)
        #expect(nothing.status == 1)
        #expect(nothing.stderr.contains("nothing to commit: hotfix/001-api-500 has no change in the work tree; nothing was committed"), "\(nothing.stderr)")

        repo.write("app/users.py", "def get_user(repo, id):\n    return repo.get(id)\n")
        let dry = hotfix("commit", "-m", "handle a missing user", "--dry-run", in: repo)
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.stdout == """
            Dry run: nothing was changed. On hotfix/001-api-500, 1 file to commit:
              modified   app/users.py
              $ git add -- app/users.py
              $ git commit -m 'Fix: handle a missing user'

            """, "\(dry.stdout)")
        #expect(repo.git("log", "-1", "--format=%s") == "initial")

        let made = hotfix("commit", "-m", "handle a missing user", in: repo)
        #expect(made.status == 0, "\(made.stderr)")
        #expect(made.stdout.contains("Committed \(repo.git("rev-parse", "HEAD").prefix(10)) on hotfix/001-api-500: Fix: handle a missing user"),
                "\(made.stdout)")
        #expect(repo.git("log", "-1", "--format=%s") == "Fix: handle a missing user")
        #expect(hotfix("timeline", in: repo).stdout.contains("ran git commit -m Fix: handle a missing user → exit 0"))
        #expect(hotfix("next", in: repo).status == 0, "the commit lets FIX end")
    }

    @Test func aCommitOnlyOnMainDoesNotCount() throws {
        let repo = inFix()
        repo.git("checkout", "-q", "main")
        repo.commit(["app/users.py": "def get_user(repo, id):\n    return repo.get(id)\n"], message: "on main by mistake")
        let refused = hotfix("next", in: repo)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("has no commit that main does not have; the work tree is on main"), "\(refused.stderr)")
        #expect(refused.stderr.contains("git switch hotfix/001-api-500"))
    }

    @Test func anOverrideIsJournaledAndReportedAsADeviation() throws {
        let repo = inFix()
        let next = hotfix("next", "--override", "the fix is a config change made in the cluster", in: repo)
        #expect(next.status == 0, "\(next.stderr)")
        #expect(next.stderr.contains("override of 'commit': no fix committed yet: hotfix/001-api-500 has no commit that main does not have"), "\(next.stderr)")
        #expect(try phase(repo) == "test")
        #expect(hotfix("timeline", in: repo).stdout.contains("(override: commit — the fix is a config change made in the cluster)"))
        let report = hotfix("report", in: repo)
        #expect(report.status == 0, "\(report.stderr)")
        #expect(report.stdout.contains("Guardrail 'commit' overridden (next FIX → TEST): the fix is a config change made in the cluster"), "\(report.stdout)")
    }
}

/// The console's `n` in FIX is judged on the same facts, read from git while it runs.
@Suite struct FixConsoleTests {
    @Test func nInFixIsRefusedUntilTheFixIsCommittedThenMovesOn() throws {
        let repo = FixCLITests().inFix()
        // Wide enough for the whole refusal on the status row (at 80 columns it is cut after the prompt).
        let t = try ConsoleTmuxTests.Tmux(width: 220, height: 30, env: ["HOME": repo.dir.path, "LANG": "C.UTF-8"].merging(GitSandbox.env) { a, _ in a })
        t.type("cd \(repo.work) && \(HotfixBinary.path) console")
        t.press("Enter")
        t.waitFor("the FIX pane", seconds: 30) { $0.contains("FIX · active") && $0.contains("▶ FIX") }
        // The console reads the branch at once and every 2 s while in FIX; until its first answer
        // arrives, n is refused as "not read" (never passed): press n until the answer is the branch's.
        func pressN(until done: (String) -> Bool) -> String {
            let deadline = Date() + 20
            var screen = t.screen()
            while Date() < deadline {
                t.type("n")
                screen = t.waitFor("n's answer", seconds: 5) { $0.contains("override reason:") || $0.contains("▶ TEST") }
                if done(screen) { return screen }
                t.press("Escape")
                usleep(500_000)
            }
            return screen
        }
        let refused = pressN { $0.contains("has no commit") }
        // The guardrail's own words lead the status row (the "cannot move FIX → TEST" prefix would hide them at 80 columns).
        #expect(refused.contains("no fix committed yet: hotfix/001-api-500 has no commit that main does not have"), "\(refused)")
        t.press("Escape")
        repo.write("app/users.py", "def get_user(repo, id):\n    return repo.get(id)\n")
        repo.git("commit", "-q", "-am", "Fix: handle a missing user")
        _ = pressN { $0.contains("▶ TEST") }
        t.waitFor("▶ TEST")
        t.type("q")
        t.waitFor("the shell again") { !$0.contains("┌ Phases") }
        let status = HotfixBinary.run(["status", "--json"], in: repo.work)
        #expect(status.stdout.contains("\"phase\" : \"test\"") || status.stdout.contains("\"phase\": \"test\""), "\(status.stdout)")
        #expect(!HotfixBinary.run(["timeline"], in: repo.work).stdout.contains("override"), "moved on without an override")
    }
}
