import Foundation
import HotfixEngine
import Testing

@Suite("Finish plan decisions from repository facts")
struct GitPlanTests {
    let id = try! IncidentID("001-api-500")
    let fix = "f1x"

    func facts(main: BranchTip? = nil, targets: [BranchTip] = [], mainMerge: String? = nil,
               localTag: TagFact? = nil, remoteTag: TagFact? = nil) -> RepoFacts {
        RepoFacts(id: id, title: "API 500", settings: .workflow, hasRemote: true, head: "hotfix/001-api-500",
                  hotfix: BranchTip(name: "hotfix/001-api-500", local: fix, remote: nil), fixTip: fix, fixCommits: 1,
                  main: main ?? BranchTip(name: "main", local: "m0", remote: "m0"), mainMerge: mainMerge,
                  targets: targets, localTag: localTag, remoteTag: remoteTag)
    }

    @Test func aMergedMainIsPushedWithTheTagByName() {
        var f = facts()
        f.merged("main", into: "m1")
        f.tagged(TagFact(object: "t1", commit: "m1"))
        #expect(f.main.relation == .localAhead)
        let d = FinishPlan.decide(.push, f, FinishOptions(scope: .finish))
        #expect(d == .act([.push(remote: "origin", refspecs: ["refs/heads/main:refs/heads/main",
                                                               "refs/tags/hotfix-001-api-500:refs/tags/hotfix-001-api-500"])], outcome: .done))
    }
}

extension GitPlanTests {
    func target(_ name: String, local: String? = nil, remote: String? = nil, relation: TipRelation? = nil,
                hasFix: Bool = false, parents: [String] = []) -> BranchTip {
        BranchTip(name: name, local: local, remote: remote, relation: relation, localParents: parents,
                  remoteParents: parents, localHasFix: hasFix, remoteHasFix: hasFix)
    }

    @Test func aBranchWhoseTipMergedTheFixIsMergedAndOneThatAlreadyHadItIsUpToDate() {
        let f = facts(targets: [target("develop", local: "d1", remote: "d1", hasFix: true, parents: ["d0", fix]),
                                target("feature/a", remote: "a1", hasFix: true, parents: ["a0"])])
        let o = FinishOptions(scope: .backport)
        #expect(FinishPlan.decide(.backport("develop"), f, o) == .already(.merged, sha: "d1", detail: "merged earlier"))
        #expect(FinishPlan.decide(.backport("feature/a"), f, o) == .already(.upToDate, sha: "a1", detail: "already contains the fix"))
    }

    @Test func aPredictedConflictLeavesTheBranchAndACleanOneMergesOnTheNewerTip() {
        var f = facts(targets: [target("feature/a", local: "a0", remote: "a1", relation: .remoteAhead),
                                target("feature/c", remote: "c1")])
        f.predictions = ["feature/a": MergePrediction(base: "a1", tree: "t1", conflicts: []),
                         "feature/c": MergePrediction(base: "c1", tree: nil, conflicts: ["app.txt"])]
        let o = FinishOptions(scope: .backport)
        #expect(FinishPlan.decide(.backport("feature/c"), f, o) == .conflict(["app.txt"]))
        guard case .act(let actions, .merged) = FinishPlan.decide(.backport("feature/a"), f, o),
              case .merge(let m) = actions.first else { Issue.record("expected a merge"); return }
        // Built on the remote tip; the local branch may only move from where it was.
        #expect(m.base == "a1" && m.expected == "a0" && m.tree == "t1" && m.fix == fix)
        #expect(m.message == "Merge hotfix/001-api-500 into feature/a (backport of hotfix 001-api-500)")
    }

    @Test func divergedSkippedAndMissingTargetsAreReportedNotMerged() {
        var f = facts(targets: [target("feature/d", local: "x", remote: "y", relation: .diverged),
                                target("feature/s", remote: "s1")])
        f.skipped = ["feature/s": "abandoned"]
        let o = FinishOptions(scope: .backport)
        guard case .fail(let why) = FinishPlan.decide(.backport("feature/d"), f, o) else { Issue.record("diverged merged"); return }
        #expect(why.contains("diverged"))
        #expect(FinishPlan.decide(.backport("feature/s"), f, o) == .skip("abandoned"))
        guard case .act(let predictions, _) = FinishPlan.decide(.preflight, f, FinishOptions(scope: .finish)) else { Issue.record("no preflight"); return }
        #expect(predictions == [.predict(target: "main", base: "m0", fix: fix)], "skipped and diverged targets are not predicted")
    }

    @Test func theTagIsKeptOnTheMergeAndRefusedElsewhere() {
        let kept = facts(mainMerge: "m1", localTag: TagFact(object: "t", commit: "m1"))
        #expect(FinishPlan.decide(.tag, kept, FinishOptions(scope: .finish)) == .already(.done, sha: "m1", detail: "hotfix-001-api-500 is already on m1"))
        let elsewhere = facts(mainMerge: "m1", remoteTag: TagFact(object: "t", commit: "m0"))
        guard case .stop(let error) = FinishPlan.decide(.tag, elsewhere, FinishOptions(scope: .finish)) else { Issue.record("moved a tag"); return }
        #expect(error.message.contains("already exists on origin on m0"))
        #expect(FinishPlan.refusal(elsewhere, FinishOptions(scope: .finish)) != nil, "refused before anything runs")
        let remoteOnly = facts(mainMerge: "m1", remoteTag: TagFact(object: "t", commit: "m1"))
        #expect(FinishPlan.decide(.tag, remoteOnly, FinishOptions(scope: .finish)) == .act([.fetchTag(remote: "origin", name: "hotfix-001-api-500")], outcome: .done))
    }

    @Test func noPushAndKeepBranchSkipTheirStepsAndDeletingSwitchesToMainFirst() {
        var f = facts(mainMerge: "m1")
        f.hotfix.remote = fix
        let noPush = FinishOptions(scope: .finish, push: false)
        #expect(FinishPlan.decide(.push, f, noPush) == .skip("--no-push: nothing was pushed"))
        #expect(FinishPlan.decide(.deleteRemoteBranch, f, noPush) == .skip("--no-push: origin/hotfix/001-api-500 kept"))
        #expect(FinishPlan.decide(.deleteLocalBranch, f, FinishOptions(scope: .finish, keepBranch: true)) == .skip("--keep-branch: hotfix/001-api-500 kept"))
        #expect(FinishPlan.decide(.deleteLocalBranch, f, FinishOptions(scope: .finish))
            == .act([.checkout("main"), .deleteLocalBranch("hotfix/001-api-500")], outcome: .done))
        // The remote branch goes only once origin's main has the fix.
        guard case .stop = FinishPlan.decide(.deleteRemoteBranch, f, FinishOptions(scope: .finish)) else { Issue.record("deleted too early"); return }
    }

    @Test func refusalsComeBeforeAnyStep() {
        var dirty = facts()
        dirty.dirtyFiles = ["app.txt"]
        #expect(FinishPlan.refusal(dirty, FinishOptions(scope: .backport))?.message.contains("app.txt") == true)
        var empty = facts()
        empty.fixCommits = 0
        #expect(FinishPlan.refusal(empty, FinishOptions(scope: .backport))?.message.contains("no commits") == true)
        let diverged = facts(main: BranchTip(name: "main", local: "a", remote: "b", relation: .diverged))
        #expect(FinishPlan.refusal(diverged, FinishOptions(scope: .finish))?.message.contains("diverged") == true)
        #expect(FinishPlan.refusal(diverged, FinishOptions(scope: .backport)) == nil, "backports do not need main")
    }
}

@Suite("Ref names, settings and the minimal-change review")
struct GitRulesTests {
    @Test func refNamesFollowCheckRefFormat() {
        for bad in ["", "-x", "a b", "a..b", "a~1", "a^", "a:b", "a?", "a[b", "a\\b", "a/", "/a", "a.", "a.lock", "a/.b", "a@{1}", "a//b", "@", "a\u{7}"] {
            #expect(RefName.problem(bad) != nil, "\(bad) accepted")
        }
        for good in ["main", "hotfix/001-api-500", "release/2.1", "feature/UPPER_case"] {
            #expect(RefName.problem(good) == nil, "\(good) refused")
        }
        #expect(RefName.problem("feature/*") != nil && RefName.problem("feature/*", allowGlob: true) == nil)
    }

    @Test func patternsMatchWithStarsAcrossSlashes() {
        #expect(RefName.matches("feature/*", "feature/a"))
        #expect(RefName.matches("feature/*", "feature/team/a"))
        #expect(!RefName.matches("feature/*", "features/a"))
        #expect(RefName.matches("release/*", "release/2.1"))
        #expect(RefName.matches("*-hotfixable", "x-hotfixable"))
        let s = GitSettings(backport: ["feature/*", "release/*"])
        #expect(s.isBackportTarget("release/2.1", hotfixBranch: "hotfix/x"))
        #expect(!s.isBackportTarget("main", hotfixBranch: "hotfix/x"))
    }

    @Test func settingsNeedAnIdInNamesAndKeepBranchesApart() throws {
        try GitSettings.workflow.validate()
        #expect(throws: HotfixError.self) { try GitSettings(tag: "hotfix").validate() }
        #expect(throws: HotfixError.self) { try GitSettings(develop: "main").validate() }
        #expect(throws: HotfixError.self) { try GitSettings(backport: ["hotfix/*"]).validate() }
        #expect(throws: HotfixError.self) { try GitSettings(remote: "a/b").validate() }
        try GitSettings(remote: nil, develop: nil).validate()
    }

    @Test func messagesAreTemplatedOnOneCleanLine() throws {
        let id = try IncidentID("001-x")
        let m = MergeMessage.render("Merge {branch} into {target}: {title}", id: id, branch: "hotfix/001-x", target: "develop",
                                    title: "bad\nthing \u{1B}[31mred")
        #expect(m == "Merge hotfix/001-x into develop: bad thing red")
    }

    @Test func theReviewWarnsWithTheRuleBesideEachWarning() {
        let one = DiffReview(base: "b", files: [FileChange(path: "src/a.py", status: .modified, added: 3, removed: 1)])
        #expect(one.warnings.isEmpty)
        let many = DiffReview(base: "b", files: [
            FileChange(path: "src/a.py", status: .modified, added: 80, removed: 30),
            FileChange(path: "src/cache.py", status: .added, added: 20, removed: 0),
            FileChange(path: "requirements-dev.txt", status: .modified, added: 1, removed: 0),
            FileChange(path: "web/yarn.lock", status: .modified, added: 5, removed: 5),
        ])
        let byKind = Dictionary(uniqueKeysWithValues: many.warnings.map { ($0.kind, $0) })
        #expect(byKind[.manyFiles]?.rule == "ONE file if possible")
        #expect(byKind[.newFile]?.files == ["src/cache.py"])
        #expect(byKind[.dependency]?.files == ["requirements-dev.txt", "web/yarn.lock"])
        #expect(byKind[.largeDiff]?.message.hasPrefix("141 lines changed") == true)
        for name in ["Package.swift", "package.json", "pyproject.toml", "go.mod", "go.sum", "Cargo.toml", "Cargo.lock",
                     "Gemfile", "Gemfile.lock", "pom.xml", "build.gradle", "poetry.lock", "requirements.txt"] {
            #expect(DiffReview.isManifest("x/" + name), "\(name)")
        }
        #expect(!DiffReview.isManifest("src/package.py"))
    }
}
