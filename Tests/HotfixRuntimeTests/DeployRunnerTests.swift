import Foundation
import HotfixEngine
@testable import HotfixRuntime
import HotfixSim
import HotfixTestSupport
import Testing

/// DEPLOY end to end: the real kubectl against the simulated cluster, every scenario judged.
@Suite struct DeployRunnerTests {
    final class Journal: @unchecked Sendable {
        private let lock = NSLock()
        private var items: [(Date, EventBody)] = []
        func add(_ bodies: [EventBody]) { lock.withLock { items += bodies.map { (Date(), $0) } } }
        var bodies: [EventBody] { lock.withLock { items.map(\.1) } }
        /// When `set image` was recorded.
        var deployedAt: Date? {
            lock.withLock { items.first { if case .deploy(let d) = $0.1 { d.step == "set-image" } else { false } }?.0 }
        }
        var verdicts: [(Date, VerdictRecord)] {
            lock.withLock { items.compactMap { if case .verdict(let v) = $0.1 { ($0.0, v) } else { nil } } }
        }
    }

    static let window = 15.0, warmup = 3.0

    func runner(_ h: KubeHarness, _ journal: Journal, autoRollback: Bool = false, window: Double = Self.window) -> DeployRunner {
        let settings = DeployPlan.Settings(image: "registry/app:hotfix-001-api-500", build: [], push: [], deployment: h.sim.deployment,
                                           container: h.sim.container, target: h.kubectl.target, window: window, warmup: Self.warmup,
                                           interval: 3, rolloutTimeout: 60, autoRollback: autoRollback)
        return DeployRunner(plan: DeployPlan(settings), kubectl: h.kubectl, root: NSTemporaryDirectory(), clock: SystemClock(),
                            baselineLookback: 30, journal: { journal.add($0) }, progress: { _ in })
    }

    /// A runner whose window is asked to stop as soon as the new image is set (the operator's r, y, or a
    /// rollback made elsewhere), while the rollout may still be going.
    func runner(_ h: KubeHarness, _ journal: Journal, stoppingAtSetImage stop: WindowStop) -> DeployRunner {
        let stopper = WindowStopper()
        var runner = runner(h, journal)
        runner.stopper = stopper
        runner.journal = { bodies in
            journal.add(bodies)
            if bodies.contains(where: { if case .deploy(let d) = $0 { d.step == "set-image" } else { false } }) { stopper.stop(stop) }
        }
        return runner
    }

    @Test(arguments: [
        (Scenario.fixWorks, VerdictOutcome.pass, "targeted error"),
        (.noEffect, .fail, "targeted error"),
        (.newError, .fail, "KeyError"),
        (.noTraffic, .inconclusive, "too little traffic"),
        (.streamDrops, .pass, "targeted error"),
        (.slow, .fail, "latency"),
    ])
    func eachScenarioGetsItsVerdict(_ scenario: Scenario, _ expected: VerdictOutcome, _ mention: String) async throws {
        let h = try await KubeHarness(scenario)
        let journal = Journal()
        let verdict = try await runner(h, journal).run()
        let reasons = verdict.reasons.joined(separator: " | ")
        if scenario == .slow {
            #expect(verdict.outcome == .fail || verdict.outcome == .marginal, "\(reasons)")
        } else {
            #expect(verdict.outcome == expected, "\(scenario): \(reasons)")
        }
        #expect(reasons.contains(mention), "\(scenario): \(reasons)")
        // The record: baseline, set-image, rollout, verdict, in that order.
        let steps = journal.bodies.compactMap { if case .deploy(let d) = $0 { "\(d.step):\(d.outcome)" } else { nil } }
        #expect(steps == ["baseline:done", "set-image:done", "rollout:done"], "\(steps)")
        #expect(journal.verdicts.map(\.1.outcome) == [verdict.outcome.rawValue])
        if case .deploy(let base) = journal.bodies.first { #expect(base.revision == 1 && base.image == h.sim.baselineImage) }
    }

    @Test func aCrashLoopFailsBeforeTheWindowEndsAndAutoRollbackRestoresTheBaseline() async throws {
        let h = try await KubeHarness(.crashloop)
        let journal = Journal()
        // A long window, so "before the window ends" holds on a loaded machine too (a crash is
        // seen within seconds; only a missed crash would wait the whole minute).
        let window = 60.0
        let verdict = try await runner(h, journal, autoRollback: true, window: window).run()
        #expect(verdict.outcome == .fail, "\(verdict.reasons)")
        let judged = try #require(journal.verdicts.first?.0)
        let deployed = try #require(journal.deployedAt)
        #expect(judged.timeIntervalSince(deployed) < Self.warmup + window, "failed at once, not after the window")
        #expect(verdict.reasons.joined().contains("CrashLoopBackOff") || verdict.reasons.joined().contains("restart"), "\(verdict.reasons)")
        let rollbacks = journal.bodies.compactMap { if case .rollback(let r) = $0 { r } else { nil } }
        #expect(rollbacks == [RollbackRecord(revision: 1, image: h.sim.baselineImage, outcome: "done", automatic: true)])
        let after = try await h.kubectl.deployment(h.sim.deployment)
        #expect(after.images[h.sim.container] == h.sim.baselineImage)
        #expect(try await h.jsonpath("{.spec.template.spec.containers[0].image}") == h.sim.baselineImage)
    }

    @Test func rollbackOnRequestRestoresTheBaselineImageAndRevision() async throws {
        let h = try await KubeHarness(.noEffect)
        let journal = Journal()
        let runner = runner(h, journal)
        let verdict = try await runner.run()
        #expect(verdict.outcome == .fail)
        try await runner.rollback(toRevision: 1, image: h.sim.baselineImage)
        #expect(try await h.jsonpath("{.spec.template.spec.containers[0].image}") == h.sim.baselineImage)
        #expect(try await h.jsonpath("{.metadata.annotations.deployment\\.kubernetes\\.io/revision}") == "3", "undo re-uses revision 1's ReplicaSet as revision 3")
        let rollbacks = journal.bodies.compactMap { if case .rollback(let r) = $0 { r } else { nil } }
        #expect(rollbacks.last?.outcome == "done" && rollbacks.last?.automatic == false)
    }

    @Test func aRollbackAskedForDuringTheWindowEndsItEarlyWithAnHonestVerdictThenRollsBack() async throws {
        let h = try await KubeHarness(.fixWorks)
        let journal = Journal()
        let verdict = try await runner(h, journal, stoppingAtSetImage: .rollback).run()
        #expect(verdict.outcome == .inconclusive, "a window cut short is no PASS: \(verdict.reasons)")
        let record = try #require(journal.verdicts.first?.1)
        #expect(journal.verdicts.count == 1)
        #expect(record.outcome == "INCONCLUSIVE")
        #expect(record.reasons.first?.hasPrefix("window ended early") == true, "\(record.reasons)")
        #expect(record.reasons.first?.contains("the operator rolled back; verdict so far") == true, "\(record.reasons)")
        let steps = journal.bodies.compactMap { if case .deploy(let d) = $0 { d.step } else { nil } }
        #expect(steps == ["baseline", "set-image", "rollout"], "the rollout is recorded (done or stopped), nothing after")
        // The verdict, then the rollback, and nothing of the deploy after it.
        let kinds = journal.bodies.map { body -> String in
            switch body {
            case .verdict: "verdict"
            case .rollback: "rollback"
            default: "other"
            }
        }
        #expect(kinds.suffix(2) == ["verdict", "rollback"], "\(kinds)")
        let rollbacks = journal.bodies.compactMap { if case .rollback(let r) = $0 { r } else { nil } }
        #expect(rollbacks == [RollbackRecord(revision: 1, image: h.sim.baselineImage, outcome: "done", automatic: false)])
        #expect(try await h.jsonpath("{.spec.template.spec.containers[0].image}") == h.sim.baselineImage)
    }

    @Test func aRollbackMadeElsewhereEndsTheWindowAndTheRunnerDoesNotRollBackAgain() async throws {
        let h = try await KubeHarness(.noEffect)
        let journal = Journal()
        let verdict = try await runner(h, journal, stoppingAtSetImage: .rolledBackElsewhere).run()
        #expect(verdict.outcome != .pass)
        #expect(verdict.reasons.first?.contains("rolled back from elsewhere") == true, "\(verdict.reasons)")
        #expect(journal.bodies.allSatisfy { if case .rollback = $0 { false } else { true } }, "no second rollback")
    }

    /// The per-container fallback: when kubectl proxy cannot start, the window says so and
    /// follows with one kubectl per container, to the same verdict.
    @Test func whenTheProxyCannotStartTheWindowFollowsWithOneKubectlPerContainer() async throws {
        let h = try await KubeHarness(.fixWorks)
        let journal = Journal()
        let notices = Lines()
        var runner = runner(h, journal)
        runner.proxyDirectory = "/proc/hotfix-cannot-create-this"
        runner.progress = { p in if case .notice(let text) = p { notices.append(text) } }
        let verdict = try await runner.run()
        #expect(notices.all.contains { $0.contains("kubectl proxy cannot start") && $0.contains("one kubectl per container") }, "\(notices.all)")
        #expect(verdict.outcome == .pass, "\(verdict.reasons)")
    }

    /// Cancelling the deploy (the console quitting) ends every kubectl it started, the proxy too.
    @Test func cancellingTheDeployLeavesNoKubectlBehind() async throws {
        let h = try await KubeHarness(.fixWorks)
        let journal = Journal()
        let dir = TempDir("deploy-cancel")
        var runner = runner(h, journal, window: 120)
        runner.proxyDirectory = dir.path
        let task = Task { try await runner.run() }
        let end = Date().addingTimeInterval(60)
        while journal.deployedAt == nil && Date() < end { try await Task.sleep(for: .milliseconds(100)) }
        #expect(journal.deployedAt != nil)
        #expect(!ProxyFollowerTests.processes(containing: dir.path).isEmpty, "the proxy runs during the window")
        task.cancel()
        _ = await task.result
        // Every kubectl of this test names the simulated cluster's kubeconfig.
        var left = ProxyFollowerTests.processes(containing: h.sim.kubeconfig)
        for _ in 0..<50 where !left.isEmpty {
            try await Task.sleep(for: .milliseconds(100))
            left = ProxyFollowerTests.processes(containing: h.sim.kubeconfig)
        }
        #expect(left.isEmpty, "kubectl processes left: \(left)")
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/proxy/kubectl.sock"))
    }

    @Test func aMissingBuildToolIsAClearErrorNamingTheConfigKey() async throws {
        let h = try await KubeHarness(.fixWorks)
        let settings = DeployPlan.Settings(image: "registry/app:hotfix-1", build: ["docker-not-installed-here", "build", "."], push: [],
                                           deployment: "app", container: "app", target: h.kubectl.target)
        let runner = DeployRunner(plan: DeployPlan(settings), kubectl: h.kubectl, root: NSTemporaryDirectory(), clock: SystemClock(),
                                  journal: { _ in }, progress: { _ in })
        let error = await #expect(throws: HotfixError.self) { _ = try await runner.run() }
        #expect(error?.kind == .environment)
        #expect(error?.message.contains("deploy.build") == true)
        #expect(error?.untouched == "nothing was deployed")
        #expect(try await h.kubectl.deployment("app").images["app"] == h.sim.baselineImage)
    }
}
