import Foundation
import HotfixEngine
@testable import HotfixRuntime
import HotfixSim
import HotfixTestSupport
import Testing

/// Every pod's logs through one real `kubectl proxy` on a Unix socket, against the simulated cluster.
@Suite(.serialized) struct ProxyFollowerTests {
    /// A follower through a proxy in a private directory of `dir`.
    func follower(_ h: KubeHarness, _ dir: TempDir, baselineHash: String?, since: Date?, lineCap: Int = 16_384) async throws -> ProxyFollower {
        let proxy = try KubeProxy(kubectl: h.kubectl, parent: dir.path)
        return h.track(try await ProxyFollower.start(proxy: proxy, namespace: h.sim.namespace, selector: "app=app",
                                                     baselineHash: baselineHash, since: since, lineCap: lineCap))
    }

    /// Every line each container wrote from `since` (old pods) or its start (new pods) up to the
    /// last line delivered arrived exactly once, in order.
    func expectComplete(_ h: KubeHarness, _ log: FollowLog, baselineHash: String?, since: Date, minimum: Int) -> Int {
        var checked = 0
        for pod in h.sim.allPods() {
            for container in pod.containers {
                let got = log.lines(of: pod.name, container: container)
                guard let last = got.last else { continue }
                let from = pod.templateHash == baselineHash ? since : .distantPast
                let truth = h.written(pod.name, container: container, from: from, through: last.timestamp)
                let same = got.map(\.text) == truth
                #expect(same, "\(pod.name)/\(container): \(got.count) lines followed, \(truth.count) written; \(same ? "" : Self.difference(h, pod, container, got, from: from))")
                #expect(got.allSatisfy { $0.isNew == (pod.templateHash != baselineHash) && $0.templateHash == pod.templateHash })
                checked += got.count
            }
        }
        #expect(checked >= minimum, "only \(checked) lines checked")
        return checked
    }

    /// What differs between the lines followed and what the container wrote (for a failure message):
    /// lines repeated, lines it never wrote and where they stand against its last written line, lines missing.
    static func difference(_ h: KubeHarness, _ pod: SimCluster.PodInfo, _ container: String, _ got: [FollowedLine], from: Date) -> String {
        let all = h.sim.written(pod: pod.name, container: container, to: Date().addingTimeInterval(3600))
        let written = Set(all.map { "\($0.stamp) \($0.text)" })
        var seen = Set<String>()
        var doubled = 0
        var unwritten: [FollowedLine] = []
        for l in got {
            let key = "\(l.timestamp) \(l.text)"
            if !seen.insert(key).inserted { doubled += 1 }
            if !written.contains(key) { unwritten.append(l) }
        }
        let wanted = all.filter { $0.time >= from && $0.time <= (got.last?.timestamp.date ?? from) }
        let missing = wanted.filter { !seen.contains("\($0.stamp) \($0.text)") }.count
        let early = got.filter { $0.timestamp.date < from }.count
        var out = "\(doubled) repeated, \(early) before since, \(missing) missing, \(unwritten.count) never written"
        if let u = unwritten.first, let lastWritten = all.last {
            out += String(format: " (the first %.3f s after the last line written, %@; deleting: %@)",
                          u.timestamp.date.timeIntervalSince(lastWritten.time), lastWritten.stamp, "\(pod.deleting)")
        }
        return out
    }

    @Test func aRolloutIsFollowedEndToEndEveryLineOnceInOrderThroughOneKubectl() async throws {
        let h = try await KubeHarness(.fixWorks, replicas: 3, containers: 2)
        let dir = TempDir("proxy-follow")
        let before = try await h.kubectl.deployment("app")
        let since = Date(timeIntervalSince1970: floor(Date().timeIntervalSince1970) - 1)
        let follower = try await follower(h, dir, baselineHash: before.templateHash, since: since)
        let socket = follower.proxy.socketPath
        // Private: the directory is 0700 and the socket is inside it (no TCP port).
        var st = stat()
        #expect(stat(follower.proxy.directory, &st) == 0 && st.st_mode & 0o777 == 0o700)
        #expect(socket.hasPrefix(dir.path + "/proxy/"))
        #expect(TestProcesses.mentioning(socket).count == 1, "one kubectl for every stream")
        let log = FollowLog(follower)
        #expect(await log.waitLines(30) { ls in Set(ls.filter { !$0.1.isNew }.map(\.1.container)) == ["app", "proxy"] })
        try await h.kubectl.setImage(deployment: "app", container: "app", image: "registry/app:hotfix-7")
        _ = try await h.rollout()
        let newPods = h.sim.allPods().filter { $0.image == "registry/app:hotfix-7" }
        #expect(newPods.count == 3)
        #expect(await log.waitLines(30) { ls in
            newPods.allSatisfy { p in p.containers.allSatisfy { c in ls.filter { $0.1.pod == p.name && $0.1.container == c }.count > 30 } }
        })
        #expect(TestProcesses.mentioning(socket).count == 1, "still one kubectl after the rollout")
        await follower.stop()
        await log.finish()
        _ = expectComplete(h, log, baselineHash: before.templateHash, since: since, minimum: 500)
        for pod in newPods {
            let first = try #require(log.lines.first { $0.1.pod == pod.name })
            print("first line of \(pod.name) arrived \(String(format: "%.2f", first.0.timeIntervalSince(pod.started))) s after the container started")
        }
        let events = log.snapshot.map(\.1)
        #expect(events.contains { if case .podDeleted = $0 { true } else { false } }, "the old pods' deletion was seen")
        #expect(TestProcesses.mentioning(socket).isEmpty, "stop leaves no kubectl behind")
        #expect(!FileManager.default.fileExists(atPath: socket))
    }

    @Test func streamDropsLoseNothingAndRepeatNothing() async throws {
        let h = try await KubeHarness(.streamDrops)
        let dir = TempDir("proxy-drops")
        let before = try await h.kubectl.deployment("app")
        let since = Date(timeIntervalSince1970: floor(Date().timeIntervalSince1970))
        let follower = try await follower(h, dir, baselineHash: before.templateHash, since: since)
        let log = FollowLog(follower)
        try await h.kubectl.setImage(deployment: "app", container: "app", image: "registry/app:hotfix-8")
        _ = try await h.rollout()
        let dropped = await log.wait(30) { ev in
            ev.filter { if case .tailEnded(_, _, _, true) = $1 { true } else { false } }.count >= 6
                && ev.contains { if case .watchRestarted = $1 { true } else { false } }
        }
        #expect(dropped, "the simulated drops must have cut several streams and the watch")
        await follower.stop()
        await log.finish()
        let checked = expectComplete(h, log, baselineHash: before.templateHash, since: since, minimum: 500)
        print("stream-drops through the proxy: \(checked) lines checked")
    }

    @Test func aPodDeletedMidStreamEndsItsStreamAndItsReplacementIsFollowed() async throws {
        let h = try await KubeHarness(.fixWorks)
        let dir = TempDir("proxy-delete")
        let before = try await h.kubectl.deployment("app")
        let since = Date(timeIntervalSince1970: floor(Date().timeIntervalSince1970))
        let follower = try await follower(h, dir, baselineHash: before.templateHash, since: since)
        let log = FollowLog(follower)
        let initial = Set(h.sim.pods().map(\.name))
        let victim = try #require(h.sim.pods().first).name
        #expect(await log.waitLines(30) { ls in ls.contains { $0.1.pod == victim } })
        h.sim.deletePod(victim)
        #expect(await log.wait(30) { ev in ev.contains { if case .podDeleted(victim) = $1 { true } else { false } } })
        let replacement = await log.waitLines(30) { ls in ls.contains { !initial.contains($0.1.pod) } }
        #expect(replacement, "the replacement pod's lines arrive")
        await follower.stop()
        await log.finish()
        _ = expectComplete(h, log, baselineHash: before.templateHash, since: since, minimum: 50)
    }

    /// An API server that reads a container's log late (as one on a loaded machine does: here
    /// once a second, the pods gone within 0.05 s of their deletion) still ends a deleted pod's
    /// streams at the container's last line: nothing it did not write is followed. (The simulated
    /// server once served a pod that was already gone up to the moment it looked, beyond its stop.)
    @Test func aDeletedPodsStreamsEndAtItsLastLineWhenTheServerReadsLate() async throws {
        var timing = SimTiming()
        timing.logPoll = 1
        timing.terminationGrace = 0.5
        let h = try await KubeHarness(.fixWorks, replicas: 3, containers: 2, timing: timing)
        let dir = TempDir("proxy-late")
        let before = try await h.kubectl.deployment("app")
        let since = Date(timeIntervalSince1970: floor(Date().timeIntervalSince1970))
        let follower = try await follower(h, dir, baselineHash: before.templateHash, since: since)
        let log = FollowLog(follower)
        let victims = h.sim.pods()
        #expect(await log.waitLines(30) { ls in
            victims.allSatisfy { p in p.containers.allSatisfy { c in ls.contains { $0.1.pod == p.name && $0.1.container == c } } }
        })
        for p in victims { h.sim.deletePod(p.name) }
        // Each victim's streams end (the server's proper end at the container's stop) and the pod is gone.
        #expect(await log.wait(30) { ev in
            victims.allSatisfy { p in
                ev.contains { if case .podDeleted(p.name) = $1 { true } else { false } }
                    && p.containers.allSatisfy { c in ev.contains { if case .tailEnded(p.name, c, _, _) = $1 { true } else { false } } }
            }
        })
        await follower.stop()
        await log.finish()
        _ = expectComplete(h, log, baselineHash: before.templateHash, since: since, minimum: 100)
    }

    /// The races a live stream could lose to: the watch expiring again and again (each time the
    /// pods are listed anew, every running container seen again) while streams are cut every few
    /// seconds, through a rollout, with a consumer slow enough to hold the streams back. Every
    /// container still gets each line once, in order: no second stream for a container, no
    /// boundary second delivered twice.
    @Test func relistsAndDropsDuringARolloutWithASlowConsumerRepeatNothing() async throws {
        let h = try await KubeHarness(.streamDrops, replicas: 3, containers: 2)
        let dir = TempDir("proxy-relist")
        let before = try await h.kubectl.deployment("app")
        let since = Date(timeIntervalSince1970: floor(Date().timeIntervalSince1970))
        let follower = try await follower(h, dir, baselineHash: before.templateHash, since: since)
        let log = FollowLog(follower, slowness: 0.005)
        #expect(await log.waitLines(30) { ls in !ls.isEmpty })
        let expiring = Task {
            while !Task.isCancelled {
                h.sim.expireWatches()
                try? await Task.sleep(for: .milliseconds(300))
            }
        }
        try await h.kubectl.setImage(deployment: "app", container: "app", image: "registry/app:hotfix-10")
        _ = try await h.rollout()
        let newPods = h.sim.allPods().filter { $0.image == "registry/app:hotfix-10" }
        #expect(await log.wait(30) { ev in
            ev.filter { if case .watchExpired = $1 { true } else { false } }.count >= 5
                && ev.filter { if case .tailEnded(_, _, _, true) = $1 { true } else { false } }.count >= 3
        })
        #expect(await log.waitLines(30) { ls in newPods.allSatisfy { p in ls.contains { $0.1.pod == p.name } } })
        expiring.cancel()
        await expiring.value
        await follower.stop()
        await log.finish()
        _ = expectComplete(h, log, baselineHash: before.templateHash, since: since, minimum: 300)
    }

    @Test func anExpiredWatchListsAgainAndResumes() async throws {
        let h = try await KubeHarness(.fixWorks)
        let dir = TempDir("proxy-expire")
        let before = try await h.kubectl.deployment("app")
        let since = Date(timeIntervalSince1970: floor(Date().timeIntervalSince1970))
        let follower = try await follower(h, dir, baselineHash: before.templateHash, since: since)
        let log = FollowLog(follower)
        #expect(await log.waitLines(30) { ls in !ls.isEmpty })
        h.sim.expireWatches()
        #expect(await log.wait(30) { ev in ev.contains { if case .watchExpired = $1 { true } else { false } } })
        // The watch after the expiry still sees the rollout's new pods.
        try await h.kubectl.setImage(deployment: "app", container: "app", image: "registry/app:hotfix-9")
        _ = try await h.rollout()
        let newPods = h.sim.allPods().filter { $0.image == "registry/app:hotfix-9" }
        #expect(await log.waitLines(30) { ls in newPods.allSatisfy { p in ls.contains { $0.1.pod == p.name } } })
        await follower.stop()
        await log.finish()
        _ = expectComplete(h, log, baselineHash: before.templateHash, since: since, minimum: 100)
    }

    @Test func aKilledProxyIsRestartedAndTheStreamsResumeWithNothingLost() async throws {
        let h = try await KubeHarness(.fixWorks)
        let dir = TempDir("proxy-kill")
        let before = try await h.kubectl.deployment("app")
        let since = Date(timeIntervalSince1970: floor(Date().timeIntervalSince1970))
        let follower = try await follower(h, dir, baselineHash: before.templateHash, since: since)
        let log = FollowLog(follower)
        #expect(await log.waitLines(30) { ls in ls.count > 20 })
        let first = try #require(follower.proxy.processID)
        kill(first, SIGKILL)
        #expect(await log.wait(30) { ev in ev.contains { if case .proxyRestarted = $1 { true } else { false } } })
        let countAtKill = log.lines.count
        #expect(await log.waitLines(30) { ls in ls.count > countAtKill + 100 }, "lines flow again after the restart")
        let second = try #require(follower.proxy.processID)
        #expect(second != first)
        await follower.stop()
        await log.finish()
        // The simulated kubelet keeps every line, so nothing may be missing across the restart.
        _ = expectComplete(h, log, baselineHash: before.templateHash, since: since, minimum: 100)
        #expect(TestProcesses.mentioning(follower.proxy.socketPath).isEmpty)
    }

    @Test func aLineLongerThanTheCapIsCutWithAMarker() {
        var splitter = LogLineSplitter(cap: 100)
        let long = "2026-11-26T10:41:02.000000001Z " + String(repeating: "x", count: 250)
        let short = "2026-11-26T10:41:02.000000002Z INFO GET / 200 3ms"
        var got: [String] = []
        let text = Array((long + "\n" + short + "\n").utf8)
        // Fed in small pieces, as a network delivers it.
        for start in stride(from: 0, to: text.count, by: 37) {
            text[start..<min(text.count, start + 37)].withUnsafeBytes { splitter.feed($0) { got.append(String(decoding: $0, as: UTF8.self)) } }
        }
        #expect(got.count == 2)
        #expect(got[0] == "2026-11-26T10:41:02.000000001Z " + String(repeating: "x", count: 100) + " [… line cut: 250 bytes, logs.line_cap]")
        #expect(got[1] == short)
    }

    @Test func aProxyThatCannotStartSaysWhyAndLeavesNothing() async throws {
        let h = try await KubeHarness(.fixWorks)
        let dir = TempDir("proxy-bad")
        var k = h.kubectl
        k.target.kubectl = "kubectl-that-does-not-exist"
        let proxy = try KubeProxy(kubectl: k, parent: dir.path)
        let e = await #expect(throws: HotfixError.self) { try await proxy.start() }
        #expect(e?.message.contains("kubectl proxy did not start") == true, "\(String(describing: e))")
        #expect(TestProcesses.mentioning(proxy.socketPath).isEmpty)
    }
}
