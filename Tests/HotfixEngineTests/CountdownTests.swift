import Foundation
import Testing
@testable import HotfixEngine

/// Countdowns at their edges, with a manual clock: no test sleeps.
@Suite struct CountdownTests {
    @Test func assessAtTargetIsStillOnTrack() {
        let s = Scripted()
        let timing = Timing(s.state, now: t0 + 5 * 60)
        #expect(timing.timing(of: .assess).used == 300)
        #expect(timing.timing(of: .assess).pace == .onTrack)
        #expect(timing.timing(of: .assess).remaining == 0)
    }

    @Test func fixBetweenTargetAndLimitIsPastTarget() throws {
        var s = Scripted()
        try s.perform(.advance(override: nil), at: t0 + 60)       // → BRANCH
        try s.perform(.advance(override: nil), at: t0 + 120)      // → FIX
        let atLimit = Timing(s.state, now: t0 + 120 + 60 * 60)
        #expect(atLimit.timing(of: .fix).pace == .pastTarget, "exactly at the limit is not yet overrun")
        let between = Timing(s.state, now: t0 + 120 + 45 * 60)
        #expect(between.timing(of: .fix).pace == .pastTarget)
        #expect(between.timing(of: .fix).remaining == TimeInterval(15 * 60))
        let past = Timing(s.state, now: t0 + 120 + 60 * 60 + 1)
        #expect(past.timing(of: .fix).pace == .overrun)
        #expect(past.timing(of: .fix).remaining == -1)
    }

    @Test func finishedPhasesStopTheirClock() throws {
        var s = Scripted()
        try s.perform(.advance(override: nil), at: t0 + 4 * 60 + 12)
        let later = Timing(s.state, now: t0 + 3 * 3600)
        #expect(later.timing(of: .assess).used == 252)
        #expect(later.timing(of: .assess).progress == .done)
        #expect(later.timing(of: .branch).progress == .active)
        #expect(later.timing(of: .fix).used == nil)
        #expect(later.timing(of: .fix).progress == .pending)
    }

    @Test func aResumedIncidentShowsWhatItWouldHaveShownHadItNeverStopped() throws {
        var s = Scripted()
        try s.perform(.advance(override: nil), at: t0 + 100)
        // "Resume" = replay the same events in a new process hours later.
        let resumed = IncidentState.replay(s.events)!
        let now = t0 + 5 * 3600
        #expect(Timing(resumed, now: now) == Timing(s.state, now: now))
        let t = Timing(resumed, now: now)
        #expect(t.elapsed == TimeInterval(5 * 3600))
        #expect(t.pace == .overrun)
        #expect(t.timing(of: .branch).used == TimeInterval(5 * 3600 - 100))
        #expect(t.timing(of: .branch).pace == .overrun)
    }

    @Test func overallCountdownAndDetectionToDeploy() throws {
        var s = Scripted()
        let t = Timing(s.state, now: t0 + 41 * 60 + 12)
        #expect(Durations.longClock(t.elapsed) == "0:41:12")
        #expect(Durations.longClock(t.remaining) == "1:18:48")
        #expect(t.detectionToDeploy == TimeInterval(41 * 60 + 12 + 600), "detection was 10 minutes before the start")
        s.record(.deploy(DeployRecord(.rollout, .done)), at: t0 + 50 * 60)
        let after = Timing(s.state, now: t0 + 90 * 60)
        #expect(after.deployed)
        #expect(after.detectionToDeploy == TimeInterval(60 * 60), "frozen at the rollout")
    }

    @Test func budgetsComeFromTheIncidentNotFromToday() {
        var budgets = Budgets.workflow
        budgets.phases[.assess] = .minutes(1, 2)
        let s = Scripted(budgets: budgets)
        #expect(Timing(s.state, now: t0 + 90).timing(of: .assess).pace == .pastTarget)
        #expect(Timing(s.state, now: t0 + 121).timing(of: .assess).pace == .overrun)
    }

    @Test func postmortemIsDue24HoursAfterVerifiedStable() {
        var s = Scripted()
        s.record(.verdict(VerdictRecord(outcome: .pass, reasons: ["errors dropped"], windowSeconds: 300)), at: t0 + 3600)
        #expect(Timing(s.state, now: t0 + 7200).postmortemDue == t0 + 3600 + 86400)
        s.record(.artifact(Artifact(kind: .postmortemDone, path: "docs/hotfix/x/postmortem.md")), at: t0 + 9000)
        #expect(Timing(s.state, now: t0 + 9001).postmortemDue == nil)
    }

    @Test(arguments: [(0.0, "0:00"), (59.9, "0:59"), (252, "4:12"), (1623, "27:03"), (3729, "1:02:09"), (-5, "0:00")])
    func clockFormat(_ seconds: Double, _ text: String) {
        #expect(Durations.clock(seconds) == text)
    }
}

@Suite struct TestCountsTests {
    @Test func readsEachRunnersSummary() {
        #expect(TestCounts.parse(["==== 12 passed, 1 failed in 0.31s ===="]) == TestCounts(passed: 12, failed: 1))
        #expect(TestCounts.parse(["Ran 4 tests in 0.002s", "", "OK"]) == TestCounts(passed: 4, failed: 0))
        #expect(TestCounts.parse(["Ran 5 tests in 0.01s", "FAILED (failures=1, errors=2)"]) == TestCounts(passed: 2, failed: 3))
        #expect(TestCounts.parse(["Executed 12 tests, with 1 failure (0 unexpected) in 0.1 seconds"]) == TestCounts(passed: 11, failed: 1))
        #expect(TestCounts.parse(["✔ Test run with 55 tests in 10 suites passed after 1.2 seconds."]) == TestCounts(passed: 55, failed: 0))
        #expect(TestCounts.parse(["--- PASS: TestA (0.00s)", "--- FAIL: TestB (0.00s)", "FAIL"]) == TestCounts(passed: 1, failed: 1))
        #expect(TestCounts.parse(["Tests:       1 failed, 12 passed, 13 total"]) == TestCounts(passed: 12, failed: 1))
        #expect(TestCounts.parse(["test result: ok. 3 passed; 0 failed; 0 ignored", "test result: FAILED. 1 passed; 2 failed;"]) == TestCounts(passed: 4, failed: 2))
        #expect(TestCounts.parse(["nothing recognisable"]) == nil)
    }
}
