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
