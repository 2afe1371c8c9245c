import Foundation
import HotfixSim
import HotfixTestSupport
import Testing

/// `hotfix deploy` and `hotfix rollback` as a person runs them, against the simulated cluster.
@Suite struct DeployCLITests {
    func repo(_ sim: SimCluster, window: String = "8s") -> GitSandbox {
        GitSandbox(files: [".hotfix.yml": """
        deploy:
          image: registry/app
          build: [echo, "stand-in for docker build -t {image} ."]
          push: [echo, "stand-in for docker push {image}"]
          deployment: \(sim.deployment)
          container: \(sim.container)
          namespace: \(sim.namespace)
          context: \(sim.context)
          kubeconfig: \(sim.kubeconfig)
          window: \(window)
          warmup: 2s
          interval: 2s
        """])
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
        let sim = try await SimCluster.start(scenario: .fixWorks, speed: 10)
        defer { sim.stop() }
        let repo = repo(sim, window: "10m")
        readyToDeploy(repo)
        let deploy = HotfixBinary.start(["deploy", "--yes"], in: repo.work)
        let deadline = Date() + 60
        while !hotfix("timeline", in: repo).stdout.contains("deploy set-image: done"), Date() < deadline { usleep(200_000) }
        func kubectls() -> [Int32] {
            ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap { Int32($0) }.filter { pid in
                guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
                return String(decoding: data, as: UTF8.self).contains(sim.kubeconfig)
            }
        }
        #expect(!kubectls().isEmpty, "kubectl proxy runs during the window")
        kill(deploy.pid, SIGTERM)
        let status = deploy.wait()
        #expect(status != 0)
        #expect(deploy.stderr.contains("the deploy was stopped before the verdict"), "\(deploy.stderr)")
        var left = kubectls()
        for _ in 0..<30 where !left.isEmpty { usleep(100_000); left = kubectls() }
        #expect(left.isEmpty, "kubectl processes left behind: \(left)")
        let socketDir = repo.work + "/.git/hotfix/001-api-500/proxy"
        #expect(!FileManager.default.fileExists(atPath: socketDir + "/kubectl.sock"))
    }

    @Test func deployIsGatedThenRunsJudgesAndRollsBack() async throws {
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
        #expect(hotfix("next", in: repo).status == 0, "the monitoring window was run: DEPLOY may end")
    }
}
