import Foundation
import HotfixTestSupport
import Testing

/// The git commands through the real binary: a repository with a bare origin next to it
/// (reached by a relative URL, so a copy of the folder is an independent identical setup).
@Suite struct GitCLITests {
    /// Fixed dates make every merge and tag object identical across runs, so end states compare by SHA.
    static let env: [String: String] = [
        "GIT_AUTHOR_DATE": "2026-01-01T00:00:00Z", "GIT_COMMITTER_DATE": "2026-01-01T00:00:00Z",
        "GIT_CONFIG_GLOBAL": "/dev/null", "HOTFIX_NOW": "2026-11-26T09:00:00Z",
    ]

    final class Setup: @unchecked Sendable {
        let dir = TempDir("hotfix-gitcli")
        var work: String { dir.path + "/work" }
        var origin: String { dir.path + "/origin.git" }

        func git(_ args: String..., in sub: String = "work") -> Run {
            HotfixTestSupport.run(["git"] + args, in: dir.path + "/" + sub, env: GitSandbox.env.merging(GitCLITests.env) { $1 })
        }

        @discardableResult
        func ok(_ args: String..., in sub: String = "work") -> String {
            let r = HotfixTestSupport.run(["git"] + args, in: dir.path + "/" + sub, env: GitSandbox.env.merging(GitCLITests.env) { $1 })
            precondition(r.status == 0, "git \(args) failed: \(r.stderr)")
            return r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }

        func hotfix(_ args: String..., env: [String: String] = [:]) -> Run {
            HotfixBinary.run(args, in: work, env: GitCLITests.env.merging(env) { $1 })
        }

        /// An independent copy of the whole folder (work tree, journal, origin).
        func copy() throws -> Setup {
            let other = Setup()
            try FileManager.default.removeItem(atPath: other.dir.path)
            try FileManager.default.copyItem(atPath: dir.path, toPath: other.dir.path)
            return other
        }

        /// Refs here and on origin, HEAD, and the work tree's status.
        func state() -> String {
            [ok("for-each-ref", "--format=%(refname) %(objectname)"), ok("for-each-ref", "--format=%(refname) %(objectname)", in: "origin.git"),
             ok("rev-parse", "--symbolic-full-name", "HEAD"), ok("status", "--porcelain")].joined(separator: "\n--\n")
        }
    }

    /// main, develop, feature/a (local and remote), feature/b and feature/c (remote only), an incident
    /// with hotfix/001-api-500 cut and the fix committed and pushed.
    func setup(conflicting: Bool = false) -> Setup {
        let s = Setup()
        try! FileManager.default.createDirectory(atPath: s.work, withIntermediateDirectories: true)
        s.ok("init", "-q", "--bare", "-b", "main", s.origin, in: "")
        s.ok("init", "-q", "-b", "main")
        s.ok("remote", "add", "origin", "../origin.git")
        s.dir.write("work/app.txt", "line 1\nline 2 bug\nline 3\n")
        s.ok("add", "."); s.ok("commit", "-q", "-m", "initial")
        s.ok("checkout", "-q", "-b", "develop")
        s.dir.write("work/dev.txt", "develop\n")
        s.ok("add", "."); s.ok("commit", "-q", "-m", "develop work")
        for name in ["a", "b", "c"] {
            s.ok("checkout", "-q", "-b", "feature/\(name)", "develop")
            s.dir.write("work/\(name).txt", "feature \(name)\n")
            if conflicting, name == "c" { s.dir.write("work/app.txt", "line 1\nline 2 reworded on c\nline 3\n") }
            s.ok("add", "."); s.ok("commit", "-q", "-m", "feature \(name)")
        }
        s.ok("checkout", "-q", "main")
        s.ok("push", "-q", "origin", "main", "develop", "feature/a", "feature/b", "feature/c")
        s.ok("branch", "-q", "-D", "feature/b", "feature/c")
        #expect(s.hotfix("start", "API returns 500", "--id", "001-api-500").status == 0)
        #expect(s.hotfix("next").status == 0)  // ASSESS → BRANCH
        let branch = s.hotfix("branch")
        #expect(branch.status == 0, "\(branch.stderr)")
        s.dir.write("work/app.txt", "line 1\nline 2 fixed\nline 3\n")
        s.ok("commit", "-q", "-am", "Fix line 2")
        s.ok("push", "-q", "origin", "hotfix/001-api-500")
        return s
    }

    func json(_ run: Run) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
    }

    @Test func branchInTheBranchPhaseAdvancesToFixAndFinishCompletesEverything() throws {
        let s = setup()
        #expect(try json(s.hotfix("status", "--json"))["phase"] as? String == "fix")
        let diff = s.hotfix("diff")
        #expect(diff.status == 0)
        #expect(diff.stdout.contains("app.txt") && diff.stdout.contains("no rule broken"))

        let finish = s.hotfix("finish")
        #expect(finish.status == 0, "\(finish.stderr)")
        #expect(finish.stderr.contains("the workflow expects it in BACKPORT or CLOSE"), "out of phase is said")
        let merge = s.ok("rev-parse", "main", in: "origin.git")
        #expect(s.ok("rev-parse", "hotfix-001-api-500^{commit}", in: "origin.git") == merge)
        #expect(s.git("rev-parse", "--verify", "-q", "refs/heads/hotfix/001-api-500", in: "origin.git").status != 0)
        let timeline = s.hotfix("timeline").stdout
        #expect(timeline.contains("warning (git): hotfix finish runs in FIX"))
        for t in ["develop", "feature/a", "feature/b", "feature/c"] {
            let sha = s.ok("rev-parse", t, in: "origin.git")
            #expect(timeline.contains("git backport \(t): merged at \(sha.prefix(10))"))
        }
    }

    @Test func backportInTheBackportPhaseMovesOnToCloseAndFinishThereSaysNothingAboutPhases() throws {
        let s = setup()
        for _ in 0..<3 { #expect(s.hotfix("next", "--override", "a drill: deployed through CI/CD").status == 0) }
        #expect(try json(s.hotfix("status", "--json"))["phase"] as? String == "backport")
        let backport = s.hotfix("backport")
        #expect(backport.status == 0, "\(backport.stderr)")
        #expect(backport.stdout.contains("BACKPORT done. Now CLOSE"))
        #expect(!backport.stderr.contains("the workflow expects"))
        let finish = s.hotfix("finish")
        #expect(finish.status == 0, "\(finish.stderr)")
        #expect(!finish.stderr.contains("the workflow expects"))
        #expect(try json(s.hotfix("status", "--json"))["phase"] as? String == "close", "closing the incident stays a person's step")
    }

    @Test func aKillAtEveryGitCommandThenARerunEndsInTheUninterruptedState() throws {
        let template = setup()
        let reference = try template.copy()
        let done = reference.hotfix("finish")
        #expect(done.status == 0, "\(done.stderr)")
        let expected = reference.state()
        #expect(expected.contains("refs/tags/hotfix-001-api-500"))

        var n = 1
        while n < 40 {
            let s = try template.copy()
            let killed = s.hotfix("finish", env: ["HOTFIX_DEBUG_KILL_AFTER_GIT": "\(n)"])
            if killed.status == 0 { break }  // past the last command: every kill point is covered
            #expect(killed.status == 128 + 9, "killed by SIGKILL after git command \(n): \(killed.stderr)")
            let rerun = s.hotfix("finish")
            #expect(rerun.status == 0, "rerun after a kill at command \(n): \(rerun.stderr)")
            #expect(s.state() == expected, "end state after a kill at command \(n)")
            n += 1
        }
        #expect(n > 15, "the finish ran at least 15 git commands, each one a kill point")
    }

    @Test func aConflictIsReportedFinishIsRefusedAndAnOverrideIsJournaled() throws {
        let s = setup(conflicting: true)
        let cBefore = s.ok("rev-parse", "feature/c", in: "origin.git")
        let backport = s.hotfix("backport")
        #expect(backport.status == 1)
        #expect(backport.stdout.contains("backport feature/c") && backport.stdout.contains("conflict") && backport.stdout.contains("app.txt"))
        #expect(backport.stderr.contains("feature/c (conflict)"))
        #expect(s.ok("status", "--porcelain").isEmpty)

        let mainBefore = s.ok("rev-parse", "main")
        let refused = s.hotfix("finish")
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("backport targets are unhandled: feature/c (conflict)"))
        #expect(s.ok("rev-parse", "main") == mainBefore)

        let forced = s.hotfix("finish", "--override", "feature/c is being rewritten; its owner merges by hand")
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(s.ok("rev-parse", "feature/c", in: "origin.git") == cBefore, "the conflicting branch is untouched")
        let timeline = s.hotfix("timeline").stdout
        #expect(timeline.contains("guardrail 'backports' overridden for hotfix finish"))
        #expect(timeline.contains("feature/c is being rewritten"))
    }

    @Test func skipNeedsAReasonAndDryRunsChangeNothing() throws {
        let s = setup(conflicting: true)
        let noReason = s.hotfix("backport", "--skip", "feature/c")
        #expect(noReason.status == 2)
        #expect(s.hotfix("backport", "--skip", "main", "--reason", "x").status == 2, "main is not a backport target")
        let before = s.state()
        let journalBefore = s.hotfix("timeline").stdout
        let dry = s.hotfix("finish", "--dry-run")
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.stdout.contains("$ git push --atomic --porcelain origin refs/heads/main:refs/heads/main"))
        #expect(!dry.stdout.contains("--tags"))
        #expect(s.state() == before)
        #expect(s.hotfix("timeline").stdout == journalBefore, "a dry run journals nothing")

        let skip = s.hotfix("backport", "--skip", "feature/c", "--reason", "abandoned branch")
        #expect(skip.status == 0, "\(skip.stderr)")
        #expect(skip.stdout.contains("backport feature/a") && skip.stdout.contains("merged"))
        let finish = s.hotfix("finish")
        #expect(finish.status == 0, "\(finish.stderr)")
    }

    @Test func invalidGitNamesInTheConfigAreRefused() throws {
        let s = setup()
        s.dir.write("work/.hotfix.yml", "git:\n  branch: \"hotfix/fixed\"\n")
        let r = s.hotfix("finish", "--dry-run")
        #expect(r.status == 2)
        #expect(r.stderr.contains("{id}"))
    }
}
