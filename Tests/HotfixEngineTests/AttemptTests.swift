import Foundation
import Testing
@testable import HotfixEngine

/// Leaving DEPLOY needs a PASS; after a FAIL `retry` goes back to FIX for the next attempt on
/// the same branch and clock; every attempt keeps its deploy, verdict, rollback and checklist.
@Suite struct AttemptTests {
    static let image = "registry/app:hotfix-001-api-500"

    /// An incident in DEPLOY at minute 42 with the checklist passed (one item waived).
    static func inDeploy() throws -> Scripted {
        var s = Scripted()
        for m in 1...3 { try s.perform(.advance(override: nil, fix: committedFix), at: t0 + Double(m) * 60) }
        s.passAll(at: t0 + 40 * 60)
        try s.perform(.check(Check(item: .rollbackPlan, status: .waived, reason: "feature flag users.v2 can be switched off")), at: t0 + 41 * 60)
        try s.perform(.advance(override: nil), at: t0 + 42 * 60)
        return s
    }

    /// One deploy as the runner journals it: baseline, set-image, rollout, the verdict, maybe a rollback.
    static func deploy(_ s: inout Scripted, at minute: Double, outcome: VerdictRecord.Outcome, commit: String, rollback automatic: Bool? = nil) {
        func at(_ m: Double) -> Date { t0 + (minute + m) * 60 }
        s.record(.deploy(DeployRecord(.baseline, .done, image: "registry/app:1.4.2", revision: 1, detail: "selector app=api",
                                      commit: commit, commits: ["\(commit.prefix(7)) Fix: handle None from repo"])), at: at(0))
        s.record(.deploy(DeployRecord(.setImage, .done, image: image)), at: at(0.5))
        if outcome == .fail {
            s.record(.deploy(DeployRecord(.rollout, .stopped, image: image, detail: "stopped after 12 s: the window failed (CrashLoopBackOff)")), at: at(0.7))
            s.record(.verdict(VerdictRecord(outcome: .fail, reasons: ["pods: crashLoopBackOff app-2-x"], windowSeconds: 0)), at: at(0.7))
        } else {
            s.record(.deploy(DeployRecord(.rollout, .done, image: image, revision: 2)), at: at(1))
            s.record(.verdict(VerdictRecord(outcome: outcome, reasons: ["targeted error: dropped"], windowSeconds: 300)), at: at(6.5))
        }
        if let automatic { s.record(.rollback(RollbackRecord(revision: 1, image: "registry/app:1.4.2", outcome: .done, automatic: automatic)), at: at(1)) }
    }

    @Test func nextAfterAFailIsRefusedNamingTheVerdictAndRetryAndAnOverrideIsADeviation() throws {
        var s = try Self.inDeploy()
        Self.deploy(&s, at: 50, outcome: .fail, commit: "aaaaaaa1111", rollback: true)
        let refused = #expect(throws: HotfixError.self) { try Engine.decide(.advance(override: nil), state: s.state) }
        #expect(refused?.kind == .refused)
        #expect(refused?.message.contains("attempt 1's monitoring verdict is FAIL (rolled back): pods: crashLoopBackOff") == true, "\(refused?.message ?? "")")
        #expect(refused?.next?.contains("hotfix retry goes back to FIX for attempt 2") == true, "\(refused?.next ?? "")")
        let status = StatusReport(s.state, now: t0 + 3600)
        #expect(status.blockers.map(\.rule) == [.verdict])
        #expect(status.verdict == StatusReport.VerdictRow(attempt: 1, outcome: .fail, reasons: ["pods: crashLoopBackOff app-2-x"],
                                                          windowSeconds: 0, at: t0 + 50.7 * 60, rolledBack: true))
        // Overridden: the reason is journaled and reported as a deviation.
        try s.perform(.advance(override: "rolled back; fixing forward in the next release"), at: t0 + 55 * 60)
        #expect(s.state.phase == .backport)
        #expect(s.state.overrides.map(\.override.rule) == [.verdict])
        let report = Report.markdown(CloseFacts(state: s.state, now: t0 + 3600))
        #expect(report.contains("Guardrail 'verdict' overridden (next DEPLOY → BACKPORT): rolled back; fixing forward in the next release"), "\(report)")
    }

    @Test func marginalAndInconclusiveAskForAWrittenReason() throws {
        for outcome in [VerdictRecord.Outcome.marginal, .inconclusive] {
            var s = try Self.inDeploy()
            Self.deploy(&s, at: 50, outcome: outcome, commit: "bbb")
            let refused = #expect(throws: HotfixError.self) { try Engine.decide(.advance(override: nil), state: s.state) }
            #expect(refused?.message.contains("verdict is \(outcome), not PASS") == true, "\(refused?.message ?? "")")
            #expect(refused?.next?.hasPrefix("say why it is good enough: hotfix next --override REASON") == true)
            try s.perform(.advance(override: "error rate is back to normal in Grafana"), at: t0 + 60 * 60)
            #expect(s.state.phase == .backport)
        }
        var pass = try Self.inDeploy()
        Self.deploy(&pass, at: 50, outcome: .pass, commit: "ccc")
        #expect(Guardrails.forAdvance(in: pass.state).isEmpty, "a PASS leaves DEPLOY")
    }

    /// A PASS rolled back by hand afterwards (the on-call saw something the window did not) is no
    /// longer a fix in production: `next` is refused until it is deployed again or overridden.
    @Test func aPassRolledBackAfterwardsNoLongerLeavesDeploy() throws {
        var s = try Self.inDeploy()
        Self.deploy(&s, at: 50, outcome: .pass, commit: "ccc")
        s.record(.rollback(RollbackRecord(revision: 1, image: "registry/app:1.4.2", outcome: .done, automatic: false)), at: t0 + 58 * 60)
        let refused = #expect(throws: HotfixError.self) { try Engine.decide(.advance(override: nil), state: s.state) }
        #expect(refused?.message.contains("attempt 1 passed its monitoring window, then was rolled back to registry/app:1.4.2: the fix is not in production") == true,
                "\(refused?.message ?? "")")
        #expect(refused?.next?.hasPrefix("deploy it again (hotfix deploy, a new window) or hotfix retry goes back to FIX for attempt 2") == true, "\(refused?.next ?? "")")
        #expect(StatusReport(s.state, now: t0 + 3600).blockers.map(\.rule) == [.verdict])
        // retry is offered (a PASS not rolled back has nothing to retry).
        #expect(try Engine.retry(s.state) == RetryRecord(attempt: 2, after: .pass))
        // A new deploy is a new attempt with its own window: its PASS leaves DEPLOY again.
        Self.deploy(&s, at: 60, outcome: .pass, commit: "ccc")
        #expect(s.state.latestAttempt?.number == 2)
        #expect(Guardrails.forAdvance(in: s.state).isEmpty)
        // A rollback that failed changes nothing.
        var failed = try Self.inDeploy()
        Self.deploy(&failed, at: 50, outcome: .pass, commit: "ddd")
        failed.record(.rollback(RollbackRecord(revision: 1, image: nil, outcome: .failed("forbidden"), automatic: false)), at: t0 + 58 * 60)
        #expect(Guardrails.forAdvance(in: failed.state).isEmpty)
        #expect(throws: HotfixError.self) { try Engine.retry(failed.state) }
    }

    @Test func retryGoesBackToFixOnTheSameClockAndTheSecondAttemptPassesAndIsReported() throws {
        var s = try Self.inDeploy()
        let started = s.state.startedAt
        Self.deploy(&s, at: 50, outcome: .fail, commit: "aaaaaaa1111", rollback: true)
        let bodies = try s.perform(.retry, at: t0 + 53 * 60)
        #expect(bodies == [.retried(RetryRecord(attempt: 2, after: .fail))])
        #expect(s.state.phase == .fix)
        #expect(s.state.startedAt == started, "the clock keeps running")
        #expect(s.state.attemptNumber == 2)
        // The checklist is earned again for the new code; the waiver stands; attempt 1 keeps its evidence.
        #expect(s.state.checklist[.testsPass]?.status == .unchecked)
        #expect(s.state.checklist[.rollbackPlan]?.status == .waived)
        #expect(s.state.attempts[0].checklist[.testsPass]?.status == .passed)
        #expect(s.state.attempts[0].checklist[.testsPass]?.evidence == "ok")
        // The phases ahead are to be done again; FIX keeps counting from its first visit.
        let timing = Timing(s.state, now: t0 + 54 * 60)
        #expect(timing.timing(of: .fix).progress == .active)
        #expect(timing.timing(of: .test).progress == .pending && timing.timing(of: .deploy).progress == .pending)
        #expect(abs((timing.timing(of: .fix).used ?? 0) - 120) < 0.01, "a minute of the first visit and one since the retry")

        // Leaving FIX needs a commit attempt 1 did not deploy (it deployed aaaaaaa1111).
        let same = FixProgress(branch: "hotfix/001-api-500", main: "main", commits: ["aaaaaaa Fix: handle None from repo"],
                               checkedOut: "hotfix/001-api-500")
        let refused = #expect(throws: HotfixError.self) { try Engine.decide(.advance(override: nil, fix: same), state: s.state) }
        #expect(refused?.message.contains("attempt 1 deployed aaaaaaa (FAIL) and hotfix/001-api-500 has no commit since") == true,
                "\(refused?.message ?? "")")
        #expect(Guardrails.forAdvance(in: s.state, fix: same).map(\.rule) == [.commit])
        var second = same
        second.commits.insert("ddddddd Fix: guard the import too", at: 0)
        // FIX → TEST → DEPLOY again through the gate, then attempt 2 passes.
        try s.perform(.advance(override: nil, fix: second), at: t0 + 60 * 60)
        #expect(throws: HotfixError.self) { try Engine.decide(.advance(override: nil), state: s.state) }
        s.passAll(at: t0 + 65 * 60)
        try s.perform(.advance(override: nil), at: t0 + 66 * 60)
        #expect(s.state.attemptNumber == 2)
        Self.deploy(&s, at: 70, outcome: .pass, commit: "ddddddd2222")
        #expect(s.state.attempts.count == 2)
        #expect(s.state.attempts.map { $0.outcome } == [.fail, .pass])
        #expect(s.state.attempts[0].rollback?.record.automatic == true && s.state.attempts[1].rollback == nil)
        #expect(s.state.attempts.map(\.commit) == ["aaaaaaa1111", "ddddddd2222"])
        #expect(s.state.verifiedAt == t0 + 76.5 * 60, "verified by attempt 2's PASS")
        #expect(s.state.deployedAt == t0 + 71 * 60, "attempt 2's rollout")
        try s.perform(.advance(override: nil), at: t0 + 77 * 60)
        #expect(s.state.phase == .backport)

        let status = StatusReport(s.state, now: t0 + 78 * 60)
        #expect(status.attempt == 2)
        #expect(status.attempts.map(\.verdict) == [.fail, .pass])
        #expect(status.attempts[0].retriedAt == t0 + 53 * 60)
        #expect(status.attempts[0].rollbacks.map(\.automatic) == [true])
        #expect(status.attempts[0].checklist.first { $0.item == .testsPass }?.evidence == "ok")
        #expect(status.verdict?.attempt == 2 && status.verdict?.outcome == .pass)

        let facts = CloseFacts(state: s.state, now: t0 + 80 * 60)
        let report = Report.markdown(facts)
        #expect(report.contains("### Attempts"))
        #expect(report.contains("- ❌ Attempt 1: FAIL — `registry/app:hotfix-001-api-500` (commit aaaaaaa) set at "), "\(report)")
        #expect(report.contains("rolled back automatically to revision 1 at "), "\(report)")
        #expect(report.contains("- ✅ Attempt 2: PASS — `registry/app:hotfix-001-api-500` (commit ddddddd) rolled out at "), "\(report)")
        #expect(report.contains("- ✅ Production (`registry/app:hotfix-001-api-500` at "), "attempt 2 runs in production: \(report)")
        #expect(report.contains("verdict PASS (attempt 2 of 2)"))
        #expect(report.contains("Attempt 1: monitoring verdict FAIL: pods: crashLoopBackOff app-2-x"), "a deviation")
        let pm = Postmortem.markdown(facts, events: s.events)
        #expect(pm.contains("❌ Attempt 1: FAIL"), "\(pm)")
        #expect(pm.contains("✅ Attempt 2: PASS"))
        #expect(pm.contains("DEPLOY → FIX for attempt 2 (attempt 1 was FAIL): same branch, the clock keeps running"), "the full record")
        #expect(pm.contains("monitoring verdict PASS on attempt 2 of 2"))
        let json = try JSONSerialization.jsonObject(with: EventCodec.encoder().encode(ReportJSON(facts))) as? [String: Any]
        #expect((json?["attempts"] as? [[String: Any]])?.compactMap { $0["verdict"] as? String } == ["FAIL", "PASS"])
    }

    @Test func retryIsRefusedOutsideDeployAndAfterAPass() throws {
        var s = Scripted()
        let early = #expect(throws: HotfixError.self) { try Engine.decide(.retry, state: s.state) }
        #expect(early?.message.contains("retry goes back from DEPLOY to FIX; the incident is in ASSESS") == true)
        s = try Self.inDeploy()
        Self.deploy(&s, at: 50, outcome: .pass, commit: "eee")
        let passed = #expect(throws: HotfixError.self) { try Engine.decide(.retry, state: s.state) }
        #expect(passed?.message.contains("attempt 1 passed its monitoring window (PASS)") == true)
        #expect(passed?.next == "hotfix next moves on to BACKPORT")
        // With no deploy at all (a build that failed), DEPLOY may still go back to FIX.
        var unbuilt = try Self.inDeploy()
        #expect(try unbuilt.perform(.retry, at: t0 + 45 * 60) == [.retried(RetryRecord(attempt: 1, after: nil))])
        #expect(unbuilt.state.phase == .fix && unbuilt.state.attempts.isEmpty)
    }

    /// Journals written before attempts existed still replay: a verdict without a baseline is
    /// attempt 1, and records lacking the new fields decode.
    @Test func oldJournalLinesStillReplay() throws {
        let lines = [
            #"{"at":"2026-11-26T09:10:00.000Z","mono":0,"payload":{"budgets":{"phases":{},"total":7200},"detectedAt":"2026-11-26T09:00:00.000Z","id":"001-api-500","severity":"P0","title":"API returns 500"},"seq":1,"type":"started","v":1}"#,
            #"{"at":"2026-11-26T09:11:00.000Z","mono":1,"payload":{"broken":"GET /users 500"},"seq":2,"type":"assessed","v":1}"#,
            #"{"at":"2026-11-26T09:50:00.000Z","mono":2,"payload":{"image":"registry/app:hotfix-1","outcome":"done","step":"set-image"},"seq":3,"type":"deploy","v":1}"#,
            #"{"at":"2026-11-26T09:51:00.000Z","mono":3,"payload":{"image":"registry/app:hotfix-1","outcome":"done","step":"rollout"},"seq":4,"type":"deploy","v":1}"#,
            #"{"at":"2026-11-26T09:56:00.000Z","mono":4,"payload":{"numbers":{},"outcome":"PASS","reasons":["ok"],"windowSeconds":300},"seq":5,"type":"verdict","v":1}"#,
        ]
        let events = lines.compactMap { line -> Event? in
            if case .event(let e) = EventCodec.decode(line: Array(line.utf8)) { return e }
            return nil
        }
        #expect(events.count == lines.count)
        let state = try #require(IncidentState.replay(events))
        #expect(state.assessment.target == nil)
        #expect(state.attempts.count == 1)
        #expect(state.attempts[0].outcome == .pass && state.attempts[0].commit == nil && state.attempts[0].image == "registry/app:hotfix-1")
        #expect(state.verifiedAt == Durations.parseISO("2026-11-26T09:56:00.000Z"))
        #expect(state.deployedAt == Durations.parseISO("2026-11-26T09:51:00.000Z"))
    }
}
