import Foundation
import HotfixEngine
import Testing
@testable import HotfixScreen
@testable import HotfixConsole

/// FIX in the console: the pane says where the repository is and what the branch holds as git
/// reads it; `E` picks a file for the editor, `!` asks for a shell, `c` types the `Fix: …` message
/// and shows exactly what will run before it runs.
@Suite("Console: the FIX pane and its keys")
struct FixPaneTests {
    static let size = Size(width: 80, height: 24)
    static let branch = "hotfix/001-api-500"

    /// The console in FIX, the repository at /srv/users-api, vim as the editor.
    static func inFix(size: Size = size) -> ConsoleModel {
        var model = IncidentFixture.model(in: .fix, size: size)
        model.repository = "/srv/users-api"
        model.editor = "vim ($EDITOR)"
        return model
    }

    /// app/users.py edited (not committed), on the branch, nothing committed yet.
    static let edited = FixProgress(branch: branch, main: "main", uncommitted: ["app/users.py"], checkedOut: branch,
                                    changes: DiffReview(base: IncidentFixture.sha, files: [
                                        FileChange(path: "app/users.py", status: .modified, added: 3, removed: 1)]))

    static func text(_ model: ConsoleModel) -> String { Screen.render(model).lines().joined(separator: "\n") }

    @Test("the pane shows the repository, the branch, each file with its lines and whether it is committed")
    func paneFollowsTheBranch() {
        var model = Self.inFix()
        model.fix = nil  // not read yet
        #expect(Self.text(model).contains("branch hotfix/001-api-500 · reading git…"))
        _ = model.update(.fix(Self.edited))
        var screen = Self.text(model)
        #expect(screen.contains("repo   /srv/users-api"))
        #expect(screen.contains("branch hotfix/001-api-500 · no commit yet"))
        #expect(screen.contains("! app/users.py") && screen.contains("+3 −1 · uncommitted"), "\(screen)")

        var committed = Self.edited
        committed.uncommitted = ["app/new_helper.py"]
        committed.commits = ["3f2c9a1 Fix: handle None"]
        committed.changes = DiffReview(base: IncidentFixture.sha, files: [
            FileChange(path: "app/users.py", status: .modified, added: 3, removed: 1),
            FileChange(path: "app/new_helper.py", status: .untracked, added: 12, removed: 0)])
        _ = model.update(.fix(committed))
        screen = Self.text(model)
        #expect(screen.contains("· 1 commit ahead of main"))
        #expect(screen.contains("✓ 3f2c9a1 Fix: handle None"))
        #expect(screen.contains("✓ app/users.py"), "committed")
        #expect(screen.contains("+12 −0 new · uncommitted"))
        #expect(screen.contains("! 2 files changed") && screen.contains("! new file: app/new_helper.py"), "the minimal-change warnings, live")

        var elsewhere = Self.edited
        elsewhere.checkedOut = "main"
        _ = model.update(.fix(elsewhere))
        let screen2 = Self.text(model)
        #expect(screen2.contains("! the work tree is on main, not on the branch"), "\(screen2)")
        #expect(screen2.contains("git switch hotfix/001-api-500 (! opens a shell)"))
    }

    @Test("the demo's FIX pane says what is wrong until the fix is committed")
    func drill() {
        var model = Self.inFix()
        model.drill = Drill(file: "app/users.py", problem: "get_user() indexes None for an unknown id.", failing: "tests.test_users",
                            tests: ["tests/test_users.py"])
        _ = model.update(.fix(FixProgress(branch: Self.branch, main: "main", checkedOut: Self.branch,
                                          changes: DiffReview(base: IncidentFixture.sha, files: []))))
        var screen = Self.text(model)
        #expect(screen.contains("What is wrong (demo): app/users.py"))
        #expect(screen.contains("get_user() indexes None for an unknown id."))
        #expect(screen.contains("Failing: tests.test_users"))
        #expect(screen.contains("○ no change against main yet"))
        _ = model.update(.fix(FixProgress(branch: Self.branch, main: "main", commits: ["3f2c9a1 Fix: x"], checkedOut: Self.branch,
                                          changes: DiffReview(base: IncidentFixture.sha, files: []))))
        screen = Self.text(model)
        #expect(!screen.contains("What is wrong"))
        #expect(screen.contains("Demo: n, then t in TEST runs the failing tests"))
    }

    @Test("E offers the changed files, the assessment's and the demo's; typing narrows; enter asks to open it")
    func pickAFile() {
        var model = Self.inFix()
        model.drill = Drill(file: "app/users.py", problem: "p", failing: "f", tests: ["tests/test_users.py"])
        _ = model.update(.fix(Self.edited))
        _ = model.update(.namedFiles(["app/repo.py"]))
        #expect(model.update(.key(.char("E"))).isEmpty)
        guard case .pickFile(let pick) = model.prompt else { Issue.record("no picker"); return }
        #expect(pick.offered == [FilePick.Choice("app/users.py", why: "uncommitted"), FilePick.Choice("app/repo.py", why: "named in ASSESS"),
                                 FilePick.Choice("tests/test_users.py", why: "a failing test")])
        let screen = Self.text(model)
        #expect(screen.contains("Open a file in vim ($EDITOR)"))
        #expect(screen.contains("› app/users.py") && screen.contains("uncommitted"))
        _ = model.update(.key(.down))
        #expect(model.update(.key(.enter)) == [.editFile("app/repo.py")])
        #expect(model.prompt == nil)

        _ = model.update(.key(.char("E")))
        for ch in "test" { _ = model.update(.key(.char(ch))) }
        guard case .pickFile(let narrowed) = model.prompt else { Issue.record("no picker"); return }
        #expect(narrowed.choices.map(\.path) == ["tests/test_users.py", "test"], "matches first, the typed path last")
        _ = model.update(.key(.ctrl("u")))
        for ch in "app/new.py" { _ = model.update(.key(.char(ch))) }
        #expect(model.update(.key(.enter)) == [.editFile("app/new.py")], "a path offered nowhere opens as typed")

        _ = model.update(.key(.char("E")))
        #expect(model.update(.key(.escape)).isEmpty)
        #expect(model.prompt == nil)
    }

    @Test("E and ! wait for a running job; without an editor E says why at once")
    func stepAsideRefusals() {
        var model = Self.inFix()
        #expect(model.update(.key(.char("!"))) == [.openShell])
        _ = model.update(.key(.enter))  // hotfix diff starts
        #expect(model.update(.key(.char("!"))).isEmpty)
        #expect(model.status?.text.hasPrefix("wait for the running job to finish (starting hotfix diff), then open a shell") == true)
        #expect(model.update(.key(.char("E"))).isEmpty)
        #expect(model.prompt == nil)
        _ = model.update(.activity(nil))

        model.editor = nil
        model.editorProblem = "no editor: $VISUAL and $EDITOR are not set, and neither vi nor nano is installed; nothing was opened"
        #expect(model.update(.key(.char("E"))).isEmpty)
        #expect(model.prompt == nil)
        #expect(model.status?.text.hasPrefix("no editor: $VISUAL and $EDITOR are not set") == true)
    }

    @Test("c types the message after Fix:, shows the exact commands in the pane, and commits only on y")
    func commitTheFix() {
        var model = Self.inFix()
        _ = model.update(.fix(Self.edited))
        #expect(model.update(.key(.char("c"))).isEmpty)
        guard case .commitMessage(let input) = model.prompt else { Issue.record("no message field"); return }
        #expect(input.text == "Fix: ")
        #expect(Self.text(model).contains("adds and commits: app/users.py"))
        #expect(model.update(.key(.enter)).isEmpty, "nothing said after Fix:")
        #expect(model.status?.text.contains("says nothing after 'Fix:'") == true)
        for ch in "return None for an unknown user" { _ = model.update(.key(.char(ch))) }
        let request = CommitRequest(message: "Fix: return None for an unknown user")
        #expect(model.update(.key(.enter)) == [.plan(.commit(request))], "the plan first (git status read again), not the commit")
        #expect(model.activity == "showing the plan of the commit")

        let entries = [StatusEntry(code: " M", path: "app/users.py")]
        let confirmed = CommitRequest(message: request.message, expected: entries)
        _ = model.update(.confirm(.commit(confirmed), question: "Commit 1 file to hotfix/001-api-500 as shown?"))
        _ = model.update(.activity(nil))
        let screen = Self.text(model)
        #expect(screen.contains("y runs these, n or enter cancels:"))
        #expect(screen.contains("$ git add -- app/users.py"))
        #expect(screen.contains("$ git commit -m 'Fix: return None for an"), "the message whole, wrapped rather than cut:\n\(screen)")
        #expect(screen.contains("unknown user'"))
        #expect(screen.contains("Commit 1 file to hotfix/001-api-500 as shown? [y/N]"))
        #expect(model.update(.key(.char("y"))) == [.start(.commit(confirmed))])
        #expect(ConsoleJob.commit(confirmed).commands == [["commit", "-m", "Fix: return None for an unknown user"]])

        _ = model.update(.activity(nil))
        let refused = HotfixError.refused("git commit failed (exit 1): lint: line too long", untouched: "nothing was committed",
                                          next: "fix what it says, then commit again")
        _ = model.update(.commitEnded(refused))
        let failed = Self.text(model)
        #expect(failed.contains("✗ git commit failed (exit 1): lint: line too long"), "\(failed)")
        #expect(failed.contains("lint: line too long"))
        #expect(failed.contains("next: fix what it says, then commit again"))
        _ = model.update(.key(.char("c")))
        #expect(model.commitFailure == nil, "a new attempt clears the old failure")
    }

    /// n with nothing committed: at 80 columns the override field leaves the status row about forty
    /// characters, and those say what is wrong (tried by hand: they used to end in "has no commit that mai").
    @Test("n without a commit says so on the 80-column status row")
    func nextWithoutACommitSaysSoAt80Columns() {
        var model = Self.inFix()
        _ = model.update(.fix(FixProgress(branch: Self.branch, main: "main", checkedOut: Self.branch)))
        #expect(model.update(.key(.char("n"))).isEmpty)
        guard case .override = model.prompt else { Issue.record("no override prompt"); return }
        let status = Self.text(model).split(separator: "\n").dropLast().last.map(String.init) ?? ""
        #expect(status.contains("override reason:") && status.contains("no fix committed yet: hotfix/001-api-500"), "\(status)")

        _ = model.update(.key(.escape))
        _ = model.update(.fix(FixProgress(branch: Self.branch, main: "main", uncommitted: ["app/users.py"], checkedOut: Self.branch)))
        _ = model.update(.key(.char("n")))
        let uncommitted = Self.text(model).split(separator: "\n").dropLast().last.map(String.init) ?? ""
        #expect(uncommitted.contains("the fix is not committed yet"), "\(uncommitted)")
    }

    @Test("c is refused when there is nothing to commit, off the branch, or after TEST")
    func commitRefusals() {
        var model = Self.inFix()
        _ = model.update(.fix(FixProgress(branch: Self.branch, main: "main", checkedOut: Self.branch)))
        _ = model.update(.key(.char("c")))
        #expect(model.prompt == nil)
        #expect(model.status?.text.hasPrefix("nothing to commit: the work tree of hotfix/001-api-500 has no change") == true)
        _ = model.update(.fix(FixProgress(branch: Self.branch, main: "main", uncommitted: ["a.py"], checkedOut: "main")))
        _ = model.update(.key(.char("c")))
        #expect(model.status?.text.hasPrefix("the work tree is on main, not hotfix/001-api-500") == true)

        var deploy = IncidentFixture.model(in: .deploy, size: Self.size)
        _ = deploy.update(.key(.char("3")))
        _ = deploy.update(.key(.char("c")))
        #expect(deploy.prompt == nil)
        #expect(deploy.status?.text.hasPrefix("the fix is committed in FIX (or TEST, before the deploy); the active phase is DEPLOY") == true)
    }

    @Test("the help bar and the ? overlay list FIX's keys")
    func keysAreListed() {
        let model = Self.inFix()
        let bar = Screen.render(model).lines().last ?? ""
        #expect(bar.contains("E edit") && bar.contains("c commit") && bar.contains("n next phase"), "\(bar)")
        let fix = model.keyMap.sections.first { $0.title == "FIX phase" }
        #expect(fix?.rows.map(\.keys) == ["E", "!", "c", "enter"])
    }
}

@Suite("FIX screens against golden files")
struct FixGoldenTests {
    static let drill = Drill(file: "app/users.py",
                             problem: "get_user() indexes the None find_user() returns for an unknown id: GET /users/999 answers 500.",
                             failing: "tests.test_users, tests.test_server", tests: ["tests/test_users.py", "tests/test_server.py"],
                             logging: "the checklist wants a logger call on a line the fix adds. app/users.py has none yet: add import logging "
                                + "and log = logging.getLogger(\"users-api\") as app/server.py does, then in get_user: if user is None: "
                                + "log.warning(\"no user %s\", user_id) and return None.")

    /// The demo just after BRANCH: nothing changed yet, what is wrong said.
    static func demo(_ size: Size) -> ConsoleModel {
        var model = FixPaneTests.inFix(size: size)
        model.repository = "/tmp/hotfix-demo-Ab12Cd/work"
        model.drill = drill
        _ = model.update(.fix(FixProgress(branch: FixPaneTests.branch, main: "main", checkedOut: FixPaneTests.branch,
                                          changes: DiffReview(base: IncidentFixture.sha, files: []))))
        return model
    }

    @Test("the demo's FIX pane, the file picker, the commit's question and a refused commit")
    func screens() throws {
        for size in [Size(width: 80, height: 24), Size(width: 160, height: 48)] {
            try Golden.check(Screen.render(Self.demo(size)), "fix-demo-\(size.width)x\(size.height)")
        }
        var pick = Self.demo(Size(width: 80, height: 24))
        _ = pick.update(.fix(FixPaneTests.edited))
        _ = pick.update(.namedFiles(["app/server.py"]))
        _ = pick.update(.key(.char("E")))
        try Golden.check(Screen.render(pick), "fix-pick-80x24")

        var commit = Self.demo(Size(width: 80, height: 24))
        _ = commit.update(.fix(FixPaneTests.edited))
        _ = commit.update(.key(.char("c")))
        for ch in "return None for an unknown user" { _ = commit.update(.key(.char(ch))) }
        try Golden.check(Screen.render(commit), "fix-commit-message-80x24")
        let request = CommitRequest(message: "Fix: return None for an unknown user", expected: [StatusEntry(code: " M", path: "app/users.py")])
        #expect(commit.update(.key(.enter)) == [.plan(.commit(CommitRequest(message: request.message)))])
        _ = commit.update(.confirm(.commit(request), question: "Commit 1 file to hotfix/001-api-500 as shown?"))
        _ = commit.update(.activity(nil))
        try Golden.check(Screen.render(commit), "fix-commit-confirm-80x24")

        _ = commit.update(.key(.char("y")))
        _ = commit.update(.activity(nil))
        _ = commit.update(.commitEnded(.refused("git does not know who you are (no user.email)",
                                                untouched: "nothing was committed; the changes stay staged",
                                                next: "set git config user.name and user.email (! in the console opens a shell), then commit again")))
        try Golden.check(Screen.render(commit), "fix-commit-refused-80x24")
    }
}

@Suite struct FixPanePathTests {
    @Test func aLongRepositoryPathGoesOnOverAnotherRowNeverCut() {
        let path = "/tmp/hotfix-demo-test-8B82899F/hotfix-demo-DUgAKS/work"
        let parts = FixPane.path(path, 43)
        #expect(parts == ["/tmp/hotfix-demo-test-8B82899F/", "hotfix-demo-DUgAKS/work"], "cut after a slash")
        #expect(parts.joined() == path)
        #expect(FixPane.path("/srv/users-api", 43) == ["/srv/users-api"])
        let long = String(repeating: "abcdefghij", count: 20)
        #expect(FixPane.path(long, 43).count == 3, "three rows at most")
        #expect(FixPane.path(long, 43).last?.hasPrefix("…") == true, "then the end is kept")
    }
}
