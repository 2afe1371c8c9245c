import Foundation
import HotfixEngine
import HotfixLogs
@testable import HotfixRuntime
import HotfixSim
import HotfixTestSupport
import Testing

/// Issue 17: DEPLOY the way teams deploy. The real kubectl against the simulated cluster; the
/// rollout is made by another process (the test's own kubectl), by a command run instead of set
/// image (kubectl apply -k, the stand-in helm), and rolled back the way it was made.
@Suite struct ExternalRolloutTests {
    typealias Journal = DeployRunnerTests.Journal

    /// What the runner reported: waits, notices, steps and the last monitoring model.
    final class Seen: @unchecked Sendable {
        private let lock = NSLock()
        private var waits: [RolloutWait] = []
        private var texts: [String] = []
        private var model: MonitorModel?
        func add(_ p: DeployProgress) {
            lock.withLock {
                switch p {
                case .waiting(let w): waits.append(w)
                case .notice(let t): texts.append("! " + t)
                case .step(let t, let c): texts.append("▶ " + t + (c.map { " $ " + $0.joined(separator: " ") } ?? ""))
                case .output(let l): texts.append("│ " + l.text)
                case .monitor(let m, _): model = m
                }
            }
        }
        var allWaits: [RolloutWait] { lock.withLock { waits } }
        var lines: [String] { lock.withLock { texts } }
        var last: MonitorModel? { lock.withLock { model } }
        var text: String { lines.joined(separator: "\n") }
    }

    static let image = "registry/app:hotfix-001-api-500"

    func runner(_ h: KubeHarness, _ journal: Journal, _ seen: Seen, rollout: RolloutMode, rollback: RollbackMode = .kubectlUndo,
                expectImage: String? = nil, wait: Double = 120, autoRollback: Bool = false, window: Double = 15, kubectl: Kubectl? = nil) -> DeployRunner {
        let kubectl = kubectl ?? h.kubectl
        let settings = DeployPlan.Settings(image: Self.image, build: [], push: [], deployment: h.sim.deployment, container: h.sim.container,
                                           target: kubectl.target, window: window, warmup: 3, interval: 3, rolloutTimeout: 60,
                                           autoRollback: autoRollback, rollout: rollout, rollback: rollback,
                                           expectImage: expectImage.map(ImagePattern.init), wait: wait)
        var runner = DeployRunner(plan: DeployPlan(settings), kubectl: kubectl, runner: ProcessRunner(environment: ["HOME": h.home.path]),
                                  root: NSTemporaryDirectory(), clock: SystemClock(), baselineLookback: 30,
                                  journal: { journal.add($0) }, progress: { seen.add($0) })
        runner.waitPoll = 0.5
        return runner
    }

    /// `kubectl set image` run by the test, as another process (CI/CD) would.
    func setImageElsewhere(_ h: KubeHarness, _ image: String) {
        let r = HotfixTestSupport.run(h.kubectl.argv(KubeCall.setImage(deployment: h.sim.deployment, container: h.sim.container, image: image)),
                                      in: NSTemporaryDirectory(), env: ["HOME": h.home.path])
        #expect(r.status == 0, "\(r.stderr)")
    }

    /// Waits (polling) until the runner is waiting for the rollout; a hang guard, not a timing
    /// assertion (the baseline read takes a few kubectl calls: long on a loaded machine).
    func untilWaiting(_ seen: Seen, _ limit: Double = 300, sourceLocation: SourceLocation = #_sourceLocation) async {
        let end = Date().addingTimeInterval(limit)
        while seen.allWaits.isEmpty && Date() < end { try? await Task.sleep(for: .milliseconds(100)) }
        #expect(!seen.allWaits.isEmpty, "the runner never began waiting:\n\(seen.text)", sourceLocation: sourceLocation)
    }

    func steps(_ journal: Journal) -> [String] { journal.deploys.map { "\($0.step):\($0.outcome)" } }

    @Test(arguments: [(Scenario.fixWorks, VerdictOutcome.pass), (.noEffect, .fail)])
    func aRolloutMadeByAnotherProcessIsWaitedForFoundAndJudged(_ scenario: Scenario, _ expected: VerdictOutcome) async throws {
        let h = try await KubeHarness(scenario)
        let journal = Journal(), seen = Seen()
        let task = Task { try await runner(h, journal, seen, rollout: .external).run() }
        await untilWaiting(seen)
        try await Task.sleep(for: .seconds(2))  // the wait shows that it waits, then the rollout comes
        #expect(try await h.kubectl.deployment(h.sim.deployment).images[h.sim.container] == h.sim.baselineImage, "hotfix set nothing")
        setImageElsewhere(h, Self.image)
        let verdict = try await task.value
        #expect(verdict.outcome == expected, "\(verdict.reasons)\n\(seen.text.suffix(2000))")
        let recorded = steps(journal)
        #expect(recorded.prefix(2) == ["baseline:done", "new-replicaset:done"], "\(recorded)")
        #expect(!recorded.contains { $0.hasPrefix("set-image") }, "hotfix never set the image")
        let found = try #require(journal.deploys.first { $0.step == .newReplicaSet })
        #expect(found.image == Self.image && found.revision == 2, "\(found)")
        // It said what it waited for, with the time used and left, then what it found.
        let waits = seen.allWaits
        #expect(waits.first?.state == .waiting && waits.first?.lookingFor == "a new ReplicaSet of deployment/app (any image)")
        #expect(waits.contains { $0.state == .waiting && $0.elapsed(at: $0.startedAt + 2) == 2 && $0.remaining(at: $0.startedAt + 2) == 118 })
        guard case .found(let what) = waits.last?.state else { Issue.record("no found state: \(waits.last.map { "\($0.state)" } ?? "none")"); return }
        #expect(what.contains("revision 2") && what.contains(Self.image), "\(what)")
        // The judged pods are the new ReplicaSet's, the baseline the old ones'.
        let rs = try await h.kubectl.replicaSets(selector: "app=app").first { $0.revision == 2 }?.name ?? "?"
        let newPods = try #require(seen.last).summary(.hotfix).pods.keys
        #expect(!newPods.isEmpty && newPods.allSatisfy { $0.hasPrefix(rs + "-") }, "\(newPods) vs \(rs)")
        #expect(journal.verdicts.map(\.1.outcome) == [VerdictRecord.Outcome(expected)])
    }

    /// With deploy.expect_image a rollout of another image is reported and ignored (its pods judged
    /// by nobody), and the wait goes on to the expected one.
    @Test func aRolloutOfAnotherImageIsIgnoredWhenExpectImageIsSet() async throws {
        let h = try await KubeHarness(.noEffect)
        h.sim.behave(Self.image, as: .fixWorks)  // the wrong image would FAIL if it were judged
        let journal = Journal(), seen = Seen()
        let recording = try DeployRunnerTests.RecordingKubectl()
        var kubectl = h.kubectl
        kubectl.target.kubectl = recording.path
        let task = Task { try await runner(h, journal, seen, rollout: .external, expectImage: "*:hotfix-001-api-500", kubectl: kubectl).run() }
        await untilWaiting(seen)
        setImageElsewhere(h, "registry/app:someone-else-2.0")
        let end = Date().addingTimeInterval(60)
        while !seen.lines.contains(where: { $0.contains("ignored a rollout") }) && Date() < end { try await Task.sleep(for: .milliseconds(100)) }
        try await Task.sleep(for: .seconds(3))  // its pods log for a while: none of it may count
        setImageElsewhere(h, Self.image)
        let verdict = try await task.value
        #expect(verdict.outcome == .pass, "\(verdict.reasons)\n\(seen.text.suffix(2000))")
        #expect(seen.lines.contains { $0.contains("ignored a rollout: revision 2") && $0.contains("someone-else-2.0") && $0.contains("does not match *:hotfix-001-api-500") },
                "\(seen.text)")
        let found = try #require(journal.deploys.first { $0.step == .newReplicaSet })
        #expect(found.image == Self.image && found.revision == 3, "\(found)")
        let warnings = journal.bodies.compactMap { if case .warning(let w) = $0 { w.message } else { nil } }
        #expect(warnings.contains { $0.contains("seen and ignored") && $0.contains("someone-else-2.0") }, "\(warnings)")
        #expect(seen.allWaits.last { $0.state == .waiting }?.ignored.count == 1)
        // No pod of the ignored ReplicaSet was judged.
        let ignoredRS = try await h.kubectl.replicaSets(selector: "app=app").first { $0.revision == 2 }?.name ?? "?"
        let judged = try #require(seen.last).summary(.hotfix).pods.keys
        #expect(!judged.isEmpty && !judged.contains { $0.hasPrefix(ignoredRS + "-") }, "\(judged) vs \(ignoredRS)")
        // The wait read the ReplicaSets through the window's kubectl proxy: no kubectl per read
        // (the one call is the baseline's, for its pod-template-hash).
        let reads = recording.calls.filter { $0.contains("replicasets") }
        #expect(reads.count == 1, "\(reads)")
        #expect(recording.calls.contains { $0.contains("proxy") })
    }

    /// Nothing rolls out within deploy.wait: INCONCLUSIVE, saying what was waited for and what ran.
    @Test func noRolloutWithinTheWaitIsInconclusiveSayingWhatWasSeen() async throws {
        let h = try await KubeHarness(.fixWorks)
        let journal = Journal(), seen = Seen()
        let verdict = try await runner(h, journal, seen, rollout: .external, expectImage: "*:hotfix-001-api-500", wait: 5).run()
        #expect(verdict.outcome == .inconclusive)
        let reason = verdict.reasons.first ?? ""
        #expect(reason.contains("no rollout was judged") && reason.contains("no rollout seen in 5 s (deploy.wait)")
                && reason.contains("still revision 1, registry/app:1.4.2"), "\(reason)")
        #expect(steps(journal) == ["baseline:done", "new-replicaset:failed"])
        #expect(journal.verdicts.map(\.1.outcome) == [.inconclusive])
        #expect(seen.allWaits.last?.state == .timedOut)
        #expect(DeployRunnerTests().runningKubectl(h.sim.kubeconfig).isEmpty, "\(DeployRunnerTests().runningKubectl(h.sim.kubeconfig))")
    }

    /// A deployment already running the expected image has no baseline for it: refused, nothing journaled.
    @Test func aDeploymentAlreadyRunningTheExpectedImageIsRefused() async throws {
        let h = try await KubeHarness(.fixWorks)
        let journal = Journal(), seen = Seen()
        let error = await #expect(throws: HotfixError.self) {
            _ = try await runner(h, journal, seen, rollout: .external, expectImage: "registry/app:1.4.*").run()
        }
        #expect(error?.message.contains("already runs registry/app:1.4.2 (revision 1), which matches deploy.expect_image") == true, "\(error?.message ?? "")")
        #expect(journal.bodies.isEmpty)
    }

    /// Ctrl-C, SIGTERM or the console's quit while waiting: journaled, and no kubectl left.
    @Test func cancellingTheWaitIsJournaledAndLeavesNoKubectlBehind() async throws {
        let h = try await KubeHarness(.fixWorks)
        let journal = Journal(), seen = Seen()
        let task = Task { try await runner(h, journal, seen, rollout: .external).run() }
        await untilWaiting(seen)
        task.cancel()
        let result = await task.result
        #expect(throws: HotfixError.self) { try result.get() }
        #expect(steps(journal) == ["baseline:done", "new-replicaset:stopped"])
        #expect(journal.bodies.contains { if case .warning(let w) = $0 { w.message.contains("wait for a rollout was stopped") } else { false } })
        var left = TestProcesses.mentioning(h.sim.kubeconfig)
        for _ in 0..<50 where !left.isEmpty {
            try await Task.sleep(for: .milliseconds(100))
            left = TestProcesses.mentioning(h.sim.kubeconfig)
        }
        #expect(left.isEmpty, "kubectl processes left: \(left)")
    }

    /// `deploy.rollout: [kubectl, apply, -k, overlays/prod]` runs instead of set image: its output
    /// is streamed, its exit status journaled, its rollout found and judged; kubectl rollout undo
    /// is its rollback.
    @Test func aConfiguredCommandRunsInsteadOfSetImageAndIsJudgedAndUndone() async throws {
        let h = try await KubeHarness(.fixWorks)
        let dir = TempDir("kustomize")
        dir.write("base/kustomization.yaml", "resources:\n- deployment.yaml\n")
        dir.write("base/deployment.yaml", Self.deploymentYAML)
        dir.write("overlays/prod/kustomization.yaml", "resources:\n- ../../base\nimages:\n- name: registry/app\n  newTag: hotfix-001-api-500\n")
        // The simulated API server serves no OpenAPI schema for kubectl's validation.
        let apply = h.kubectl.argv(["apply", "--validate=false", "-k", dir.file("overlays/prod")])
        let journal = Journal(), seen = Seen()
        let runner = runner(h, journal, seen, rollout: .command(apply))
        let verdict = try await runner.run()
        #expect(verdict.outcome == .pass, "\(verdict.reasons)\n\(seen.text.suffix(2000))")
        #expect(seen.lines.contains("▶ run the rollout command instead of kubectl set image (deploy.rollout) $ " + apply.joined(separator: " ")), "shown before it runs")
        #expect(seen.lines.contains("│ deployment.apps/app configured"), "its output streamed:\n\(seen.text)")
        let ran = try #require(journal.bodies.compactMap { if case .commandRan(let c) = $0 { c } else { nil } }.first)
        #expect(ran.step == .rolloutCommand && ran.argv == apply && ran.exitCode == 0)
        #expect(steps(journal).prefix(3).sorted() == ["baseline:done", "new-replicaset:done", "rollout-command:done"].sorted(), "\(steps(journal))")
        #expect(try await h.kubectl.deployment("app").images["app"] == Self.image)
        // kubectl rollout undo, the way a kubectl apply is undone.
        try await runner.rollback(DeployPlan.RollbackTarget(revision: 1), image: h.sim.baselineImage)
        #expect(try await h.kubectl.deployment("app").images["app"] == h.sim.baselineImage)
        #expect(journal.rollbacks.last?.1 == RollbackRecord(revision: 1, image: h.sim.baselineImage, outcome: .done))
    }

    /// A rollout command that fails ends the deploy with its exit status journaled, before any window.
    @Test func aFailingRolloutCommandIsJournaledWithItsExitStatusAndNothingIsJudged() async throws {
        let h = try await KubeHarness(.fixWorks)
        let journal = Journal(), seen = Seen()
        let command = ["sh", "-c", "echo 'Error: UPGRADE FAILED: timed out' >&2; exit 3"]
        let error = await #expect(throws: HotfixError.self) { _ = try await runner(h, journal, seen, rollout: .command(command)).run() }
        #expect(error?.message.contains("the rollout command (deploy.rollout) failed with exit 3: Error: UPGRADE FAILED: timed out") == true, "\(error?.message ?? "")")
        let ran = try #require(journal.bodies.compactMap { if case .commandRan(let c) = $0 { c } else { nil } }.first)
        #expect(ran.exitCode == 3 && ran.step == .rolloutCommand)
        #expect(journal.deploys.contains { $0.step == .rolloutCommand && $0.outcome == .failed && $0.detail?.hasPrefix("exit 3") == true })
        #expect(journal.verdicts.isEmpty)
        #expect(seen.lines.contains("│ Error: UPGRADE FAILED: timed out"))
    }

    /// Helm (a stand-in that makes the same API calls through kubectl): the release's revision is
    /// recorded before the upgrade, and a FAIL rolls back with `helm rollback RELEASE REVISION`.
    @Test func helmUpgradeIsJudgedAndAFailRollsBackWithHelmRollbackToTheRecordedRevision() async throws {
        let h = try await KubeHarness(.crashloop)  // FAILs at once, however loaded the machine
        let helm = HelmStandIn()
        let scope = ["--kube-context", h.sim.context, "--kubeconfig", h.sim.kubeconfig, "--namespace", h.sim.namespace]
        let upgrade = [helm.path, "upgrade", "app", "./chart", "--reuse-values", "--set", "image.tag=hotfix-001-api-500"] + scope
        let release = try #require(HelmUpgrade(upgrade))
        #expect(release.release == "app" && release.scope == scope)
        // An earlier upgrade: the release is at revision 2 before hotfix's.
        #expect(HotfixTestSupport.run([helm.path, "upgrade", "app", "./chart", "--set", "image.tag=1.4.2"] + scope, in: NSTemporaryDirectory(),
                                      env: ["HOME": h.home.path]).status == 0)
        let journal = Journal(), seen = Seen()
        let runner = runner(h, journal, seen, rollout: .command(upgrade), rollback: .helm(release, release: "app"), autoRollback: true)
        let verdict = try await runner.run()
        #expect(verdict.outcome == .fail, "\(verdict.reasons)")
        let base = try #require(journal.deploys.first { $0.step == .baseline })
        #expect(base.release == "app" && base.releaseRevision == 2, "\(base)")
        #expect(base.rollback?.way == .helmRollback && base.rollback?.commands.first == [helm.path, "rollback", "app", "2"] + scope)
        let back = try #require(journal.rollbacks.last?.1)
        #expect(back == RollbackRecord(revision: 2, image: h.sim.baselineImage, outcome: .done, automatic: true, way: .helmRollback,
                                       command: [helm.path, "rollback", "app", "2"] + scope))
        #expect(helm.revisions("app").map { $0.split(separator: "\t").last.map(String.init) ?? "" }
                == ["Install complete", "Upgrade complete", "Upgrade complete", "Rollback to 2"], "\(helm.revisions("app"))")
        #expect(try await h.kubectl.deployment("app").images["app"] == h.sim.baselineImage)
        #expect(seen.lines.contains("▶ helm rollback of release app to its revision 2, recorded before the upgrade $ " + ([helm.path, "rollback", "app", "2"] + scope).joined(separator: " ")))
    }

    /// GitOps: a FAIL with auto_rollback does not run a kubectl rollback the controller would undo;
    /// it shows the revert to make and notes it; the deployment is left as it is.
    @Test func gitOpsRollbackShowsTheRevertAndRunsNothing() async throws {
        let h = try await KubeHarness(.crashloop)  // FAILs at once, however loaded the machine
        let journal = Journal(), seen = Seen()
        var runner = runner(h, journal, seen, rollout: .external, rollback: .revert(branch: "main", remote: "origin"), autoRollback: true)
        runner.source = DeploySource(commit: "3f2c9a1aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", commits: [])
        let task = Task { try await runner.run() }
        await untilWaiting(seen)
        setImageElsewhere(h, Self.image)
        let verdict = try await task.value
        #expect(verdict.outcome == .fail)
        #expect(journal.rollbacks.isEmpty, "nothing was rolled back by hotfix")
        let notes = journal.bodies.compactMap { if case .noted(let n) = $0 { n.text } else { nil } }
        #expect(notes.contains { $0.contains("GitOps revert to make") && $0.contains("git revert -m 1 --no-edit") && $0.contains("git push origin main") }, "\(notes)")
        #expect(seen.lines.contains { $0.contains("controller (Argo CD, Flux) would undo a kubectl rollback") })
        #expect(try await h.kubectl.deployment("app").images["app"] == Self.image, "the deployment was left to the controller")
    }

    /// `deploy.rollback: [argv]`: the configured command runs (shown first, output streamed, its
    /// exit status journaled), then the rollout is waited for; the record says how.
    @Test func aConfiguredRollbackCommandRunsAndIsJournaledWithItsWay() async throws {
        let h = try await KubeHarness(.crashloop)  // FAILs at once, however loaded the machine
        let undo = ["sh", "-c", "echo rolling back to {revision}; exec \"$0\" \"$@\""]
            + h.kubectl.argv(["rollout", "undo", "deployment/app", "--to-revision={revision}"])
        let journal = Journal(), seen = Seen()
        let runner = runner(h, journal, seen, rollout: .setImage, rollback: .command(undo), autoRollback: true)
        let verdict = try await runner.run()
        #expect(verdict.outcome == .fail, "\(verdict.reasons)")
        let filled = DeployPlan.filled(undo, ["revision": "1"])
        #expect(journal.rollbacks.last?.1 == RollbackRecord(revision: 1, image: h.sim.baselineImage, outcome: .done, automatic: true, way: .command,
                                                            command: filled))
        let ran = try #require(journal.bodies.compactMap { if case .commandRan(let c) = $0 { c } else { nil } }.last)
        #expect(ran.step == .rollback && ran.argv == filled && ran.exitCode == 0)
        #expect(seen.lines.contains("│ rolling back to 1"), "its output streamed:\n\(seen.text.suffix(1500))")
        #expect(seen.lines.contains { $0.hasPrefix("▶ the configured rollback command (deploy.rollback) $ sh -c") }, "shown before it runs")
        #expect(try await h.kubectl.deployment("app").images["app"] == h.sim.baselineImage)
    }

    static let deploymentYAML = """
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: app
      namespace: default
    spec:
      replicas: 3
      selector:
        matchLabels:
          app: app
      template:
        metadata:
          labels:
            app: app
        spec:
          containers:
          - name: app
            image: registry/app:1.4.2
            ports:
            - containerPort: 8000
              protocol: TCP

    """
}
