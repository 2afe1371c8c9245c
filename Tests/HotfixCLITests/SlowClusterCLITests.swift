import Foundation
import HotfixSim
import HotfixTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A cluster that is slow or does not answer, in the middle of an incident: every one-shot read
/// gives up (deploy.request_timeout, then kubectl is stopped), with the same words everywhere,
/// and nothing is deployed; a follow that waits says what it waits for.
@Suite struct SlowClusterCLITests {
    /// A kubeconfig like the simulated cluster's, pointing at a loopback port that accepts
    /// connections and never answers (held by the returned descriptor), and its URL.
    func stuckKubeconfig() async throws -> (dir: TempDir, context: String, url: String, fd: Int32) {
        let open = try await SimCluster.start()
        let text = try String(contentsOfFile: open.kubeconfig, encoding: .utf8)
        let context = open.context
        open.stop()
        let held = try #require(LogsFollowCLITests.closedPort(listening: true))
        let url = "http://127.0.0.1:\(held.port)"
        let dir = TempDir("kube-stuck")
        dir.write("kubeconfig", text.replacingOccurrences(of: open.url, with: url))
        return (dir, context, url, held.fd)
    }

    /// Waits for `child` to end, at most `seconds` (a hang guard: then it is killed and the test fails).
    func finish(_ child: Child, seconds: Double) -> Int32 {
        let deadline = Date() + seconds
        while TestProcesses.isAlive(child.pid), Date() < deadline { usleep(200_000) }
        let hung = TestProcesses.isAlive(child.pid)
        if hung { kill(child.pid, SIGKILL) }
        #expect(!hung, "still running after \(Int(seconds)) s: \(child.stderr)")
        return child.wait()
    }

    /// DEPLOY's first read against a cluster that never answers fails with the words of an
    /// unreachable cluster (timed out), journaled, and nothing is built into a rollout or set.
    @Test func aDeployAgainstAClusterThatNeverAnswersFailsOnItsFirstReadAndRollsOutNothing() async throws {
        let slot = await ClusterGate.slot()
        defer { slot.release() }
        let stuck = try await stuckKubeconfig()
        defer { close(stuck.fd) }
        let kubeconfig = stuck.dir.file("kubeconfig")
        let repo = GitSandbox(files: [".hotfix.yml": """
        deploy:
          image: registry/app
          build: [echo, "stand-in for docker build -t {image} ."]
          push: [echo, "stand-in for docker push {image}"]
          deployment: app
          container: app
          context: \(stuck.context)
          kubeconfig: \(kubeconfig)
        """])
        DeployCLITests().readyToDeploy(repo)
        let deploy = HotfixBinary.start(["deploy", "--yes"], in: repo.work)
        let status = finish(deploy, seconds: 120)
        #expect(status == 3, "\(deploy.stderr)")
        let lines = deploy.stderr.split(separator: "\n").map(String.init)
        let error = try #require(lines.firstIndex { $0.hasPrefix("hotfix: error: ") }, "\(deploy.stderr)")
        #expect(lines[error].hasPrefix("hotfix: error: the cluster at \(stuck.url) could not be reached (timed out), so hotfix could not read deployment/app; "
                                       + "nothing was changed; next: check that the cluster is up"), "\(deploy.stderr)")
        #expect(lines.dropFirst(error + 1).first == "  kubectl: no answer from the cluster in 15 s (deploy.request_timeout: 10s a request), so hotfix stopped kubectl",
                "\(deploy.stderr)")
        #expect(!deploy.stdout.contains("set image"), "nothing rolled out: \(deploy.stdout)")
        let timeline = HotfixBinary.run(["timeline"], in: repo.work).stdout
        #expect(timeline.contains("could not read the baseline, nothing was rolled out: the cluster at \(stuck.url) could not be reached (timed out)"), "\(timeline)")
        #expect(!timeline.contains("set-image") && !timeline.contains("baseline: done"), "\(timeline)")
        #expect(TestProcesses.mentioning(kubeconfig).isEmpty, "no kubectl left reading the stuck cluster")

        // `hotfix watch` (a rollout made elsewhere) reads the deployment first too: the same error.
        let watch = HotfixBinary.start(["watch", "--wait", "3s"], in: repo.work)
        #expect(finish(watch, seconds: 120) == 3, "\(watch.stderr)")
        #expect(watch.stderr.contains("the cluster at \(stuck.url) could not be reached (timed out), so hotfix could not read deployment/app"), "\(watch.stderr)")

        // The rollback's first read (the deployment's progress deadline) gives up the same way;
        // its undo never ran, and the failed rollback is journaled.
        let rollback = HotfixBinary.start(["rollback", "--yes", "--to-revision", "1"], in: repo.work)
        #expect(finish(rollback, seconds: 120) == 3, "\(rollback.stderr)")
        #expect(rollback.stderr.contains("the cluster at \(stuck.url) could not be reached (timed out), so hotfix could not read deployment/app"), "\(rollback.stderr)")
        let after = HotfixBinary.run(["timeline"], in: repo.work).stdout
        #expect(after.contains("rollback to revision 1: failed"), "\(after)")
        #expect(TestProcesses.mentioning(kubeconfig).isEmpty)
    }

    /// A deployment scaled to zero: `logs follow` says once that it waits for pods, instead of
    /// waiting silently, and Ctrl-C still stops it with nothing left running.
    @Test func aFollowOfADeploymentWithoutPodsSaysItWaitsForPods() async throws {
        let slot = await ClusterGate.slot()
        defer { slot.release() }
        let sim = try await SimCluster.start(replicas: 0)
        defer { sim.stop() }
        let repo = LogsFollowCLITests().repo(sim)
        let follow = HotfixBinary.start(["logs", "follow"], in: repo.work)
        let deadline = Date() + 60
        while !follow.stderr.contains("waiting for pods"), Date() < deadline { usleep(200_000) }
        #expect(follow.stderr.contains("hotfix: deployment/app has 0 pods (0 replicas): waiting for pods; Ctrl-C to stop"), "\(follow.stderr)")
        usleep(1_500_000)
        #expect(follow.stderr.components(separatedBy: "waiting for pods").count == 2, "said once: \(follow.stderr)")
        kill(follow.pid, SIGINT)
        #expect(finish(follow, seconds: 60) == 0, "\(follow.stderr)")
        #expect(follow.stdout.isEmpty)
        #expect(TestProcesses.mentioning(sim.kubeconfig).isEmpty, "no kubectl left behind")
    }
}
