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
        \(sim.deployTarget)
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
                              (["--since", "soon"], "is not a span"), (["--pod", "x1k2p", "--pod-regex", "^app-"], "--pod and --pod-regex exclude each other"),
                              (["--pod-regex", "app-("], "--pod-regex 'app-(' is not a regular expression")] {
            let r = HotfixBinary.run(["logs", "follow"] + args, in: repo.work)
            #expect(r.status == 2, "\(args): \(r.stderr)")
            #expect(r.stderr.contains(words), "\(r.stderr)")
            #expect(r.stderr.split(separator: "\n").count == 1, "one line: \(r.stderr)")
        }
    }

    func stop(_ children: [Child], sim: SimCluster) {
        for c in children { kill(c.pid, SIGINT) }
        for c in children { #expect(TestProcesses.waitGone(c.pid, seconds: 20), "Ctrl-C ends it") }
        var left = TestProcesses.mentioning(sim.kubeconfig)
        for _ in 0..<20 where !left.isEmpty { usleep(100_000); left = TestProcesses.mentioning(sim.kubeconfig) }
        #expect(left.isEmpty, "kubectl left behind: \(left)")
    }

    /// `--pod` is a whole pod name or the tag printed in front of its lines, never a part of a name
    /// (`api-1` must not follow `api-12`); a value that names no pod says so with the pods there
    /// are, and keeps following. `--pod-regex` (stern's pod query) follows pods a rollout starts later.
    @Test func podIsAWholeNameOrATagAndARegexFollowsThePodsARolloutStarts() async throws {
        let slot = await ClusterGate.slot()
        defer { slot.release() }
        let sim = try await SimCluster.start(scenario: .newError, speed: 10)
        defer { sim.stop() }
        let repo = repo(sim)
        let pods = sim.pods().map(\.name).sorted()
        let old = try #require(sim.pods().first?.templateHash)
        #expect(pods.count == 3)
        let one = pods[0], tag = String(one.split(separator: "-").last ?? "")
        let byTag = HotfixBinary.start(["logs", "follow", "--pod", tag], in: repo.work)
        let byPart = HotfixBinary.start(["logs", "follow", "--pod", String(one.dropLast())], in: repo.work)
        let future = HotfixBinary.start(["logs", "follow", "--pod-regex", "^app-(?!\(old)-)"], in: repo.work)
        let children = [byTag, byPart, future]

        let tagged = waitFor(byTag, seconds: 60) { $0.count >= 10 }
        #expect(tagged.count >= 10, "\(byTag.stderr)")
        #expect(tagged.allSatisfy { $0.hasPrefix("+\(one) ") }, "only the tagged pod: \(Set(tagged.map { $0.prefix(30) }))")
        // A part of a name is no pod's name: said once, with the pods there are, and nothing printed.
        for child in [byPart, future] {
            let deadline = Date() + 30
            while !child.stderr.contains("warning: no pod of deployment/app in default matches"), Date() < deadline { usleep(200_000) }
            #expect(child.stderr.contains("warning: no pod of deployment/app in default matches"), "\(child.stderr)")
            #expect(pods.allSatisfy { child.stderr.contains($0) }, "the pods there are: \(child.stderr)")
            #expect(child.stderr.contains("nothing was changed; still following") && child.stderr.contains("next: Ctrl-C and"), "\(child.stderr)")
        }
        #expect(byPart.stderr.contains("--pod takes a whole pod name or its short tag, not a part of a name"), "\(byPart.stderr)")
        #expect(byPart.stdout.isEmpty, "a part of a name follows nothing: \(byPart.stdout.prefix(300))")
        #expect(future.stdout.isEmpty)

        // A rollout: the regex matches its new pods, which are followed as they come.
        let set = HotfixTestSupport.run(["kubectl", "--kubeconfig", sim.kubeconfig, "--context", sim.context, "--namespace", sim.namespace,
                                         "set", "image", "deployment/app", "app=registry/app:hotfix-001-api-500"], in: repo.work,
                                        env: ["HOME": repo.dir.path])
        #expect(set.status == 0, "\(set.stderr)")
        let fresh = waitFor(future, seconds: 60) { $0.count >= 10 }
        #expect(fresh.count >= 10, "\(future.stderr)")
        // (+ or -: a new pod's very first lines may print before the deployment is read again.)
        #expect(fresh.allSatisfy { $0.dropFirst().hasPrefix("app-") && !$0.dropFirst().hasPrefix("app-\(old)-") }, "only the rollout's pods: \(fresh.prefix(3))")
        #expect(future.stderr.contains("hotfix: following pod app-") && future.stderr.contains("it matches --pod-regex"), "\(future.stderr)")
        #expect(byPart.stdout.isEmpty, "the rollout's pods are not named by a part of an old one's name either")
        // The pod named by its tag is replaced by the rollout: said once, with the pods there are now.
        let gone = Date() + 90
        while !byTag.stderr.contains("warning: pod \(one) is gone"), Date() < gone { usleep(200_000) }
        #expect(byTag.stderr.contains("warning: pod \(one) is gone and no pod of deployment/app in default matches --pod \(tag) now"), "\(byTag.stderr)")
        #expect(byTag.stderr.contains("still following"), "\(byTag.stderr)")
        stop(children, sim: sim)
        for c in children { #expect(c.wait() == 0, "\(c.stderr)") }
    }

    /// A cluster that cannot be reached, that refuses the credentials, or without the deployment:
    /// one error (what, at which server, nothing changed, what next) and kubectl's last two lines
    /// at most, at once, never kubectl's every retry.
    @Test func aClusterThatCannotBeReachedOrRefusesIsOneErrorWithKubectlsLastWords() async throws {
        let slot = await ClusterGate.slot()
        defer { slot.release() }
        // A cluster that is gone: its kubeconfig names a port that refuses connections (bound here,
        // never listened on, so no other process can take it meanwhile).
        let open = try await SimCluster.start()
        defer { open.stop() }
        let held = try #require(Self.closedPort())
        defer { close(held.fd) }
        let url = "http://127.0.0.1:\(held.port)"
        let kept = TempDir("kube-dead")
        kept.write("kubeconfig", try String(contentsOfFile: open.kubeconfig, encoding: .utf8).replacingOccurrences(of: open.url, with: url))
        let deadRepo = GitSandbox(files: [".hotfix.yml": "deploy:\n  deployment: app\n  container: app\n  context: \(open.context)\n  kubeconfig: \(kept.file("kubeconfig"))\n"])
        let unreachable = HotfixBinary.run(["logs", "follow"], in: deadRepo.work)
        #expect(unreachable.status == 3, "\(unreachable.stderr)")
        let lines = unreachable.stderr.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("hotfix: error: the cluster at \(url) could not be reached (connection refused), so hotfix could not read deployment/app") == true,
                "\(unreachable.stderr)")
        #expect(lines.first?.contains("; nothing was changed; next: check that the cluster is up") == true, "\(unreachable.stderr)")
        #expect((2...3).contains(lines.count) && lines.dropFirst().allSatisfy { $0.hasPrefix("  kubectl: ") }, "kubectl's last words, two at most: \(unreachable.stderr)")
        #expect(lines.allSatisfy { $0.firstMatch(of: #/[IWEF]\d{4} \d\d:\d\d:\d\d\.\d+/#) == nil && !$0.contains("memcache.go") }, "no klog header: \(unreachable.stderr)")
        #expect(unreachable.stdout.isEmpty)

        let locked = try await SimCluster.start(token: "secret")
        let lockedRepo = repo(locked)
        let refused = HotfixBinary.run(["logs", "follow"], in: lockedRepo.work)
        locked.stop()
        #expect(refused.status == 3, "\(refused.stderr)")
        #expect(refused.stderr.hasPrefix("hotfix: error: the cluster at \(locked.url) did not accept kubectl's credentials (unauthorized)"), "\(refused.stderr)")
        #expect(refused.stderr.split(separator: "\n").count <= 3, "\(refused.stderr)")

        let missing = GitSandbox(files: [".hotfix.yml": """
        deploy:
          deployment: no-such-app
          container: app
          context: \(open.context)
          kubeconfig: \(open.kubeconfig)
        """])
        let absent = HotfixBinary.run(["logs", "follow"], in: missing.work)
        #expect(absent.status == 1, "\(absent.stderr)")
        #expect(absent.stderr.hasPrefix("hotfix: error: kubectl could not read deployment/no-such-app: not found on the cluster at \(open.url)"), "\(absent.stderr)")
        #expect(absent.stderr.contains("next: check deploy.deployment"), "\(absent.stderr)")
    }

    /// A cluster that accepts connections and never answers (a stuck API server, a VPN that drops
    /// packets): the reads give up after 10 s a request and kubectl is stopped 5 s later, not after
    /// kubectl's two minutes; meanwhile one line says hotfix is connecting, and to which server.
    @Test func aClusterThatNeverAnswersIsOneErrorWithinAMinute() async throws {
        let slot = await ClusterGate.slot()
        defer { slot.release() }
        let open = try await SimCluster.start()
        let text = try String(contentsOfFile: open.kubeconfig, encoding: .utf8)
        open.stop()
        let held = try #require(Self.closedPort(listening: true))
        defer { close(held.fd) }
        let url = "http://127.0.0.1:\(held.port)"
        let kept = TempDir("kube-stuck")
        kept.write("kubeconfig", text.replacingOccurrences(of: open.url, with: url))
        let repo = GitSandbox(files: [".hotfix.yml": "deploy:\n  deployment: app\n  container: app\n  context: \(open.context)\n  kubeconfig: \(kept.file("kubeconfig"))\n"])
        let stuck = HotfixBinary.run(["logs", "follow"], in: repo.work)
        #expect(stuck.status == 3, "\(stuck.stderr)")
        let lines = stuck.stderr.split(separator: "\n").map(String.init)
        #expect(lines.count == 3, "\(stuck.stderr)")
        #expect(lines.first == "hotfix: connecting to the cluster at \(url)… (deploy.request_timeout: 10s a read)", "said once, before the error: \(stuck.stderr)")
        #expect(lines.dropFirst().first?.hasPrefix("hotfix: error: the cluster at \(url) could not be reached (timed out), so hotfix could not read deployment/app") == true,
                "\(stuck.stderr)")
        #expect(lines.last == "  kubectl: no answer from the cluster in 15 s (deploy.request_timeout: 10s a request), so hotfix stopped kubectl", "\(stuck.stderr)")
    }

    /// A loopback TCP port bound but not listening (connecting to it is refused), or listening and
    /// never accepting (a connection opens, and nothing answers).
    static func closedPort(listening: Bool = false) -> (fd: Int32, port: Int)? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0 }
        }
        guard ok, !listening || listen(fd, 64) == 0 else { close(fd); return nil }
        return (fd, Int(UInt16(bigEndian: addr.sin_port)))
    }

    /// The cluster going away while following: the pod watch's failure is said once, not at every
    /// retry, and the follow goes on until stopped.
    @Test func aClusterThatGoesAwayWhileFollowingIsSaidOnce() async throws {
        let slot = await ClusterGate.slot()
        defer { slot.release() }
        let sim = try await SimCluster.start(scenario: .fixWorks, speed: 10)
        let repo = repo(sim)
        let follow = HotfixBinary.start(["logs", "follow"], in: repo.work)
        let got = waitFor(follow, seconds: 60) { $0.count >= 10 }
        #expect(got.count >= 10, "\(follow.stderr)")
        sim.stop()
        let deadline = Date() + 60
        while !follow.stderr.contains("pod watch failed"), Date() < deadline { usleep(200_000) }
        #expect(follow.stderr.contains("the pod watch failed: ") && follow.stderr.contains("retrying quietly until it works"), "\(follow.stderr)")
        // The watch is retried every few seconds meanwhile; nothing more is said.
        sleep(8)
        let told = follow.stderr.split(separator: "\n").filter { $0.contains("pod watch") }
        #expect(told.count == 1, "said once: \(follow.stderr)")
        #expect(!follow.stderr.contains("memcache.go"), "\(follow.stderr)")
        stop([follow], sim: sim)
        #expect(follow.wait() == 0, "\(follow.stderr)")
    }

    /// kubectl proxy that cannot start: said once, in one line, and every pod is followed with one
    /// kubectl per container instead.
    @Test func aProxyThatCannotStartIsSaidOnceAndTheFollowFallsBack() async throws {
        let slot = await ClusterGate.slot()
        defer { slot.release() }
        let sim = try await SimCluster.start(scenario: .fixWorks, speed: 10)
        defer { sim.stop() }
        let repo = repo(sim)
        let kubectl = try #require((ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
            .map { $0 + "/kubectl" }.first { FileManager.default.isExecutableFile(atPath: $0) })
        // kubectl itself for everything but `proxy`, which fails as one that cannot bind its socket does.
        let bin = repo.dir.path + "/bin"
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        repo.dir.writeExecutable("bin/kubectl", """
            #!/bin/sh
            for a in "$@"; do
              if [ "$a" = proxy ]; then
                echo 'E1203 10:00:00.000000   4242 proxy.go:123] "Unhandled Error" err="listen unix /x/kubectl.sock: bind: permission denied"' >&2
                echo 'E1203 10:00:00.000100   4242 proxy.go:123] "Unhandled Error" err="listen unix /x/kubectl.sock: bind: permission denied"' >&2
                echo 'error: listen unix /x/kubectl.sock: bind: permission denied' >&2
                exit 1
              fi
            done
            exec '\(kubectl)' "$@"

            """)
        let follow = HotfixBinary.start(["logs", "follow"], in: repo.work, env: ["PATH": bin + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "")])
        func pods(_ lines: [String]) -> Set<Substring> { Set(lines.compactMap { $0.split(separator: " ").first }) }
        let got = waitFor(follow, seconds: 60) { $0.count >= 20 && pods($0).count == 3 }
        #expect(pods(got).count == 3, "every pod, without the proxy: \(follow.stderr)")
        let said = follow.stderr.split(separator: "\n").filter { $0.contains("kubectl proxy") }
        #expect(said.count == 1, "said once: \(follow.stderr)")
        #expect(said.first?.contains("bind: permission denied") == true && said.first?.contains("one kubectl per container") == true, "\(follow.stderr)")
        #expect(!follow.stderr.contains("E1203") && !follow.stderr.contains("proxy.go"), "no klog header: \(follow.stderr)")
        #expect(follow.stderr.contains("every pod's logs with one kubectl per container"), "\(follow.stderr)")
        stop([follow], sim: sim)
        #expect(follow.wait() == 0, "\(follow.stderr)")
    }
}
