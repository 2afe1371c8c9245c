import Foundation
import HotfixEngine
@testable import HotfixRuntime
@testable import HotfixSim
import HotfixTestSupport
import Testing

/// The simulated cluster's own behaviour: what each scenario's pods write, and the patch kinds.
@Suite struct KubeSimTests {
    struct Counts {
        var requests = 0, incident = 0, keyErrors = 0, crashes = 0
        var latencies: [Int] = []
        var median: Int { latencies.sorted()[latencies.count / 2] }
    }

    /// Ten simulated minutes of one pod's log under a behaviour.
    func counts(_ b: LogGenerator.Behaviour) -> Counts {
        let g = LogGenerator(seed: 42, behaviour: b, image: "registry/app:x", pod: "app-abc-12345", eventsPerSecond: 8, crashAfter: 4)
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        var c = Counts()
        for l in g.lines(runStart: start, run: 0, from: start, to: start.addingTimeInterval(600)) {
            if l.text.contains(" req=") { c.requests += 1 }
            if l.text.contains("ERROR") && l.text.contains("'NoneType' object has no attribute 'id' in get_user") { c.incident += 1 }
            if l.text.contains("ERROR") && l.text.contains("KeyError: 'email'") { c.keyErrors += 1 }
            if l.text.contains("CRITICAL Worker failed to boot") { c.crashes += 1 }
            if let r = l.text.range(of: #" (\d+)ms "#, options: .regularExpression) {
                c.latencies.append(Int(l.text[r].trimmingCharacters(in: .whitespaces).dropLast(2)) ?? 0)
            }
        }
        return c
    }

    @Test func scenariosChangeWhatTheHotfixPodsWrite() {
        let base = counts(.baseline)
        #expect(base.requests > 4000)
        let rate = Double(base.incident) / Double(base.requests)
        #expect(rate > 0.03 && rate < 0.09, "baseline incident rate \(rate)")
        let fixed = counts(.fixed)
        #expect(fixed.incident == 0 && fixed.keyErrors == 0 && fixed.requests > 4000)
        let newError = counts(.newError)
        #expect(newError.incident == 0 && Double(newError.keyErrors) / Double(newError.requests) > 0.02)
        let quiet = counts(.quiet)
        #expect(quiet.requests > 0 && quiet.requests * 20 < base.requests)
        let slow = counts(.slow)
        #expect(slow.median > 3 * base.median && slow.incident == 0, "median \(slow.median) ms vs \(base.median) ms")
        let crash = counts(.crash)
        #expect(crash.crashes == 1 && crash.requests == 0)
    }

    @Test func theBaselineImageAlwaysShowsTheIncident() async throws {
        let sim = try await SimCluster.start(scenario: .fixWorks, speed: 50)
        defer { sim.stop() }
        #expect(sim.cluster.behaviour(image: sim.baselineImage) == .baseline)
        for s in Scenario.allCases {
            let c = Cluster(scenario: s, speed: 1, timing: SimTiming(), namespace: "default", deployment: "app", container: "app",
                            image: "registry/app:1.4.2", replicas: 1)
            #expect(c.behaviour(image: "registry/app:1.4.2") == .baseline)
            #expect((c.behaviour(image: "registry/app:hotfix-1") == .baseline) == (s == .noEffect))
        }
        // The running baseline has history: five simulated minutes of requests.
        let pod = try #require(sim.pods().first)
        #expect(sim.written(pod: pod.name, to: Date()).count > 1000)
    }

    @Test func patchesApplyAsTheAPIServerDoes() throws {
        let doc = try JSON.parse(#"{"spec":{"template":{"spec":{"containers":[{"name":"app","image":"a:1"},{"name":"side","image":"s:1"}]}}},"metadata":{"annotations":{"x":"1"}}}"#)
        let smp = try JSON.parse(#"{"spec":{"template":{"spec":{"containers":[{"name":"app","image":"a:2"}]}}}}"#)
        let merged = try Patch.apply(.strategicMerge, patch: smp, to: doc)
        let containers = merged[path: ["spec", "template", "spec", "containers"]]?.array ?? []
        #expect(containers.map { $0["image"]?.string } == ["a:2", "s:1"])
        // A merge patch replaces lists and removes keys set to null.
        let mp = try Patch.apply(.merge, patch: try JSON.parse(#"{"spec":{"template":{"spec":{"containers":[{"name":"app","image":"a:3"}]}}},"metadata":{"annotations":null}}"#), to: doc)
        #expect(mp[path: ["spec", "template", "spec", "containers"]]?.array?.count == 1)
        #expect(mp[path: ["metadata", "annotations"]] == nil)
        // rollout undo's JSON patch.
        let jp = try Patch.apply(.json, patch: try JSON.parse(#"[{"op":"replace","path":"/metadata/annotations","value":{"y":"2"}},{"op":"add","path":"/spec/template/spec/containers/-","value":{"name":"n"}}]"#), to: doc)
        #expect(jp[path: ["metadata", "annotations"]] == .object(["y": .string("2")]))
        #expect(jp[path: ["spec", "template", "spec", "containers"]]?.array?.count == 3)
        #expect(throws: PatchError.self) { try Patch.apply(.json, patch: try JSON.parse(#"[{"op":"remove","path":"/nope"}]"#), to: doc) }
        #expect(throws: JSONParseError.self) { try JSON.parse("{\"a\":") }
    }

    @Test func logOptionsBehaveAsTheKubeletsDo() async throws {
        let h = try await KubeHarness(.crashloop, speed: 20)
        let pod = try #require(h.sim.pods().first)
        let tail = try await h.kubectl.run(["logs", "pod/\(pod.name)", "--tail=5"], what: "read logs").stdout
        let lines = tail.split(separator: "\n").map(String.init)
        #expect(lines.count == 5)
        let written = h.sim.written(pod: pod.name, to: Date()).map(\.text)
        // The five lines are consecutive lines of the pod's log (which has grown since).
        #expect(written.count >= 5 && (0...(written.count - 5)).contains { Array(written[$0..<$0 + 5]) == lines })
        let limited = try await h.kubectl.run(["logs", "pod/\(pod.name)", "--limit-bytes=50"], what: "read logs").stdout
        #expect(limited.utf8.count == 50)
        // --since counts back from when the server answers, which is after `asked` (however slow kubectl starts).
        let asked = Date()
        let since = try await h.kubectl.run(["logs", "pod/\(pod.name)", "--since=1s", "--timestamps"], what: "read logs").stdout
        let stamps = since.split(separator: "\n").compactMap { KubeTimestamp.split(String($0))?.0 }
        #expect(!stamps.isEmpty && stamps.allSatisfy { $0.date > asked.addingTimeInterval(-1.5) })
        // No previous container on a healthy pod; the crash on a crashlooping one.
        let noPrevious = await #expect(throws: HotfixError.self) { try await h.kubectl.run(["logs", "pod/\(pod.name)", "--previous"], what: "read logs") }
        #expect(noPrevious?.message.contains("previous terminated container") == true)
        try await h.kubectl.setImage(deployment: "app", container: "app", image: "registry/app:hotfix-3")
        var crashed: SimCluster.PodInfo?
        for _ in 0..<100 where crashed == nil {
            crashed = h.sim.pods().first { $0.restarts >= 1 }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        let c = try #require(crashed)
        let previous = try await h.kubectl.run(["logs", "pod/\(c.name)", "--previous"], what: "read logs").stdout
        #expect(previous.contains("ImportError: cannot import name 'UserCache'"))
        let describe = try await h.kubectl.run(["get", "pod", c.name, "-o", "jsonpath={.status.containerStatuses[0].restartCount}"], what: "read").stdout
        #expect((Int(describe) ?? 0) >= 1)
    }
}
