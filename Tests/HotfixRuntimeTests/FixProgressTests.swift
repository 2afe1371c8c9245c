import Foundation
import Testing
import HotfixEngine
@testable import HotfixRuntime

/// What leaving FIX is judged on, read from a real repository in each state a person leaves it in.
@Suite struct FixProgressTests {
    func progress(_ f: GitFixture, settings: GitSettings = .workflow) async -> FixProgress {
        await DiffWatch(git: GitClient(directory: f.work), settings: settings).progress(id: GitFixture.id)
    }

    @Test func aBranchWithoutACommitThenWithOne() async throws {
        let f = try await GitFixture.make()
        defer { f.remove() }
        var p = await progress(f)
        #expect(p.branchExists == false, "no branch yet")
        #expect(p.checkedOut == "main")

        try await f.git("checkout", "-q", "-b", "hotfix/001-api-500")
        try f.write("app.txt", "line 1\nline 2 fixed\nline 3\n")
        try f.write("new helper.py", "x = 1\n")
        p = await progress(f)
        #expect(p.branchExists && p.commits.isEmpty && p.problem == nil)
        #expect(p.onBranch)
        #expect(p.uncommitted.sorted() == ["app.txt", "new helper.py"], "edited and untracked files, named as git shows them")

        try await f.git("commit", "-q", "-am", "Fix the bug on line 2")
        p = await progress(f)
        #expect(p.commits.count == 1)
        #expect(p.commits.first?.hasSuffix(" Fix the bug on line 2") == true)
        #expect(p.uncommitted == ["new helper.py"])
    }

    @Test func aDetachedHeadAndAMissingMainAreToldApart() async throws {
        let f = try await GitFixture.make()
        defer { f.remove() }
        try await f.git("branch", "hotfix/001-api-500")
        try await f.git("checkout", "-q", "--detach")
        var p = await progress(f)
        #expect(p.checkedOut == nil)
        #expect(p.branchExists && p.commits.isEmpty && p.problem == nil)

        var trunk = GitSettings.workflow
        trunk.main = "trunk"
        p = await progress(f, settings: trunk)
        #expect(p.problem == "branch trunk does not exist (git.main in .hotfix.yml)")
    }

    @Test func theStatusHeaderNamesTheBranch() {
        #expect(GitClient.branch(statusHeader: "## main...origin/main [ahead 1]") == "main")
        #expect(GitClient.branch(statusHeader: "## hotfix/001-api-500") == "hotfix/001-api-500")
        #expect(GitClient.branch(statusHeader: "## No commits yet on main") == "main")
        #expect(GitClient.branch(statusHeader: "## HEAD (no branch)") == nil)
    }

    @Test func theConsolesReadingHasTheFilesAndLinesAgainstMainWithTheirWarnings() async throws {
        let f = try await GitFixture.make()
        defer { f.remove() }
        try await f.git("checkout", "-q", "-b", "hotfix/001-api-500")
        try f.write("app.txt", "line 1\nline 2 fixed\nline 3\n")
        try await f.git("commit", "-q", "-am", "Fix: line 2")
        try f.write("helper.py", "a = 1\nb = 2\n")
        let p = await DiffWatch(git: GitClient(directory: f.work), settings: .workflow).progress(id: GitFixture.id, changes: true)
        let review = try #require(p.changes)
        #expect(review.files.map(\.path) == ["app.txt", "helper.py"], "committed and not yet committed, as the pane lists them")
        let helper = try #require(review.files.first { $0.path == "helper.py" })
        #expect(helper.added == 2 && helper.isNew)
        #expect(review.warnings.map(\.kind) == [.manyFiles, .newFile])
        #expect(review.functions.isEmpty, "the live reading runs no python3")
        #expect(p.uncommitted == ["helper.py"])
        #expect(await DiffWatch(git: GitClient(directory: f.work), settings: .workflow).progress(id: GitFixture.id).changes == nil,
                "the guardrail's reading stays two git commands")
    }

    @Test func statusEntriesKeepTheCodeAndARenamesSource() async throws {
        let f = try await GitFixture.make()
        defer { f.remove() }
        try FileManager.default.createDirectory(atPath: f.work + "/new dir", withIntermediateDirectories: true)
        try f.write("new dir/a b.txt", "x\n")
        try await f.git("mv", "app.txt", "moved.txt")
        try f.write("moved.txt", "changed after the move\n")
        let entries = try await GitClient(directory: f.work).statusEntries()
        #expect(entries == [StatusEntry(code: "RM", path: "moved.txt", from: "app.txt"), StatusEntry(code: "??", path: "new dir/a b.txt")],
                "\(entries)")
    }
}
