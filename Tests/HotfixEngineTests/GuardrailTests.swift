import Foundation
import Testing
@testable import HotfixEngine

@Suite struct GuardrailTests {
    func inTest() throws -> Scripted {
        var s = Scripted()
        for i in 1...3 { try s.perform(.advance(override: nil, fix: i == 3 ? committedFix : nil), at: t0 + Double(i) * 60) }
        #expect(s.state.phase == .test)
        return s
    }

    @Test func phasesWalkInOrderUntilTestOnceTheFixIsCommitted() throws {
        let s = try inTest()
        #expect(s.state.visits.map(\.phase) == [.assess, .branch, .fix, .test])
        #expect(s.state.overrides.isEmpty)
    }

    func inFix() throws -> Scripted {
        var s = Scripted()
        for i in 1...2 { try s.perform(.advance(override: nil), at: t0 + Double(i) * 60) }
        #expect(s.state.phase == .fix)
        return s
    }

    func refusal(_ s: Scripted, fix: FixProgress?) -> HotfixError? {
        do { _ = try Engine.decide(.advance(override: nil, fix: fix), state: s.state); return nil } catch { return error }
    }

    @Test func leavingFixNeedsACommitThatMainDoesNotHave() throws {
        var s = try inFix()
        let empty = FixProgress(branch: "hotfix/001-api-500", main: "main", checkedOut: "hotfix/001-api-500")
        let error = try #require(refusal(s, fix: empty))
        #expect(error.kind == .refused)
        #expect(error.message == "cannot move FIX → TEST: no fix committed yet: hotfix/001-api-500 has no commit that main does not have")
        #expect(error.next?.contains("commit it") == true)
        #expect(error.next?.contains("--override REASON") == true)
        #expect(Guardrails.forAdvance(in: s.state, fix: empty).map(\.rule) == [.commit])
        #expect(Guardrails.forAdvance(in: s.state, fix: committedFix).isEmpty)
        try s.perform(.advance(override: nil, fix: committedFix), at: t0 + 600)
        #expect(s.state.phase == .test)
    }

    @Test func uncommittedChangesAreNamedWithCommitThemFirst() throws {
        let s = try inFix()
        let dirty = FixProgress(branch: "hotfix/001-api-500", main: "main", uncommitted: ["app/users.py", "app/new_helper.py"],
                                checkedOut: "hotfix/001-api-500")
        let error = try #require(refusal(s, fix: dirty))
        #expect(error.message.hasSuffix("uncommitted changes: app/users.py, app/new_helper.py"))
        #expect(error.next?.hasPrefix("commit them first (git add app/users.py app/new_helper.py && git commit -m \"Fix: …\")") == true)
        // Changes in a work tree that is on another branch are not the fix's: switch first.
        var elsewhere = dirty
        elsewhere.checkedOut = "main"
        #expect(refusal(s, fix: elsewhere)?.message.hasSuffix("the work tree is on main") == true)
        #expect(refusal(s, fix: elsewhere)?.next?.hasPrefix("git switch hotfix/001-api-500") == true)
    }

    @Test func anUnreadOrMissingBranchIsRefusedNotPassed() throws {
        let s = try inFix()
        #expect(refusal(s, fix: nil)?.message.contains("was not read from git") == true, "nobody read git: never a silent pass")
        let missing = FixProgress(branch: "hotfix/001-api-500", main: "main", branchExists: false)
        #expect(refusal(s, fix: missing)?.message.contains("hotfix/001-api-500 does not exist") == true)
        #expect(refusal(s, fix: missing)?.next?.hasPrefix("create it with hotfix branch") == true)
        let broken = FixProgress(branch: "hotfix/001-api-500", main: "trunk", problem: "branch trunk does not exist (git.main in .hotfix.yml)")
        #expect(refusal(s, fix: broken)?.message.contains("could not be read: branch trunk does not exist") == true)
    }

    @Test func anEmptyFixOverrideIsADeviationAndStatusShowsTheBlocker() throws {
        var s = try inFix()
        let empty = FixProgress(branch: "hotfix/001-api-500", main: "main", checkedOut: "hotfix/001-api-500")
        let status = StatusReport(s.state, now: t0 + 300, fix: empty)
        #expect(status.blockers.map(\.rule) == [.commit])
        #expect(status.blockers.first?.message.contains("has no commit") == true)
        try s.perform(.advance(override: "config-only fix applied in the cluster", fix: empty), at: t0 + 400)
        #expect(s.state.phase == .test)
        #expect(s.state.overrides.map(\.override.rule) == [.commit])
        let report = Report.markdown(CloseFacts(state: s.state, now: t0 + 500))
        #expect(report.contains("Guardrail 'commit' overridden (next FIX → TEST): config-only fix applied in the cluster"))
    }

    @Test func deployIsRefusedUntilEveryItemIsPassedOrWaived() throws {
        var s = try inTest()
        #expect(throws: HotfixError.self) { try s.perform(.advance(override: nil), at: t0 + 300) }
        do { try s.perform(.advance(override: nil), at: t0 + 300) } catch {
            #expect(error.kind == .refused)
            #expect(error.exitCode == 1)
            for item in ChecklistItem.allCases { #expect(error.message.contains(item.rawValue)) }
        }
        try s.perform(.check(Check(item: .testsPass, status: .passed, evidence: "42 passed")), at: t0 + 310)
        try s.perform(.check(Check(item: .typeHints, status: .waived, reason: "Go: statically typed")), at: t0 + 320)
        for item in [ChecklistItem.noNewDeps, .loggingAdded] {
            try s.perform(.check(Check(item: item, status: .passed)), at: t0 + 330)
        }
        do { try s.perform(.advance(override: nil), at: t0 + 340) } catch {
            #expect(error.message.contains("rollback-plan (unchecked)"))
            #expect(!error.message.contains("tests-pass"))
        }
        try s.perform(.check(Check(item: .rollbackPlan, status: .failed)), at: t0 + 350)
        #expect(throws: HotfixError.self) { try s.perform(.advance(override: nil), at: t0 + 360) }
        try s.perform(.check(Check(item: .rollbackPlan, status: .passed, evidence: "undo to revision 4")), at: t0 + 370)
        try s.perform(.advance(override: nil), at: t0 + 380)
        #expect(s.state.phase == .deploy)
        #expect(s.state.overrides.isEmpty)
    }

    @Test func waivingNeedsAReason() throws {
        var s = try inTest()
        #expect(throws: HotfixError.self) { try s.perform(.check(Check(item: .typeHints, status: .waived, reason: "  ")), at: t0) }
    }

    @Test func anOverrideIsJournaledAsADeviation() throws {
        var s = try inTest()
        try s.perform(.advance(override: "deploying through CI/CD"), at: t0 + 400)
        #expect(s.state.phase == .deploy)
        #expect(s.state.overrides.count == 1)
        #expect(s.state.overrides[0].override.rule == .checklist)
        #expect(s.state.overrides[0].override.reason == "deploying through CI/CD")
    }

    @Test func leavingDeployNeedsAMonitoringVerdict() throws {
        var s = try inTest()
        s.passAll(at: t0 + 400)
        try s.perform(.advance(override: nil), at: t0 + 410)
        do { try s.perform(.advance(override: nil), at: t0 + 420); Issue.record("allowed without monitoring") } catch {
            #expect(error.message.contains("monitoring"))
        }
        s.record(.verdict(VerdictRecord(outcome: .pass, reasons: ["errors down 95%"], windowSeconds: 300)), at: t0 + 800)
        try s.perform(.advance(override: nil), at: t0 + 810)
        #expect(s.state.phase == .backport)
    }

    @Test func closeNeedsEveryBackportHandledAndTheTag() throws {
        var s = try inTest()
        s.passAll(at: t0 + 400)
        try s.perform(.advance(override: nil), at: t0 + 410)
        s.record(.verdict(VerdictRecord(outcome: .pass, reasons: [], windowSeconds: 300)), at: t0 + 800)
        try s.perform(.advance(override: nil), at: t0 + 810)
        do { try s.perform(.advance(override: nil), at: t0 + 820) } catch { #expect(error.message.contains("nothing has been backported")) }
        s.record(.git(GitRecord(step: .backport, target: "develop", outcome: .merged, sha: "abc")), at: t0 + 830)
        s.record(.git(GitRecord(step: .backport, target: "feature/a", outcome: .conflict, files: ["app.py"])), at: t0 + 831)
        do { try s.perform(.advance(override: nil), at: t0 + 840) } catch { #expect(error.message.contains("feature/a (conflict)")) }
        s.record(.git(GitRecord(step: .backport, target: "feature/a", outcome: .merged, sha: "def")), at: t0 + 850)
        try s.perform(.advance(override: nil), at: t0 + 860)
        #expect(s.state.phase == .close)
        do { try s.perform(.advance(override: nil), at: t0 + 870) } catch { #expect(error.message.contains("hotfix-001-api-500")) }
        s.record(.git(GitRecord(step: .tag, target: "hotfix-001-api-500", outcome: .done, sha: "123")), at: t0 + 880)
        try s.perform(.advance(override: nil), at: t0 + 890)
        #expect(s.state.isClosed)
        #expect(throws: HotfixError.self) { try s.perform(.assess(Assessment(broken: "x")), at: t0 + 900) }
        try s.perform(.note("late note"), at: t0 + 910)
    }

    @Test func assessKeepsEarlierAnswers() throws {
        var s = Scripted()
        try s.perform(.assess(Assessment(broken: "500 on /users")), at: t0 + 10)
        try s.perform(.assess(Assessment(impact: "all users")), at: t0 + 20)
        #expect(s.state.assessment == Assessment(broken: "500 on /users", impact: "all users"))
        #expect(throws: HotfixError.self) { try s.perform(.assess(Assessment()), at: t0) }
    }
}
