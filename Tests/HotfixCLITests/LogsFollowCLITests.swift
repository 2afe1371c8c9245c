import Foundation
import HotfixSim
import HotfixTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `hotfix logs follow` against the simulated cluster through the real kubectl: the stream for
/// people who are not in the console.
@Suite struct LogsFollowCLITests {
    func repo(_ sim: SimCluster) -> GitSandbox {
        GitSandbox(files: [".hotfix.yml": """
        deploy:
          deployment: \(sim.deployment)
          container: \(sim.container)
          namespace: \(sim.namespace)
          context: \(sim.context)
          kubeconfig: \(sim.kubeconfig)
        """])
    }

    func lines(_ child: Child) -> [String] { child.stdout.split(separator: "\n").map(String.init) }

    /// Waits up to `seconds` for `condition` on the child's output lines.
    func waitFor(_ child: Child, seconds: Double, _ condition: ([String]) -> Bool) -> [String] {
        let deadline = Date() + seconds
        var got = lines(child)
        while !condition(got), Date() < deadline {
            usleep(200_000)
            got = lines(child)
        }
        return got
    }

    @Test func everyPodIsFollowedSternStyleANewRolloutIsNewAndCtrlCLeavesNoKubectl() async throws {
        let slot = await ClusterGate.slot()
        defer { slot.release() }
        let sim = try await SimCluster.start(scenario: .newError, speed: 10)
        defer { sim.stop() }
        let repo = repo(sim)
        let follow = HotfixBinary.start(["logs", "follow"], in: repo.work)
        func pods(_ lines: [String]) -> Set<Substring> { Set(lines.compactMap { $0.split(separator: " ").first }) }
        var got = waitFor(follow, seconds: 60) { $0.count >= 30 && pods($0).count == 3 }
        #expect(got.count >= 30, "lines from the pods: \(follow.stderr)")
        #expect(follow.stderr.contains("following deployment/app in default: every pod's logs through one kubectl proxy"), "\(follow.stderr)")
        // Into a file: the full pod name, an RFC 3339 time, the text, no colour.
        let shape = #/^\+app-[0-9a-z]+-[0-9a-z]{5} \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z .+$/#
        #expect(got.prefix(30).allSatisfy { $0.wholeMatch(of: shape) != nil }, "\(got.prefix(30).filter { $0.wholeMatch(of: shape) == nil })")
        #expect(!follow.stdout.contains("\u{1b}"))
        #expect(pods(got).count == 3, "every pod of the deployment")

        // A rollout started elsewhere: the new template's pods come as +, the old ones become -.
        let set = HotfixTestSupport.run(["kubectl", "--kubeconfig", sim.kubeconfig, "--context", sim.context, "--namespace", sim.namespace,
                                         "set", "image", "deployment/app", "app=registry/app:hotfix-001-api-500"], in: repo.work,
                                        env: ["HOME": repo.dir.path])
        #expect(set.status == 0, "\(set.stderr)")
        let before = got.count
        got = waitFor(follow, seconds: 60) { all in all.dropFirst(before).contains { $0.contains("KeyError") } && all.dropFirst(before).contains { $0.hasPrefix("-") } }
        let after = got.dropFirst(before)
        #expect(after.contains { $0.hasPrefix("+") && $0.contains("KeyError: 'email'") }, "the new pods' error: \(after.suffix(5))")
        #expect(after.contains { $0.hasPrefix("-") }, "the old pods are old now")

        #expect(!TestProcesses.mentioning(sim.kubeconfig).isEmpty, "kubectl proxy runs while following")
        kill(follow.pid, SIGINT)
        #expect(TestProcesses.waitGone(follow.pid, seconds: 20), "Ctrl-C ends it")
        // Looked at before the test harness kills what is left of the group.
        var left = TestProcesses.mentioning(sim.kubeconfig)
        for _ in 0..<20 where !left.isEmpty { usleep(100_000); left = TestProcesses.mentioning(sim.kubeconfig) }
        #expect(left.isEmpty, "kubectl left behind: \(left)")
        #expect(follow.wait() == 0, "\(follow.stderr)")
    }

    @Test func filtersNarrowWhatIsPrintedAndBadOnesAreRefusedPlainly() async throws {
        let slot = await ClusterGate.slot()
        defer { slot.release() }
        let sim = try await SimCluster.start(scenario: .newError, speed: 10)
        defer { sim.stop() }
        let repo = repo(sim)
        let set = HotfixTestSupport.run(["kubectl", "--kubeconfig", sim.kubeconfig, "--context", sim.context, "--namespace", sim.namespace,
                                         "set", "image", "deployment/app", "app=registry/app:hotfix-001-api-500"], in: repo.work,
                                        env: ["HOME": repo.dir.path])
        #expect(set.status == 0, "\(set.stderr)")
        let follow = HotfixBinary.start(["logs", "follow", "--new", "--grep", "keyerror: 'email' in"], in: repo.work)
        let got = waitFor(follow, seconds: 60) { $0.count >= 4 }
        kill(follow.pid, SIGTERM)
        #expect(TestProcesses.waitGone(follow.pid, seconds: 20))
        #expect(got.count >= 4, "\(follow.stderr)")
        #expect(got.allSatisfy { $0.hasPrefix("+") && $0.contains("ERROR POST") && $0.contains("KeyError: 'email' in serialize_user") }, "\(got.prefix(4))")
        #expect(follow.wait() == 0)

        for (args, words) in [(["--old", "--new"], "--old and --new exclude each other"), (["--grep", "KeyError("], "is not a regular expression"),
                              (["--since", "soon"], "is not a span")] {
            let r = HotfixBinary.run(["logs", "follow"] + args, in: repo.work)
            #expect(r.status == 2, "\(args): \(r.stderr)")
            #expect(r.stderr.contains(words), "\(r.stderr)")
            #expect(r.stderr.split(separator: "\n").count == 1, "one line: \(r.stderr)")
        }
    }
}
