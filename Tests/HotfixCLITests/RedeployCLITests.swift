import Foundation
import HotfixSim
import HotfixTestSupport
import Testing

/// `hotfix deploy` after a verdict answers as the console's enter does (the engine's `AfterVerdict`):
/// a judged attempt is not deployed again unless it rolled nothing out or its PASS was rolled back;
/// `--override REASON` passes it and is journaled as a deviation. `hotfix status` says the same.
@Suite struct RedeployCLITests {
    let deploys = DeployCLITests()

    func hotfix(_ args: String..., in repo: GitSandbox) -> Run { HotfixBinary.run(args, in: repo.work) }

    func json(_ run: Run) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], "\(run.stdout)\(run.stderr)")
    }

    func attempts(_ repo: GitSandbox) throws -> [[String: Any]] {
        try #require(try json(hotfix("status", "--json", in: repo))["attempts"] as? [[String: Any]])
    }

    func afterVerdict(_ repo: GitSandbox) throws -> [String: Any]? {
        try json(hotfix("status", "--json", in: repo))["afterVerdict"] as? [String: Any]
    }

    @Test func aSecondDeployAfterAFailIsRefusedUntilOverriddenAndTheOverrideIsADeviation() async throws {
        let slot = await ClusterGate.slot()
        defer { slot.release() }
        let sim = try await SimCluster.start(scenario: .crashloop, speed: 10)  // FAILs at once, however loaded the machine
        defer { sim.stop() }
        let repo = deploys.repo(sim, window: "15s")
        deploys.readyToDeploy(repo)
        let failed = hotfix("deploy", "--yes", in: repo)
        #expect(failed.status == 1, "FAIL: \(failed.stdout.suffix(1500))\(failed.stderr)")
        let rolledOut = sim.deploymentState().image
        #expect(rolledOut == "registry/app:hotfix-001-api-500", "no automatic rollback: the failed image stays")

        let again = hotfix("deploy", "--yes", in: repo)
        #expect(again.status == 1, "\(again.stdout)\(again.stderr)")
        #expect(again.stderr.contains("cannot deploy: attempt 1 was judged FAIL and is still rolled out (not rolled back)"), "\(again.stderr)")
        #expect(again.stderr.contains("nothing was deployed"), "\(again.stderr)")
        #expect(again.stderr.contains("hotfix rollback") && again.stderr.contains("hotfix retry (back to FIX for attempt 2)"), "\(again.stderr)")
        #expect(!again.stdout.contains("▶"), "no step ran: \(again.stdout)")
        #expect(sim.deploymentState().image == rolledOut, "the deployment was left as it was")
        #expect(try attempts(repo).count == 1, "no second attempt was started")
        let dry = hotfix("deploy", "--dry-run", in: repo)
        #expect(dry.status == 0 && dry.stdout.contains("Refused now: attempt 1 was judged FAIL"), "the plan says it would be refused: \(dry.stdout)")
        // hotfix watch is the same deploy's window: the same answer.
        #expect(hotfix("watch", "--wait", "2s", in: repo).stderr.contains("attempt 1 was judged FAIL"))

        let status = hotfix("status", in: repo).stdout
        #expect(status.contains("Attempt 1 was judged FAIL and is still rolled out (not rolled back)."), "\(status)")
        #expect(status.contains("Next: hotfix rollback (puts the baseline back); hotfix retry (back to FIX for attempt 2)"), "\(status)")
        #expect(status.contains("hotfix deploy is refused"), "\(status)")
        let rule = try #require(try afterVerdict(repo))
        #expect(rule["standing"] as? String == "failed" && rule["deployAgain"] as? Bool == false && rule["attempt"] as? Int == 1, "\(rule)")
        #expect(rule["retry"] as? Bool == true && rule["rollback"] as? Bool == true && rule["advance"] as? String == "refused", "\(rule)")

        // Knowing it failed, with a reason: attempt 2, its plan first, the override journaled.
        sim.behave("registry/app:hotfix-001-api-500-attempt2", as: .fixWorks)
        let forced = hotfix("deploy", "--yes", "--override", "the crash was the config map, fixed by hand; same image again", in: repo)
        #expect(forced.stdout.contains("Verdict: "), "deployed and judged: \(forced.stdout.suffix(1500))\(forced.stderr)")
        #expect(forced.stderr.contains("override of 'redeploy'"), "\(forced.stderr)")
        #expect(forced.stdout.contains("Attempt 1 was judged FAIL and is still rolled out (not rolled back); this deploy is attempt 2."), "\(forced.stdout.prefix(800))")
        #expect(forced.stdout.contains("DEPLOY plan for 001-api-500 (nothing is changed):"), "the plan is shown first")
        #expect(try attempts(repo).count == 2)
        #expect(hotfix("report", in: repo).status == 0)
        let md = try #require(try? String(contentsOfFile: repo.work + "/docs/hotfix/001-api-500/report.md", encoding: .utf8))
        #expect(md.contains("Guardrail 'redeploy' overridden (hotfix deploy again after attempt 1's FAIL): the crash was the config map"), "\(md)")
    }

    @Test func aPassIsNotDeployedAgainUntilItIsRolledBack() async throws {
        let slot = await ClusterGate.slot()
        defer { slot.release() }
        let sim = try await SimCluster.start(scenario: .fixWorks, speed: 10)
        defer { sim.stop() }
        let repo = deploys.repo(sim, window: "6s")
        deploys.readyToDeploy(repo)
        let passed = hotfix("deploy", "--yes", in: repo)
        #expect(passed.status == 0, "PASS: \(passed.stdout.suffix(1500))\(passed.stderr)")
        // DEPLOY's steps as configured here (build and push are, the rollout sets the image).
        let status = hotfix("status", in: repo).stdout
        #expect(status.contains("DEPLOY here: checklist, then build, push, set image, roll out, monitor"), "\(status)")
        #expect(try json(hotfix("status", "--json", in: repo))["deploySteps"] as? [String] == ["build", "push", "set image", "roll out", "monitor"])

        let again = hotfix("deploy", "--yes", in: repo)
        #expect(again.status == 1)
        #expect(again.stderr.contains("cannot deploy: attempt 1 was judged PASS and is still rolled out (not rolled back)"), "\(again.stderr)")
        #expect(again.stderr.contains("nothing was deployed") && again.stderr.contains("hotfix next (BACKPORT)"), "\(again.stderr)")
        #expect(try attempts(repo).count == 1)
        #expect(try afterVerdict(repo)?["standing"] as? String == "passed")
        #expect(hotfix("status", in: repo).stdout.contains("Next: hotfix next (BACKPORT); hotfix rollback if it must come out"))

        #expect(hotfix("rollback", "--yes", in: repo).status == 0)
        #expect(sim.deploymentState().image == sim.baselineImage)
        let rule = try #require(try afterVerdict(repo))
        #expect(rule["standing"] as? String == "passed-rolled-back" && rule["deployAgain"] as? Bool == true, "\(rule)")
        #expect(hotfix("status", in: repo).stdout.contains("hotfix deploy deploys again as attempt 2"))
        let back = hotfix("deploy", "--yes", in: repo)
        #expect(back.status == 0, "\(back.stdout.suffix(1500))\(back.stderr)")
        #expect(back.stdout.contains("Attempt 1 was judged PASS, then rolled back; this deploy is attempt 2."), "\(back.stdout.prefix(800))")
        #expect(back.stdout.contains("DEPLOY plan for 001-api-500 (nothing is changed):"), "the plan is shown first")
        #expect(sim.deploymentState().image == "registry/app:hotfix-001-api-500-attempt2")
        #expect(!back.stderr.contains("override"), "allowed, not overridden: \(back.stderr)")
    }

    @Test func anAttemptThatRolledNothingOutIsDeployedAgainAndNextSaysTheConfiguredSteps() async throws {
        let slot = await ClusterGate.slot()
        defer { slot.release() }
        let sim = try await SimCluster.start(scenario: .fixWorks, speed: 10)
        defer { sim.stop() }
        let repo = GitSandbox(files: [".hotfix.yml": """
        deploy:
          image: registry/app
          build: []
          push: []
        \(sim.deployTarget)
          rollout: external
          wait: 2s
          window: 6s
          warmup: 2s
          interval: 2s
        """])
        deploys.readyToDeploy(repo)
        let moved = hotfix("next", in: repo)
        #expect(moved.status == 0, "\(moved.stderr)")
        #expect(moved.stdout.contains("Now DEPLOY (") && moved.stdout.contains("): Checklist, then wait for the rollout made elsewhere, monitor 6 s."),
                "DEPLOY as configured: \(moved.stdout)")
        #expect(!moved.stdout.contains("build"), "build and push are not configured")

        // The rollout made elsewhere never comes: INCONCLUSIVE, nothing rolled out.
        #expect(hotfix("deploy", "--yes", in: repo).status == 5)
        let rule = try #require(try afterVerdict(repo))
        #expect(rule["standing"] as? String == "nothing-rolled-out" && rule["deployAgain"] as? Bool == true, "\(rule)")
        let again = hotfix("deploy", "--yes", in: repo)
        #expect(again.status == 5, "it waits again, and nothing comes again: \(again.stdout.suffix(800))\(again.stderr)")
        #expect(again.stdout.contains("Attempt 1 was judged INCONCLUSIVE and rolled nothing out; this deploy is attempt 2."), "\(again.stdout.prefix(800))")
        #expect(try attempts(repo).count == 2)
    }
}
