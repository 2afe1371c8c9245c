import Foundation
import Testing
@testable import HotfixEngine

/// What may follow a verdict, the one rule `hotfix deploy`, `hotfix status` and the console's
/// DEPLOY keys read: a judged attempt is deployed again only when it rolled nothing out or its
/// PASS was rolled back afterwards.
@Suite struct AfterVerdictTests {
    func refusal(_ s: Scripted) -> GuardrailVerdict? { Guardrails.check(.deploy, in: s.state).first }

    @Test func beforeAVerdictAndAfterRetryADeployIsTheAttemptsFirst() throws {
        var s = try AttemptTests.inDeploy()
        #expect(AfterVerdict.of(s.state) == nil && refusal(s) == nil)
        AttemptTests.deploy(&s, at: 50, outcome: .fail, commit: "aaa", rollback: true)
        try s.perform(.retry, at: t0 + 52 * 60)
        #expect(AfterVerdict.of(s.state) == nil && refusal(s) == nil, "after hotfix retry the next deploy is attempt 2's first")
    }

    @Test func aFailStillRolledOutIsRefusedNamingRollbackAndRetry() throws {
        var s = try AttemptTests.inDeploy()
        AttemptTests.deploy(&s, at: 50, outcome: .fail, commit: "aaa")
        let rule = try #require(AfterVerdict.of(s.state))
        #expect(rule.standing == .failed && !rule.deployAgain && rule.rollback && rule.retry && rule.advance == .refused)
        let refused = try #require(refusal(s))
        #expect(refused.rule == .redeploy)
        #expect(refused.message == "attempt 1 was judged FAIL and is still rolled out (not rolled back): a judged attempt is not deployed again")
        #expect(refused.next.contains("hotfix rollback") && refused.next.contains("hotfix retry (back to FIX for attempt 2)"), "\(refused.next)")
        #expect(refused.next.contains("--override REASON"))
    }

    @Test func aRolledBackFailOffersOnlyRetry() throws {
        var s = try AttemptTests.inDeploy()
        AttemptTests.deploy(&s, at: 50, outcome: .fail, commit: "aaa", rollback: true)
        let rule = try #require(AfterVerdict.of(s.state))
        #expect(rule.standing == .rolledBack && !rule.deployAgain && !rule.rollback && rule.retry)
        #expect(refusal(s)?.message.contains("judged FAIL and rolled back") == true)
    }

    @Test func aPassIsRefusedUntilRolledBackThenDeployedAgain() throws {
        var s = try AttemptTests.inDeploy()
        AttemptTests.deploy(&s, at: 50, outcome: .pass, commit: "aaa")
        let passed = try #require(AfterVerdict.of(s.state))
        #expect(passed.standing == .passed && !passed.deployAgain && !passed.retry && passed.advance == .moves)
        #expect(refusal(s)?.next.hasPrefix("hotfix next (BACKPORT)") == true, "\(refusal(s)?.next ?? "")")
        s.record(.rollback(RollbackRecord(revision: 1, image: "registry/app:1.4.2", outcome: .done, automatic: false)), at: t0 + 60 * 60)
        let back = try #require(AfterVerdict.of(s.state))
        #expect(back.standing == .passedRolledBack && back.deployAgain && back.retry && back.advance == .refused)
        #expect(refusal(s) == nil)
    }

    @Test func marginalStillRolledOutIsRefusedAndNothingRolledOutIsDeployedAgain() throws {
        var s = try AttemptTests.inDeploy()
        AttemptTests.deploy(&s, at: 50, outcome: .marginal, commit: "aaa")
        #expect(AfterVerdict.of(s.state)?.standing == .doubtful && AfterVerdict.of(s.state)?.advance == .withReason)
        #expect(refusal(s)?.message.contains("judged MARGINAL and is still rolled out") == true)

        var none = try AttemptTests.inDeploy()
        none.record(.deploy(DeployRecord(.baseline, .done, image: "registry/app:1.4.2", revision: 1, commit: "bbb")), at: t0 + 50 * 60)
        none.record(.deploy(DeployRecord(.newReplicaSet, .stopped, detail: "no rollout seen in 15 min (deploy.wait)")), at: t0 + 65 * 60)
        none.record(.verdict(VerdictRecord(outcome: .inconclusive, reasons: ["no rollout seen"], windowSeconds: 0)), at: t0 + 65 * 60)
        let rule = try #require(AfterVerdict.of(none.state))
        #expect(rule.standing == .nothingRolledOut && rule.deployAgain && !rule.rollback && rule.advance == .withReason)
        #expect(refusal(none) == nil)
    }
}
