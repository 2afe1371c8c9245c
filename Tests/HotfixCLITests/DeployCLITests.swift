import Foundation
import HotfixSim
import HotfixTestSupport
import Testing

/// `hotfix deploy` and `hotfix rollback` as a person runs them, against the simulated cluster.
@Suite struct DeployCLITests {
    func repo(_ sim: SimCluster, window: String = "8s", autoRollback: Bool = false) -> GitSandbox {
        GitSandbox(files: [".hotfix.yml": """
        deploy:
          image: registry/app
          build: [echo, "stand-in for docker build -t {image} ."]
          push: [echo, "stand-in for docker push {image}"]
        \(sim.deployTarget)
          window: \(window)
          warmup: 2s
          interval: 2s
          auto_rollback: \(autoRollback)
        """])
    }

    func json(_ run: Run) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], "\(run.stdout)\(run.stderr)")
    }

    /// Issue 12: a crash loop FAILs within seconds (with the deadline at its default), rolls back
    /// by itself, and blocks `next`; `retry` goes back to FIX; the second build passes; the
    /// report lists both attempts.
    @Test func aFailBlocksNextUntilRetryAndTheSecondAttemptPassesAndIsReported() async throws {
        let slot = await ClusterGate.slot()
        defer { slot.release() }
        let sim = try await SimCluster.start(scenario: .crashloop, speed: 10)
        defer { sim.stop() }
        let repo = repo(sim, window: "15s", autoRollback: true)
        readyToDeploy(repo)
        let started = Date()
        let failed = hotfix("deploy", "--yes", in: repo)
        #expect(failed.status == 1, "FAIL exits 1: \(failed.stdout.suffix(1500))\(failed.stderr)")
        #expect(Date().timeIntervalSince(started) < 120, "the ten-minute progress deadline was not waited for")
        #expect(hotfix("timeline", in: repo).stdout.contains("deploy rollout: stopped registry/app:hotfix-001-api-500 — stopped"),
                "the stopped wait is in the record")
        #expect(hotfix("timeline", in: repo).stdout.contains("the window failed at once"), "failed at once, not at the window's end")
        #expect(failed.stdout.contains("Verdict: FAIL"), "\(failed.stdout.suffix(1500))")
        #expect(failed.stdout.contains("rollout status stopped"), "the stopped wait is said: \(failed.stdout.suffix(1500))")
        #expect(failed.stdout.contains("Next: hotfix retry (back to FIX for attempt 2"), "\(failed.stdout.suffix(600))")
        #expect(sim.deploymentState().image == sim.baselineImage, "rolled back by itself")

        let next = hotfix("next", in: repo)
        #expect(next.status == 1)
        #expect(next.stderr.contains("attempt 1's monitoring verdict is FAIL (rolled back)"), "\(next.stderr)")
        #expect(next.stderr.contains("hotfix retry"), "\(next.stderr)")
        let text = hotfix("status", in: repo).stdout
        #expect(text.contains("Verdict: FAIL (attempt 1, rolled back)"), "\(text)")
        #expect(text.contains("Blocked (verdict): attempt 1's monitoring verdict is FAIL"), "\(text)")
        let status = try json(hotfix("status", "--json", in: repo))
        #expect((status["verdict"] as? [String: Any])?["outcome"] as? String == "FAIL")
        let attempts = try #require(status["attempts"] as? [[String: Any]])
        #expect(attempts.count == 1 && attempts[0]["verdict"] as? String == "FAIL")
        #expect((attempts[0]["rollbacks"] as? [[String: Any]])?.first?["automatic"] as? Bool == true)
        #expect((attempts[0]["steps"] as? [[String: Any]])?.map { "\($0["step"] ?? ""):\($0["outcome"] ?? "")" } == ["baseline:done", "set-image:done", "rollout:stopped"])
        #expect((status["blockers"] as? [[String: Any]])?.first?["rule"] as? String == "verdict")

        let retry = hotfix("retry", in: repo)
        #expect(retry.status == 0, "\(retry.stderr)")
        #expect(retry.stdout.contains("DEPLOY → FIX for attempt 2"), "\(retry.stdout)")
        let back = try json(hotfix("status", "--json", in: repo))
        #expect(back["phase"] as? String == "fix" && back["attempt"] as? Int == 2)
        #expect(back["startedAt"] as? String == status["startedAt"] as? String, "the same clock")

        // The engineer's second build works; it is committed, then goes through TEST and the checklist again.
        sim.behave("registry/app:hotfix-001-api-500-attempt2", as: .fixWorks)
        let same = hotfix("next", in: repo)
        #expect(same.status == 1, "attempt 2 needs a commit attempt 1 did not deploy")
        #expect(same.stderr.contains("attempt 1 deployed") && same.stderr.contains("has no commit since"), "\(same.stderr)")
        repo.commitFix(["app/users.py": Self.fix["app/users.py"]! + "logger.warning(\"users: and the import is guarded\")\n"],
                       message: "Fix: guard the import too")
        #expect(hotfix("next", in: repo).status == 0)
        #expect(hotfix("next", in: repo).status == 1, "the checklist is earned again")
        for item in ["tests-pass", "type-hints", "no-new-deps", "logging-added", "rollback-plan"] {
            #expect(hotfix("check", item, "--pass", in: repo).status == 0)
        }
        #expect(hotfix("next", in: repo).status == 0)
        let passed = hotfix("deploy", "--yes", in: repo)
        #expect(passed.status == 0, "\(passed.stdout.suffix(1500))\(passed.stderr)")
        #expect(passed.stdout.contains("set image deployment/app app=registry/app:hotfix-001-api-500-attempt2"), "its own tag")
        #expect(hotfix("next", in: repo).status == 0, "a PASS leaves DEPLOY")

        let report = hotfix("report", in: repo)
        #expect(report.status == 0, "\(report.stderr)")
        let md = try #require(try? String(contentsOfFile: repo.work + "/docs/hotfix/001-api-500/report.md", encoding: .utf8))
        #expect(md.contains("### Attempts"), "\(md)")
        #expect(md.contains("❌ Attempt 1: FAIL — `registry/app:hotfix-001-api-500`"), "\(md)")
        #expect(md.contains("rolled back automatically to revision 1"), "\(md)")
        #expect(md.contains("✅ Attempt 2: PASS — `registry/app:hotfix-001-api-500-attempt2`"), "\(md)")
    }

    @Test func anOverriddenFailMovesOnAndIsReportedAsADeviation() async throws {
        let slot = await ClusterGate.slot()
        defer { slot.release() }
        let sim = try await SimCluster.start(scenario: .newError, speed: 10)
        defer { sim.stop() }
        let repo = repo(sim, window: "6s")
        readyToDeploy(repo)
        #expect(hotfix("deploy", "--yes", in: repo).status == 1)
        let next = hotfix("next", "--override", "the KeyError is a known, harmless log line; rolled forward", in: repo)
        #expect(next.status == 0, "\(next.stderr)")
        #expect(next.stderr.contains("override of 'verdict'"), "\(next.stderr)")
        #expect(hotfix("report", in: repo).status == 0)
        let md = try #require(try? String(contentsOfFile: repo.work + "/docs/hotfix/001-api-500/report.md", encoding: .utf8))
        #expect(md.contains("Guardrail 'verdict' overridden (next DEPLOY → BACKPORT): the KeyError is a known, harmless log line; rolled forward"), "\(md)")
    }

    func hotfix(_ args: String..., in repo: GitSandbox) -> Run { HotfixBinary.run(args, in: repo.work) }

    /// A one-line fix that logs (so the automatic checks pass it as a person would).
    static let fix = ["app/users.py": "import logging\n\nlogger = logging.getLogger(__name__)\nlogger.warning(\"users: a missing user is a 404\")\n"]

    /// An incident in DEPLOY's reach with its checklist passed.
    func readyToDeploy(_ repo: GitSandbox) {
        #expect(hotfix("start", "API returns 500 on /users endpoint", in: repo).status == 0)
        for _ in 1...2 { #expect(hotfix("next", in: repo).status == 0) }
        repo.commitFix(Self.fix)
        #expect(hotfix("next", in: repo).status == 0)
        for item in ["tests-pass", "type-hints", "no-new-deps", "logging-added", "rollback-plan"] {
            #expect(hotfix("check", item, "--pass", in: repo).status == 0)
        }
    }

    @Test func aRollbackFromAnotherTerminalEndsThePlainDeploysWindowEarly() async throws {
        let slot = await ClusterGate.slot()
        defer { slot.release() }
        let sim = try await SimCluster.start(scenario: .fixWorks, speed: 10)
        defer { sim.stop() }
        let repo = repo(sim, window: "10m")
        readyToDeploy(repo)
        let deploy = HotfixBinary.start(["deploy", "--yes"], in: repo.work)
        // Wait for the new image to be set (the window follows), then roll back by hand.
        let deadline = Date() + 60
        while !hotfix("timeline", in: repo).stdout.contains("deploy set-image: done"), Date() < deadline { usleep(200_000) }
        let rollback = hotfix("rollback", "--yes", in: repo)
        #expect(rollback.status == 0, "\(rollback.stderr)")
        let status = deploy.wait()
        #expect(status == 5, "a window cut short is INCONCLUSIVE: \(deploy.stdout.suffix(1200))\(deploy.stderr)")
        #expect(deploy.stdout.contains("rolled back from another terminal"), "\(deploy.stdout.suffix(800))")
        let timeline = hotfix("timeline", in: repo).stdout
        #expect(timeline.components(separatedBy: "rollback to revision").count == 2, "one rollback, not two:\n\(timeline)")
        #expect(sim.deploymentState().image == sim.baselineImage)
    }

    /// SIGTERM to `hotfix deploy` during the window: the stop is journaled and no kubectl is
    /// left behind (the proxy included), as the process table shows.
    @Test func sigtermDuringTheWindowLeavesNoKubectlBehind() async throws {
        let slot = await ClusterGate.slot()
        defer { slot.release() }
        let sim = try await SimCluster.start(scenario: .fixWorks, speed: 10)
        defer { sim.stop() }
        let repo = repo(sim, window: "10m")
        readyToDeploy(repo)
        let deploy = HotfixBinary.start(["deploy", "--yes"], in: repo.work)
        let deadline = Date() + 60
        while !hotfix("timeline", in: repo).stdout.contains("deploy set-image: done"), Date() < deadline { usleep(200_000) }
        #expect(!TestProcesses.mentioning(sim.kubeconfig).isEmpty, "kubectl proxy runs during the window")
        kill(deploy.pid, SIGTERM)
        let status = deploy.wait()
        #expect(status != 0)
        #expect(deploy.stderr.contains("the deploy was stopped before the verdict"), "\(deploy.stderr)")
        var left = TestProcesses.mentioning(sim.kubeconfig)
        for _ in 0..<30 where !left.isEmpty { usleep(100_000); left = TestProcesses.mentioning(sim.kubeconfig) }
        #expect(left.isEmpty, "kubectl processes left behind: \(left)")
        let socketDir = repo.work + "/.git/hotfix/001-api-500/proxy"
        #expect(!FileManager.default.fileExists(atPath: socketDir + "/kubectl.sock"))
    }

    @Test func deployIsGatedThenRunsJudgesAndRollsBack() async throws {
        let slot = await ClusterGate.slot()
        defer { slot.release() }
        let sim = try await SimCluster.start(scenario: .fixWorks, speed: 10)
        defer { sim.stop() }
        let repo = repo(sim)
        #expect(hotfix("start", "API returns 500 on /users endpoint", in: repo).status == 0)
        for _ in 1...2 { #expect(hotfix("next", in: repo).status == 0) }
        repo.commitFix(Self.fix)
        #expect(hotfix("next", in: repo).status == 0)

        let gated = hotfix("deploy", "--yes", in: repo)
        #expect(gated.status == 1)
        #expect(gated.stderr.contains("pre-deploy checklist is not done"), "\(gated.stderr)")

        for item in ["tests-pass", "type-hints", "no-new-deps", "logging-added"] {
            #expect(hotfix("check", item, "--pass", in: repo).status == 0)
        }
        let auto = hotfix("check", "--auto", in: repo)
        #expect(auto.stdout.contains("deployment/app at revision 1, image registry/app:1.4.2; undo: kubectl"), "\(auto.stdout)")

        let unconfirmed = hotfix("deploy", in: repo)
        #expect(unconfirmed.status == 1, "no terminal and no --yes: nothing is deployed")
        #expect(unconfirmed.stderr.contains("not confirmed"))
        #expect(sim.deploymentState().image == sim.baselineImage)

        let dry = hotfix("deploy", "--dry-run", in: repo)
        #expect(dry.status == 0)
        #expect(dry.stdout.contains("set image deployment/app app=registry/app:hotfix-001-api-500"))
        #expect(sim.deploymentState().image == sim.baselineImage, "a dry run changes nothing")

        let deploy = hotfix("deploy", "--yes", in: repo)
        #expect(deploy.status == 0, "\(deploy.stdout.suffix(1500))\(deploy.stderr)")
        #expect(deploy.stdout.contains("Verdict: PASS"))
        #expect(deploy.stdout.contains("$ kubectl --kubeconfig \(sim.kubeconfig) --context \(sim.context) --namespace \(sim.namespace) set image deployment/app"), "every command is shown before it runs")
        let timeline = hotfix("timeline", in: repo).stdout
        #expect(timeline.contains("DEPLOY"))
        #expect(timeline.contains("deploy rollout: done registry/app:hotfix-001-api-500"))
        #expect(timeline.contains("verdict PASS"))

        let rollback = hotfix("rollback", "--yes", in: repo)
        #expect(rollback.status == 0, "\(rollback.stderr)")
        #expect(rollback.stdout.contains("runs registry/app:1.4.2 at revision 3"))
        #expect(sim.deploymentState().image == sim.baselineImage)
        #expect(hotfix("timeline", in: repo).stdout.contains("rollback to revision 1: done"))
        // The PASS was rolled back by hand: the fix is no longer in production, DEPLOY does not end by itself.
        let next = hotfix("next", in: repo)
        #expect(next.status == 1)
        #expect(next.stderr.contains("attempt 1 passed its monitoring window, then was rolled back to registry/app:1.4.2: the fix is not in production"), "\(next.stderr)")
        #expect(hotfix("status", in: repo).stdout.contains("Blocked (verdict): attempt 1 passed its monitoring window, then was rolled back"))
        #expect(hotfix("next", "--override", "rolled back on purpose; the flag is off instead", in: repo).status == 0)
    }
}
