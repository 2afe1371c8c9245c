import Foundation
import HotfixEngine
@testable import HotfixRuntime
import Testing

@Suite("Git flow against a real repository with a bare origin")
struct GitFlowTests {
    let id = GitFixture.id
    let options = FinishOptions(scope: .finish)

    /// Cuts the branch, commits the fix and (as for CI) pushes the branch.
    func start(_ f: GitFixture, push: Bool = true) async throws {
        _ = try await BranchStart(git: GitClient(directory: f.work), settings: f.settings).run(id: id, dryRun: false)
        try await f.commitFix()
        if push { try await f.git("push", "-q", "origin", "hotfix/001-api-500") }
    }

    /// The error `hotfix branch` stops with, or nil when it went through.
    func branchError(_ f: GitFixture, settings: GitSettings? = nil, id: IncidentID? = nil) async -> HotfixError? {
        do {
            _ = try await BranchStart(git: GitClient(directory: f.work), settings: settings ?? f.settings).run(id: id ?? self.id, dryRun: false)
            return nil
        } catch {
            return error
        }
    }

    func finish(_ f: GitFixture, _ journal: Journal, crashAfter: Int? = nil, options: FinishOptions? = nil) async throws -> FinishRun {
        try await f.flow(journal, crashAfter: crashAfter).finish(
            id: id, title: "API returns 500", memory: journal.memory, options: options ?? self.options, dryRun: false
        ) { run throws(HotfixError) in
            let open = GitFlow.unhandled(run)
            if !open.isEmpty { throw HotfixError.refused("unhandled: \(open.map(\.target))") }
        }
    }

    @Test func happyPathBackportsEverywhereTagsTheMergeAndDeletesTheBranch() async throws {
        let f = try await GitFixture.make()
        defer { f.remove() }
        try await start(f)
        let fix = try await f.git("rev-parse", "hotfix/001-api-500")
        let mainBefore = try await f.git("rev-parse", "main")
        let journal = Journal()
        let run = try await finish(f, journal)
        #expect(run.stopped == nil)

        for branch in ["main", "develop", "feature/a", "feature/b", "feature/c"] {
            // On origin, not just locally: the push happened.
            let r = try await ProcessRunner().run(["git", "merge-base", "--is-ancestor", fix, branch], in: f.origin)
            #expect(r.exitCode == 0, "origin/\(branch) lacks the fix")
        }
        let merge = try await f.originGit("rev-parse", "main")
        #expect(try await f.originGit("rev-parse", "main^1") == mainBefore)
        #expect(try await f.originGit("rev-parse", "main^2") == fix)
        #expect(try await f.originGit("rev-parse", "hotfix-001-api-500^{commit}") == merge)
        #expect(try await f.originGit("cat-file", "-t", "hotfix-001-api-500") == "tag")
        #expect(try await f.originGit("branch", "--list", "hotfix/001-api-500") == "")
        #expect(try await f.git("branch", "--list", "hotfix/001-api-500") == "")
        #expect(try await f.git("rev-parse", "--abbrev-ref", "HEAD") == "main")
        #expect(try await f.git("status", "--porcelain") == "")

        let records = journal.records
        for target in ["develop", "feature/a", "feature/b", "feature/c"] {
            let r = records.last { $0.step == .backport && $0.target == target }
            #expect(r?.outcome == .merged)
            #expect(r?.sha == (try await f.originGit("rev-parse", target)))
        }
        #expect(records.contains { $0.step == .mergeMain && $0.outcome == .merged && $0.sha == merge })
        #expect(records.contains { $0.step == .tag && $0.outcome == .done && $0.sha == merge })
        #expect(records.contains { $0.step == .push && $0.outcome == .done })
        // Every mutating command is reported, with the SHAs it produced; none pushes --tags.
        let argvs = journal.commands.map(\.result.argv)
        #expect(argvs.contains { $0.starts(with: ["git", "push", "--atomic"]) })
        #expect(!argvs.contains { $0.contains("--tags") })
        #expect(journal.commands.filter { $0.result.argv.contains("commit-tree") }.allSatisfy { $0.sha != nil })
        // The merge messages are the templates, not an editor's default.
        #expect(try await f.originGit("log", "-1", "--format=%s", "develop") == "Merge hotfix/001-api-500 into develop (backport of hotfix 001-api-500)")
    }

    @Test func aConflictingBranchIsLeftExactlyAsItWasAndARerunAfterResolvingFinishes() async throws {
        let f = try await GitFixture.make(conflicting: true)
        defer { f.remove() }
        try await start(f)
        let cBefore = try await f.originGit("rev-parse", "feature/c")
        let headBefore = try await f.git("rev-parse", "--symbolic-full-name", "HEAD")
        let journal = Journal()
        let run = try await f.flow(journal).backport(id: id, title: "t", memory: journal.memory, dryRun: false)
        #expect(run.stopped == nil)

        let c = journal.records.last { $0.step == .backport && $0.target == "feature/c" }
        #expect(c?.outcome == .conflict)
        #expect(c?.files == ["app.txt"])
        for t in ["develop", "feature/a", "feature/b"] {
            #expect(journal.records.last { $0.step == .backport && $0.target == t }?.outcome == .merged)
        }
        // Untouched: same SHA, no local branch made, clean tree, HEAD where it was, no merge in progress.
        #expect(try await f.git("rev-parse", "origin/feature/c") == cBefore)
        #expect(try await f.git("branch", "--list", "feature/c") == "")
        #expect(try await f.git("status", "--porcelain") == "")
        #expect(try await f.git("rev-parse", "--symbolic-full-name", "HEAD") == headBefore)
        #expect(!FileManager.default.fileExists(atPath: f.work + "/.git/MERGE_HEAD"))

        // Finishing now is refused before main is touched.
        let mainBefore = try await f.git("rev-parse", "main")
        await #expect(throws: HotfixError.self) { try await finish(f, journal) }
        #expect(try await f.git("rev-parse", "main") == mainBefore)

        // Resolve by hand, then rerun: only feature/c is left, and everything completes.
        try await f.git("checkout", "-q", "feature/c")
        let merge = try await ProcessRunner().run(["git", "merge", "--no-edit", "hotfix/001-api-500"], in: f.work)
        #expect(merge.exitCode == 1)
        try f.write("app.txt", "line 1\nline 2 fixed, and changed on feature/c\nline 3\n")
        try await f.git("commit", "-q", "-am", "Merge the hotfix into feature/c by hand")
        try await f.git("checkout", "-q", "hotfix/001-api-500")
        let commandsBefore = journal.commands.count
        let rerun = try await finish(f, journal)
        #expect(rerun.stopped == nil)
        let newMerges = journal.commands.dropFirst(commandsBefore).filter { $0.result.argv.contains("update-ref") }
        #expect(newMerges.count == 1, "only main is merged on the rerun")
        let fix = try await f.originGit("rev-parse", "main^2")
        for t in ["develop", "feature/a", "feature/b", "feature/c"] {
            let r = try await ProcessRunner().run(["git", "merge-base", "--is-ancestor", fix, t], in: f.origin)
            #expect(r.exitCode == 0, "origin/\(t) lacks the fix")
        }
        // The hand-made merge has the fix as its second parent: recognised as a merge.
        #expect(journal.records.last { $0.step == .backport && $0.target == "feature/c" }?.outcome == .merged)
    }

    @Test func aSkippedTargetIsNotMergedAndDoesNotBlockFinishing() async throws {
        let f = try await GitFixture.make(conflicting: true)
        defer { f.remove() }
        try await start(f)
        let journal = Journal()
        journal.git(GitRecord(step: .backport, target: "feature/c", outcome: .skipped, detail: "abandoned branch"))
        let cBefore = try await f.originGit("rev-parse", "feature/c")
        let run = try await finish(f, journal)
        #expect(run.stopped == nil)
        #expect(try await f.originGit("rev-parse", "feature/c") == cBefore)
        #expect(try await f.originGit("rev-parse", "hotfix-001-api-500^{commit}") == (try await f.originGit("rev-parse", "main")))
    }

    @Test func aConflictingBranchDeletedMeanwhileIsMarkedSkippedAndNoLongerBlocks() async throws {
        let f = try await GitFixture.make(conflicting: true)
        defer { f.remove() }
        try await start(f)
        let journal = Journal()
        _ = try await f.flow(journal).backport(id: id, title: "t", memory: journal.memory, dryRun: false)
        #expect(journal.memory.known["feature/c"] == .conflict)
        try await f.git("push", "-q", "origin", "--delete", "feature/c")
        let run = try await finish(f, journal)
        #expect(run.stopped == nil)
        let c = journal.records.last { $0.step == .backport && $0.target == "feature/c" }
        #expect(c?.outcome == .skipped)
        #expect(c?.detail?.contains("no longer exists") == true)
    }

    @Test func conflictingFilesAreNamedAsTheyAreNotOctalQuoted() async throws {
        let f = try await GitFixture.make()
        defer { f.remove() }
        try await f.git("checkout", "-q", "develop")
        try f.write("übersicht é.txt", "develop side\n")
        try await f.git("add", ".")
        try await f.git("commit", "-q", "-m", "develop adds a file")
        try await f.git("push", "-q", "origin", "develop")
        try await f.git("checkout", "-q", "main")
        _ = try await BranchStart(git: GitClient(directory: f.work), settings: f.settings).run(id: id, dryRun: false)
        try f.write("übersicht é.txt", "hotfix side\n")
        try await f.git("add", ".")
        try await f.git("commit", "-q", "-m", "the fix adds the same file")
        let journal = Journal()
        _ = try await f.flow(journal).backport(id: id, title: "t", dryRun: false)
        let develop = journal.records.last { $0.step == .backport && $0.target == "develop" }
        #expect(develop?.outcome == .conflict)
        #expect(develop?.files == ["übersicht é.txt"])
        #expect(journal.records.last { $0.step == .backport && $0.target == "feature/a" }?.outcome == .merged)
    }

    @Test func noPushKeepsEverythingLocalAndALaterRunPushesIt() async throws {
        let f = try await GitFixture.make()
        defer { f.remove() }
        try await start(f)
        let originMain = try await f.originGit("rev-parse", "main")
        let journal = Journal()
        let local = try await finish(f, journal, options: FinishOptions(scope: .finish, push: false))
        #expect(local.stopped == nil)
        #expect(try await f.originGit("rev-parse", "main") == originMain, "nothing pushed")
        #expect(try await f.originGit("branch", "--list", "hotfix/001-api-500") != "", "the remote branch is kept")
        let merge = try await f.git("rev-parse", "main")
        #expect(try await f.git("rev-parse", "hotfix-001-api-500^{commit}") == merge)
        #expect(!journal.commands.contains { $0.result.argv.starts(with: ["git", "push"]) })

        let pushed = try await finish(f, journal)
        #expect(pushed.stopped == nil)
        #expect(try await f.originGit("rev-parse", "main") == merge, "the same merge, pushed")
        #expect(try await f.originGit("rev-parse", "hotfix-001-api-500^{commit}") == merge)
        #expect(try await f.originGit("branch", "--list", "hotfix/001-api-500") == "")
    }

    /// The end state that matters, independent of commit timestamps: per branch on origin, its tree,
    /// how many parents it has and how many merges of the fix lie on it; the tag's commit; what is left.
    func shape(_ f: GitFixture) async throws -> [String] {
        var lines: [String] = []
        let fixTip = try await f.originGit("rev-parse", "main^2")
        for b in ["main", "develop", "feature/a", "feature/b", "feature/c"] {
            let tree = try await f.originGit("rev-parse", "\(b)^{tree}")
            let parents = try await f.originGit("rev-list", "--parents", "-n", "1", b).split(separator: " ").count - 1
            let merges = try await f.originGit("rev-list", "--merges", "--parents", b)
                .split(separator: "\n").filter { $0.split(separator: " ").dropFirst(2).contains(Substring(fixTip)) }.count
            lines.append("\(b) tree=\(tree) parents=\(parents) fix-merges=\(merges) local=\(try await f.git("rev-parse", b) == (try await f.originGit("rev-parse", b)))")
        }
        lines.append("tag=\(try await f.originGit("rev-parse", "hotfix-001-api-500^{commit}") == (try await f.originGit("rev-parse", "main")))")
        lines.append("local-tag=\(try await f.git("rev-parse", "hotfix-001-api-500^{commit}") == (try await f.originGit("rev-parse", "main")))")
        lines.append("branches=\(try await f.originGit("branch", "--list", "hotfix/*"))|\(try await f.git("branch", "--list", "hotfix/*"))")
        lines.append("head=\(try await f.git("rev-parse", "--abbrev-ref", "HEAD")) status=\(try await f.git("status", "--porcelain"))")
        return lines
    }

    @Test func aCrashAfterAnyCommandThenARerunEndsExactlyLikeAnUninterruptedRun() async throws {
        let reference = try await GitFixture.make()
        defer { reference.remove() }
        try await start(reference)
        let refJournal = Journal()
        _ = try await finish(reference, refJournal)
        let expected = try await shape(reference)
        let steps = refJournal.commands.count
        #expect(steps >= 10)

        for n in 1...steps {
            let f = try await GitFixture.make()
            defer { f.remove() }
            try await start(f)
            let journal = Journal()
            await #expect(throws: HotfixError.self, "crash after command \(n)") { try await finish(f, journal, crashAfter: n) }
            let rerun = try await finish(f, journal)
            #expect(rerun.stopped == nil, "rerun after crash \(n)")
            #expect(try await shape(f) == expected, "end state after a crash at command \(n)")
        }
    }

    @Test func dryRunsChangeNoRefAndNoFileAndListTheCommandsInOrder() async throws {
        let f = try await GitFixture.make(conflicting: true)
        defer { f.remove() }
        let git = GitClient(directory: f.work)
        let before = try await f.snapshot()
        let branch = try await BranchStart(git: git, settings: f.settings).run(id: id, dryRun: true)
        #expect(branch.commands.last == ["git", "checkout", "-q", "--no-track", "-b", "hotfix/001-api-500", try await f.git("rev-parse", "main")])
        #expect(try await f.snapshot() == before)

        try await start(f)
        let ready = try await f.snapshot()
        let journal = Journal()
        let run = try await f.flow(journal).finish(id: id, title: "t", options: options, dryRun: true) { _ throws(HotfixError) in }
        #expect(try await f.snapshot() == ready)
        #expect(journal.records.isEmpty && journal.commands.isEmpty)
        let commands = run.reports.flatMap(\.commands)
        let verbs = commands.map { $0.count > 1 ? $0[1] : "" }
        // Prediction first, then merges, the tag on the merge, one atomic push, the deletes.
        #expect(verbs.first == "merge-tree")
        let order = ["commit-tree", "tag", "push", "branch"].compactMap { verbs.firstIndex(of: $0) }
        #expect(order == order.sorted() && order.count == 4)
        #expect(run.reports.contains { $0.step == .backport("feature/c") && $0.record?.outcome == .conflict })
        let tag = commands.first { $0.count > 1 && $0[1] == "tag" }
        #expect(tag?.last == "<merge into main>")
        #expect(commands.contains { $0.starts(with: ["git", "push", "--atomic", "--porcelain", "origin"]) })
    }

    @Test func branchStartRefusesADirtyTreeNamingTheFiles() async throws {
        let f = try await GitFixture.make()
        defer { f.remove() }
        try f.write("app.txt", "edited\n")
        let before = try await f.snapshot()
        let error = await branchError(f)
        #expect(error != nil, "a dirty tree was accepted")
        #expect(error?.kind == .refused)
        #expect(error?.message.contains("app.txt") == true)
        #expect(try await f.snapshot() == before)
    }

    @Test func branchStartRefusesDivergedMainAndFastForwardsABehindMain() async throws {
        let f = try await GitFixture.make()
        defer { f.remove() }
        // Someone else pushes to main; locally main is now behind: fast-forwarded.
        let other = f.root + "/other"
        try await f.run(["clone", "-q", f.origin, other], in: f.root)
        try "remote change\n".write(toFile: other + "/remote.txt", atomically: true, encoding: .utf8)
        try await f.run(["add", "."], in: other)
        try await f.run(["-c", "user.name=O", "-c", "user.email=o@example.com", "commit", "-q", "-m", "remote"], in: other)
        try await f.run(["push", "-q", "origin", "main"], in: other)
        let result = try await BranchStart(git: GitClient(directory: f.work), settings: f.settings).run(id: id, dryRun: false)
        #expect(result.base == (try await f.originGit("rev-parse", "main")))
        #expect(try await f.git("rev-parse", "main") == result.base)
        #expect(try await f.git("rev-parse", "--abbrev-ref", "HEAD") == "hotfix/001-api-500")

        // Now diverge: a local commit on main, another on origin.
        try await f.git("checkout", "-q", "main")
        try f.write("local.txt", "local\n")
        try await f.git("add", ".")
        try await f.git("commit", "-q", "-m", "local")
        try "again\n".write(toFile: other + "/remote.txt", atomically: true, encoding: .utf8)
        try await f.run(["-c", "user.name=O", "-c", "user.email=o@example.com", "commit", "-q", "-am", "remote 2"], in: other)
        try await f.run(["push", "-q", "origin", "main"], in: other)
        let second = try IncidentID("002-other")
        let before = try await f.git("for-each-ref", "refs/heads")
        let error = await branchError(f, id: second)
        #expect(error != nil, "a diverged main was accepted")
        #expect(error?.message.contains("diverged") == true)
        #expect(try await f.git("for-each-ref", "refs/heads") == before)
    }

    @Test func branchStartRefusesAnExistingBranchOrTagLocallyOrOnTheRemote() async throws {
        let f = try await GitFixture.make()
        defer { f.remove() }
        let git = GitClient(directory: f.work)
        try await f.git("tag", "hotfix-001-api-500", "develop")
        #expect(await branchError(f) != nil)
        try await f.git("push", "-q", "origin", "hotfix-001-api-500")
        try await f.git("tag", "-d", "hotfix-001-api-500")
        #expect(await branchError(f) != nil)
        try await f.git("push", "-q", "origin", "main:refs/heads/hotfix/002-x")
        let error = await branchError(f, id: try IncidentID("002-x"))
        #expect(error != nil, "an existing remote branch was accepted")
        #expect(error?.message.contains("already exists on origin") == true)
        // A rerun of the same incident is not a clash: it switches to the branch it made.
        _ = try await BranchStart(git: git, settings: f.settings).run(id: try IncidentID("003-y"), dryRun: false)
        try await f.git("checkout", "-q", "main")
        let again = try await BranchStart(git: git, settings: f.settings).run(id: try IncidentID("003-y"), createdBefore: true, dryRun: false)
        #expect(again.alreadyCreated)
        #expect(try await f.git("rev-parse", "--abbrev-ref", "HEAD") == "hotfix/003-y")
    }

    @Test func branchStartWorksLocallyWithoutARemoteAndWarns() async throws {
        let f = try await GitFixture.make()
        defer { f.remove() }
        try await f.git("remote", "remove", "origin")
        let result = try await BranchStart(git: GitClient(directory: f.work), settings: f.settings).run(id: id, dryRun: false)
        #expect(result.warnings.contains { $0.contains("no remote 'origin'") })
        #expect(try await f.git("rev-parse", "--abbrev-ref", "HEAD") == "hotfix/001-api-500")
    }

    @Test func branchStartRefusesDetachedHeadAndAMergeInProgress() async throws {
        let f = try await GitFixture.make()
        defer { f.remove() }
        try await f.git("checkout", "-q", "--detach")
        #expect(await branchError(f) != nil)
        try await f.git("checkout", "-q", "main")
        try f.write("app.txt", "main side\n")
        try await f.git("commit", "-q", "-am", "main side")
        try await f.git("checkout", "-q", "-b", "side", "main~1")
        try f.write("app.txt", "other side\n")
        try await f.git("commit", "-q", "-am", "other side")
        _ = try? await f.git("merge", "main")
        let error = await branchError(f)
        #expect(error != nil, "a merge in progress was accepted")
        #expect(error?.message.contains("merge is in progress") == true)
    }

    @Test func finishRefusesATagAlreadyOnAnotherCommitAndChangesNothing() async throws {
        let f = try await GitFixture.make()
        defer { f.remove() }
        try await start(f)
        try await f.git("tag", "-a", "hotfix-001-api-500", "-m", "wrong", "main")
        let before = try await f.snapshot()
        let journal = Journal()
        do {
            _ = try await finish(f, journal)
            Issue.record("a tag elsewhere was accepted")
        } catch let error as HotfixError {
            #expect(error.message.contains("tag hotfix-001-api-500 already exists locally"))
        }
        #expect(try await f.snapshot() == before)
        #expect(!journal.commands.contains { $0.result.argv.contains("update-ref") })
    }

    @Test func finishRefusesADirtyTree() async throws {
        let f = try await GitFixture.make()
        defer { f.remove() }
        try await start(f)
        try f.write("app.txt", "half-done edit\n")
        let before = try await f.snapshot()
        do {
            _ = try await finish(f, Journal())
            Issue.record("a dirty tree was accepted")
        } catch let error as HotfixError {
            #expect(error.message.contains("app.txt"))
        }
        #expect(try await f.snapshot() == before)
    }

    @Test func theFixWatchListsFilesLinesAndMinimalChangeWarnings() async throws {
        let f = try await GitFixture.make()
        defer { f.remove() }
        try await start(f)
        let watch = DiffWatch(git: GitClient(directory: f.work), settings: f.settings)
        let one = try await watch.review(id: id)
        #expect(one.files.map(\.path) == ["app.txt"])
        #expect(one.added == 1 && one.removed == 1)
        #expect(one.warnings.isEmpty)
        // Uncommitted edits and new files show before they are committed.
        try f.write("package.json", "{}\n")
        try f.write("helper.txt", "new\nfile\n")
        let more = try await watch.review(id: id)
        #expect(Set(more.files.map(\.path)) == ["app.txt", "helper.txt", "package.json"])
        let kinds = more.warnings.map(\.kind)
        #expect(kinds.contains(.manyFiles) && kinds.contains(.newFile) && kinds.contains(.dependency))
        #expect(more.warnings.first { $0.kind == .dependency }?.rule == "NO new dependencies")

        // After finishing (branch deleted), the tagged merge still gives the fix's diff.
        try FileManager.default.removeItem(atPath: f.work + "/package.json")
        try FileManager.default.removeItem(atPath: f.work + "/helper.txt")
        _ = try await finish(f, Journal())
        let after = try await watch.review(id: id)
        #expect(after.files.map(\.path) == ["app.txt"])
    }
}

@Suite("Parsing git's diff output")
struct GitDiffParsingTests {
    @Test func renamesAddsAndBinariesAreParsedFromNulSeparatedOutput() {
        let raw = ":100644 100644 1111111 2222222 M\u{0}app.txt\u{0}:000000 100644 0000000 3333333 A\u{0}new.txt\u{0}"
            + ":100644 100644 4444444 4444444 R100\u{0}old name.txt\u{0}new name.txt\u{0}:100644 100644 5555555 6666666 M\u{0}logo.png\u{0}"
            + ":100644 000000 7777777 0000000 D\u{0}gone.txt\u{0}"
        let numstat = "1\t1\tapp.txt\u{0}3\t0\tnew.txt\u{0}0\t0\t\u{0}old name.txt\u{0}new name.txt\u{0}-\t-\tlogo.png\u{0}0\t2\tgone.txt\u{0}"
        let files = DiffWatch.parse(rawAndNumstat: raw + numstat)
        #expect(files.map(\.path) == ["app.txt", "new.txt", "new name.txt", "logo.png", "gone.txt"])
        #expect(files.map(\.status) == [.modified, .added, .renamed, .modified, .deleted])
        #expect(files[3].added == nil)
        #expect(files[4].removed == 2)
    }

    /// git's own output for a work tree with every kind of change, paths with a tab and a newline
    /// included, read by the one diff `hotfix diff` runs.
    @Test func everyKindOfChangeIsReadFromOneDiffOfTheWorkTree() async throws {
        let f = try await GitFixture.make()
        defer { f.remove() }
        let git = GitClient(directory: f.work)
        try f.write("keep.txt", "one\ntwo\nthree\n")
        try f.write("move me.txt", "a\nb\nc\nd\n")
        try f.write("gone.txt", "x\n")
        _ = try await git.value(["add", "-A"])
        _ = try await git.value(["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "base"])
        let base = try await git.value(["rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
        try f.write("keep.txt", "one\n2\nthree\nfour\n")
        _ = try await git.value(["mv", "move me.txt", "moved\there.txt"])
        _ = try await git.value(["rm", "-q", "gone.txt"])
        try f.write("new\nline.txt", "n\n")
        _ = try await git.value(["add", "new\nline.txt"])
        let both = try await git.value(["diff", "--no-color", "--no-ext-diff", "--raw", "--numstat", "-z", "-M", base])
        let files = DiffWatch.parse(rawAndNumstat: both).sorted { $0.path < $1.path }
        #expect(files.map(\.path) == ["gone.txt", "keep.txt", "moved\there.txt", "new\nline.txt"])
        #expect(files.map(\.status) == [.deleted, .modified, .renamed, .added])
        #expect(files.map(\.added) == [0, 2, 0, 1] && files.map(\.removed) == [1, 1, 0, 0])
    }
}
