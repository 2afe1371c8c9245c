import Foundation
import HotfixEngine
@testable import HotfixRuntime
import HotfixSim
import HotfixTestSupport
import Testing

/// The real kubectl (the cloud SDK's dispatcher, version 1.32) against the simulated cluster.
@Suite(.serialized) struct KubeTests {
    @Test func setImageRolloutAndUndoRestoreTheBaseline() async throws {
        let h = try await KubeHarness(.fixWorks)
        let before = try await h.kubectl.deployment(h.sim.deployment)
        #expect(before.revision == 1)
        #expect(before.images == ["app": h.sim.baselineImage])
        #expect(before.selector == "app=app")
        let baselineHash = try #require(before.templateHash)

        try await h.kubectl.setImage(deployment: "app", container: "app", image: "registry/app:hotfix-42")
        let status = try await h.rollout()
        #expect(status.last == "deployment \"app\" successfully rolled out")
        // (The intermediate "Waiting for … new replicas" lines depend on timing: under load the
        // rollout may already be done when kubectl first looks, so only the last line is pinned.)
        let hotfix = try await h.kubectl.deployment("app")
        #expect(hotfix.revision == 2)
        #expect(hotfix.images == ["app": "registry/app:hotfix-42"])
        #expect(hotfix.templateHash != nil && hotfix.templateHash != baselineHash)
        #expect(hotfix.generation == hotfix.observedGeneration && hotfix.updatedReplicas == 3 && hotfix.availableReplicas == 3)
        #expect(hotfix.progressingReason == "NewReplicaSetAvailable" && !hotfix.rolloutStuck)
        let pods = try await h.kubectl.pods(selector: hotfix.selector)
        #expect(pods.filter { !$0.deleting }.allSatisfy { $0.templateHash == hotfix.templateHash })

        try await h.kubectl.rolloutUndo(deployment: "app", toRevision: before.revision)
        _ = try await h.rollout()
        let back = try await h.kubectl.deployment("app")
        #expect(back.images == ["app": h.sim.baselineImage])
        #expect(back.templateHash == baselineHash)
        // Undo re-uses the old ReplicaSet with the next revision, as Kubernetes does.
        #expect(back.revision == 3)
        #expect(try await h.jsonpath("{.spec.template.spec.containers[0].image}") == h.sim.baselineImage)
        #expect(try await h.jsonpath("{.metadata.annotations.deployment\\.kubernetes\\.io/revision}") == "3")
    }

    @Test func undoToAMissingRevisionIsRefused() async throws {
        let h = try await KubeHarness(.fixWorks)
        await #expect(throws: HotfixError.self) { try await h.kubectl.rolloutUndo(deployment: "app", toRevision: 9) }
        let e = await #expect(throws: HotfixError.self) { _ = try await h.kubectl.deployment("nope") }
        #expect(e?.kind == .refused && e?.message.contains("not found") == true)
    }

    /// Every new pod is followed from its first line; every line arrives once, in order.
    @Test func followerSeesEveryNewPodCompletely() async throws {
        let h = try await KubeHarness(.fixWorks)
        let before = try await h.kubectl.deployment("app")
        let since = Date(timeIntervalSince1970: floor(Date().timeIntervalSince1970) - 1)
        let follower = h.follower(selector: before.selector, baselineHash: before.templateHash, since: since)
        let log = FollowLog(follower)
        #expect(await log.waitLines(30) { ls in ls.contains { !$0.1.isNew } })
        try await h.kubectl.setImage(deployment: "app", container: "app", image: "registry/app:hotfix-7")
        _ = try await h.rollout()
        let newPods = h.sim.allPods().filter { $0.image == "registry/app:hotfix-7" }
        #expect(newPods.count == 3)
        // Wait until each new pod has delivered a few seconds of traffic.
        let names = Set(newPods.map(\.name))
        #expect(await log.waitLines(30) { ls in
            names.allSatisfy { n in ls.filter { $0.1.pod == n }.count > 40 }
        })
        await follower.stop()
        await log.finish()

        for pod in newPods {
            let got = log.lines(of: pod.name)
            let last = try #require(got.last)
            #expect(got.allSatisfy { $0.isNew && $0.templateHash == pod.templateHash })
            let truth = h.written(pod.name, through: last.timestamp)
            let same = got.map(\.text) == truth
            #expect(same, "pod \(pod.name): \(got.count) lines followed, \(truth.count) written")
            let first = try #require(log.lines.first { $0.1.pod == pod.name })
            let latency = first.0.timeIntervalSince(pod.started)
            print("first line of \(pod.name) arrived \(String(format: "%.2f", latency)) s after the container started")
            #expect(latency < 10, "hang guard")
        }
        for pod in h.sim.allPods() where pod.templateHash == before.templateHash {
            let got = log.lines(of: pod.name)
            guard let last = got.last else { continue }
            #expect(got.allSatisfy { !$0.isNew })
            let truth = h.written(pod.name, from: since, through: last.timestamp)
            let same = got.map(\.text) == truth
            #expect(same, "baseline pod \(pod.name): \(got.count) lines followed, \(truth.count) written")
        }
    }

    @Test func streamDropsLoseNothingAndRepeatNothing() async throws {
        let h = try await KubeHarness(.streamDrops)
        let before = try await h.kubectl.deployment("app")
        let since = Date(timeIntervalSince1970: floor(Date().timeIntervalSince1970))
        let follower = h.follower(selector: before.selector, baselineHash: before.templateHash, since: since)
        let log = FollowLog(follower)
        try await h.kubectl.setImage(deployment: "app", container: "app", image: "registry/app:hotfix-8")
        _ = try await h.rollout()
        let dropped = await log.wait(30) { ev in
            ev.filter { if case .tailEnded(_, _, _, true) = $1 { true } else { false } }.count >= 6
                && ev.contains { if case .watchRestarted = $1 { true } else { false } }
        }
        #expect(dropped, "the simulated drops must have cut several tails and the watch")
        await follower.stop()
        await log.finish()
        let events = log.snapshot.map(\.1)
        #expect(events.contains { if case .kubectlMessage(_, let t) = $0 { t.contains("unexpected EOF") } else { false } })
        #expect(!log.lines.contains { $0.1.text.contains("unexpected EOF") })
        var checked = 0
        for pod in h.sim.allPods() {
            let got = log.lines(of: pod.name)
            guard let last = got.last else { continue }
            let from = pod.templateHash == before.templateHash ? since : .distantPast
            let truth = h.written(pod.name, from: from, through: last.timestamp)
            let same = got.map(\.text) == truth
            #expect(same, "pod \(pod.name): \(got.count) lines followed, \(truth.count) written")
            checked += got.count
        }
        print("stream-drops: \(checked) lines checked, \(events.filter { if case .tailEnded(_, _, _, true) = $0 { true } else { false } }.count) drops")
        #expect(checked > 500)
    }

    @Test func crashloopIsObservable() async throws {
        let h = try await KubeHarness(.crashloop, speed: 20)
        let before = try await h.kubectl.deployment("app")
        let follower = h.follower(selector: before.selector, baselineHash: before.templateHash, since: Date())
        let log = FollowLog(follower)
        // A 2 s progress deadline (real seconds, as an API server counts them, whatever the speed).
        try await h.kubectl.run(["patch", "deployment/app", "--type", "merge", "-p", #"{"spec":{"progressDeadlineSeconds":2}}"#], what: "patch")
        try await h.kubectl.setImage(deployment: "app", container: "app", image: "registry/app:hotfix-9")
        let seen = await log.wait(30) { ev in
            ev.contains { if case .pod(let p, true) = $1 { p.restarts >= 1 && p.containers.first?.waitingReason == "CrashLoopBackOff" } else { false } }
        }
        #expect(seen)
        #expect(await log.waitLines(10) { ls in ls.contains { $0.1.isNew && $0.1.text.contains("ImportError") } })
        // The rollout never completes: the deadline passes and rollout status says so.
        let stuck = await #expect(throws: HotfixError.self) {
            try await h.kubectl.rolloutStatus(deployment: "app", timeout: 30) { _ in }
        }
        #expect(stuck?.message.contains("exceeded its progress deadline") == true, "\(String(describing: stuck))")
        #expect(try await h.kubectl.deployment("app").rolloutStuck)
        let crashed = try #require(h.sim.pods().first { $0.image == "registry/app:hotfix-9" })
        #expect(crashed.restarts >= 1 && !crashed.ready)
        // The baseline keeps serving: the rollout stalls on the first new pod.
        #expect(h.sim.pods().filter { $0.templateHash == before.templateHash && $0.ready }.count == 3)
        // Rolling back removes the crashing pod and leaves the baseline as it was.
        try await h.kubectl.rolloutUndo(deployment: "app", toRevision: before.revision)
        _ = try await h.rollout()
        let back = try await h.kubectl.deployment("app")
        #expect(back.images == ["app": h.sim.baselineImage] && back.revision == 3 && back.templateHash == before.templateHash)
        #expect(await log.wait(5) { _ in h.sim.pods().allSatisfy { $0.templateHash == before.templateHash } })
        await follower.stop()
        await log.finish()
    }

    @Test func unreachableUnauthorizedAndMissingAreClearErrors() async throws {
        let h = try await KubeHarness(.fixWorks, token: "secret")
        let e1 = await #expect(throws: HotfixError.self) { _ = try await h.kubectl.deployment("app") }
        #expect(e1?.kind == .environment && e1?.message.contains("did not accept kubectl's credentials (unauthorized)") == true, "\(String(describing: e1))")
        #expect(e1?.message.contains("the cluster at \(h.sim.url)") == true, "the server, from the kubeconfig: \(String(describing: e1))")

        let dead = try await SimCluster.start()
        let deadConfig = dead.kubeconfig
        let text = try String(contentsOfFile: deadConfig, encoding: .utf8)
        dead.stop()
        let home = TempDir("kube-dead")
        home.write("kubeconfig", text)
        let k = Kubectl(kubeconfig: home.file("kubeconfig"), cacheDir: home.file("cache"), runner: ProcessRunner(environment: ["HOME": home.path]))
        let e2 = await #expect(throws: HotfixError.self) { _ = try await k.deployment("app") }
        #expect(e2?.kind == .environment && e2?.message.contains("could not be reached (") == true, "\(String(describing: e2))")
        #expect((e2?.said.count ?? 0) <= 2 && e2?.said.allSatisfy { $0.hasPrefix("kubectl: ") && !$0.contains("memcache.go") } == true, "\(String(describing: e2?.said))")

        // The follower reports the same error as an event, and keeps retrying until stopped.
        let follower = h.follower(selector: "app=app", baselineHash: nil)
        let log = FollowLog(follower)
        #expect(await log.wait(30) { ev in
            ev.contains { if case .watchFailed(let e) = $1 { e.kind == .environment && e.message.contains("(unauthorized)") } else { false } }
        })
        await follower.stop()
        await log.finish()

        var missing = h.kubectl
        missing.target.kubectl = "kubectl-that-does-not-exist"
        let e3 = await #expect(throws: HotfixError.self) { _ = try await missing.deployment("app") }
        #expect(e3?.kind == .environment && e3?.message.contains("not installed") == true)
    }

    /// The plan's commands, as a dry run prints them, do what they say against the real kubectl.
    @Test func thePlansCommandsRunAgainstTheCluster() async throws {
        let h = try await KubeHarness(.fixWorks)
        var d = HotfixConfig.Deploy()
        d.context = h.sim.context; d.namespace = h.sim.namespace; d.kubeconfig = h.sim.kubeconfig
        d.kubectlCacheDir = h.kubectl.target.cacheDir  // deploy.kubectl_cache_dir: the harness's private cache
        let plan = DeployPlan(.init(config: d, id: "INC-5"))
        #expect(plan.settings.target.cacheDir == h.kubectl.target.cacheDir)
        #expect(plan.settings.image == "registry/app:hotfix-INC-5")
        #expect(plan.step(.build)?.commands == [["docker", "build", "-t", "registry/app:hotfix-INC-5", "."]])
        // The rollout timeout is read from the deployment (600 s + the margin) when not configured.
        let late = ["rollout-timeout": "630"]
        for kind in [DeployPlan.Kind.setImage, .rollout] {
            for c in try #require(plan.step(kind)).commands {
                let r = try await h.kubectl.runner.run(DeployPlan.filled(c, late))
                #expect(r.succeeded, "\(kind): \(r.stderr)")
            }
        }
        #expect(try await h.kubectl.deployment("app").images == ["app": "registry/app:hotfix-INC-5"])
        for step in plan.rollbackSteps(toRevision: 1) {
            for c in step.commands { #expect(try await h.kubectl.runner.run(DeployPlan.filled(c, late)).succeeded) }
        }
        let back = try await h.kubectl.deployment("app")
        #expect(back.images == ["app": h.sim.baselineImage] && back.revision == 3)
    }

    @Test func everyCallCarriesTheConfiguredTarget() {
        var d = HotfixConfig.Deploy()
        d.context = "prod"; d.namespace = "shop"; d.kubeconfig = "/k/config"
        let k = Kubectl(deploy: d, cacheDir: "/tmp/c")
        #expect(k.argv(["get", "pods"]) == ["kubectl", "--kubeconfig", "/k/config", "--context", "prod", "--namespace", "shop",
                                            "--cache-dir", "/tmp/c", "get", "pods"])
        // deploy.kubectl_cache_dir: one cache per cluster, under the home folder or the repository.
        d.kubectlCacheDir = "~/.kube/cache/prod"
        #expect(Array(Kubectl(deploy: d).argv([]).suffix(2)) == ["--cache-dir", NSHomeDirectory() + "/.kube/cache/prod"])
        d.kubectlCacheDir = ".kube-cache"
        #expect(Array(Kubectl(deploy: d, root: "/repo").argv([]).suffix(2)) == ["--cache-dir", "/repo/.kube-cache"])
        #expect(DeployPlan(.init(config: d, id: "x", root: "/repo")).step(.setImage)?.commands.first?.contains("/repo/.kube-cache") == true)
        #expect(Kubectl().argv(["version"]) == ["kubectl", "version"])
    }
}

@Suite struct KubeParsingTests {
    @Test func watchOutputSplitsIntoObjectsWhateverTheLineBreaks() {
        var s = JSONObjectStream()
        var got: [[String: Any]] = []
        for line in ["{", "  \"type\": \"ADDED\",", "  \"object\": {\"metadata\": {\"name\": \"a}{\\\"b\"}}", "}{\"type\":\"DELETED\",\"object\":{}}", "garbage"] {
            got += s.feed(line)
        }
        #expect(got.count == 2)
        #expect(got.first?["type"] as? String == "ADDED")
        #expect(((got.first?["object"] as? [String: Any])?["metadata"] as? [String: Any])?["name"] as? String == "a}{\"b")
        #expect(got.last?["type"] as? String == "DELETED")
    }

    @Test func timestampsParseExactlyAndPrintForSinceTime() throws {
        let (ts, rest) = try #require(KubeTimestamp.split("2026-11-26T10:41:02.123456789Z 2026-11-26 10:41:02,123 INFO GET / 200 3ms"))
        #expect(rest == "2026-11-26 10:41:02,123 INFO GET / 200 3ms")
        #expect(ts.nanos == 123_456_789)
        #expect(ts.description == "2026-11-26T10:41:02.123456789Z")
        // Go trims trailing zeros; the kubelet may send fewer digits.
        #expect(KubeTimestamp.parse("2026-11-26T10:41:02.5Z")?.nanos == 500_000_000)
        #expect(KubeTimestamp.parse("2026-11-26T10:41:02Z")?.seconds == ts.seconds)
        #expect(KubeTimestamp.split("error: unexpected EOF") == nil)
        let line = FollowedLine(pod: "app-x-1", container: "app", templateHash: "x", isNew: true, timestamp: ts, text: "INFO GET / 200 3ms")
        #expect(line.kubectlLine == "[pod/app-x-1/app] 2026-11-26T10:41:02.123456789Z INFO GET / 200 3ms")
    }

    @Test func aResumedTailSkipsWhatWasDeliveredEvenWithEqualTimestamps() {
        let t0 = KubeTimestamp(seconds: 100, nanos: 0), t1 = KubeTimestamp(seconds: 100, nanos: 5), t2 = KubeTimestamp(seconds: 101, nanos: 0)
        let first = LogFollower.TailCursor(last: nil, skipEqual: 0, countAtLast: 0)
        #expect([t0, t1, t1].map(first.accept) == [true, true, true])
        let (last, count, _) = first.snapshot()
        #expect(last == t1 && count == 2)
        // The server resends from the start of the second (sinceTime has second precision).
        let again = LogFollower.TailCursor(last: last, skipEqual: count, countAtLast: count)
        #expect([t0, t1, t1, t1, t2].map(again.accept) == [false, false, false, true, true])
    }
}
