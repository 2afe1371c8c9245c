import Foundation
import HotfixSim
import HotfixTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Issue 17 as a person runs it: `hotfix watch` judging a rollout made by another process, Helm
/// run instead of set image (a stand-in: Helm is not installable here) and rolled back with
/// `helm rollback`, the GitOps rollback shown and never run, `hotfix sim --external-rollout`.
@Suite struct WatchCLITests {
    func repo(_ sim: SimCluster, _ extra: String) -> GitSandbox {
        GitSandbox(files: [".hotfix.yml": """
        deploy:
          image: registry/app
          build: []
          push: []
        \(sim.deployTarget)
          window: 8s
          warmup: 2s
          interval: 2s
        \(extra)
        """])
    }

    func hotfix(_ args: String..., in repo: GitSandbox, env: [String: String] = [:]) -> Run { HotfixBinary.run(args, in: repo.work, env: env) }

    /// `kubectl set image` from the test: another process rolls out.
    func setImage(_ sim: SimCluster, _ image: String, home: String) {
        let r = run(["kubectl", "--kubeconfig", sim.kubeconfig, "--cache-dir", home + "/cache", "set", "image", "deployment/app", "app=\(image)"],
                    in: home, env: ["HOME": home])
        #expect(r.status == 0, "\(r.stderr)")
    }

    func waitFor(_ what: String, in child: Child, seconds: Double = 240) async -> Bool {
        let end = Date().addingTimeInterval(seconds)
        while !child.stdout.contains(what) && Date() < end { try? await Task.sleep(for: .milliseconds(100)) }
        return child.stdout.contains(what)
    }

    @Test func watchWaitsForTheRolloutMadeElsewhereJudgesItAndTheRollbackIsARevert() async throws {
        let slot = await ClusterGate.slot()
        defer { slot.release() }
        let sim = try await SimCluster.start(scenario: .fixWorks, speed: 10)
        defer { sim.stop() }
        let repo = repo(sim, "  rollout: external\n  expect_image: \"*:{tag}\"\n  wait: 2m\n")
        let home = TempDir("watch-home")
        DeployCLITests().readyToDeploy(repo)
        let auto = hotfix("check", "--auto", in: repo).stdout
        #expect(auto.contains("GitOps revert (deploy.rollout: external)") && auto.contains("git revert -m 1 --no-edit"), "\(auto)")

        // Nothing comes within --wait: INCONCLUSIVE (exit 5), saying what it waited for.
        let none = hotfix("watch", "--wait", "3s", in: repo)
        #expect(none.status == 5, "\(none.stdout.suffix(1200))\(none.stderr)")
        #expect(none.stdout.contains("no rollout seen in 3 s (deploy.wait): still revision 1, registry/app:1.4.2"), "\(none.stdout.suffix(1200))")
        #expect(none.stdout.contains("No rollout was judged."), "\(none.stdout.suffix(600))")
        #expect(hotfix("timeline", in: repo).stdout.contains("deploy new-replicaset: failed"))

        // The next watch is attempt 2: its tag names the attempt, and so does the expected image.
        let watch = HotfixBinary.start(["watch"], in: repo.work)
        #expect(await waitFor("… waiting 0:00 of 2:00 for a new ReplicaSet of deployment/app with an image matching *:hotfix-001-api-500-attempt2", in: watch),
                "\(watch.stdout.suffix(1500))\(watch.stderr)")
        setImage(sim, "registry/app:someone-elses-build", home: home.path)
        #expect(await waitFor("ignored a rollout: revision 2", in: watch), "\(watch.stdout.suffix(1500))")
        setImage(sim, "registry/app:hotfix-001-api-500-attempt2", home: home.path)
        #expect(watch.wait() == 0, "PASS: \(watch.stdout.suffix(2000))\(watch.stderr)")
        #expect(watch.stdout.contains("… rollout seen after"), "\(watch.stdout.suffix(2000))")
        #expect(watch.stdout.contains("Verdict: PASS"))
        let timeline = hotfix("timeline", in: repo).stdout
        #expect(timeline.contains("deploy new-replicaset: done registry/app:hotfix-001-api-500-attempt2 (revision 3)"), "\(timeline)")
        #expect(timeline.contains("warning (deploy): a rollout of deployment/app was seen and ignored: revision 2"), "\(timeline)")
        #expect(!timeline.contains("deploy set-image"), "hotfix set no image")

        // The rollback is the GitOps revert: shown, noted, not run (exit 1: nothing was rolled back).
        let back = hotfix("rollback", "--yes", in: repo)
        #expect(back.status == 1)
        #expect(back.stdout.contains("The rollback is a GitOps revert: a GitOps controller (Argo CD, Flux) would undo a kubectl rollback"), "\(back.stdout)")
        #expect(back.stdout.contains("  $ git revert "), "\(back.stdout)")
        #expect(back.stderr.contains("hotfix does not run a GitOps revert"), "\(back.stderr)")
        #expect(sim.deploymentState().image == "registry/app:hotfix-001-api-500-attempt2", "the deployment is left to the controller")
        #expect(hotfix("timeline", in: repo).stdout.contains("note: rollback asked for: a GitOps revert to make"))
        #expect(hotfix("report", in: repo).status == 0)
        let md = try #require(try? String(contentsOfFile: repo.work + "/docs/hotfix/001-api-500/report.md", encoding: .utf8))
        #expect(md.contains("- ↩️ Rollback plan (GitOps revert): `git checkout main`"), "\(md)")
    }

    @Test func helmRunsInsteadOfSetImageAndHelmRollbackGoesBackToTheRecordedRevision() async throws {
        let slot = await ClusterGate.slot()
        defer { slot.release() }
        let sim = try await SimCluster.start(scenario: .crashloop, speed: 10)  // FAILs at once, however loaded the machine
        defer { sim.stop() }
        let helm = HelmStandIn()
        let repo = repo(sim, """
          rollout: [helm, upgrade, app, ./chart, --reuse-values, --set, "image.tag={tag}", --kube-context, \(sim.context), --kubeconfig, \(sim.kubeconfig), -n, \(sim.namespace)]
        """)
        let env = ["PATH": helm.searchPath]
        DeployCLITests().readyToDeploy(repo)
        let auto = hotfix("check", "--auto", in: repo, env: env).stdout
        #expect(auto.contains("Helm release app at revision 1, deployment/app at revision 1, image registry/app:1.4.2; rollback: helm rollback app 1"), "\(auto)")
        let dry = hotfix("deploy", "--dry-run", in: repo, env: env).stdout
        #expect(dry.contains("rollout-command: run the rollout command instead of kubectl set image (deploy.rollout)"), "\(dry)")
        #expect(dry.contains("$ helm upgrade app ./chart --reuse-values --set image.tag=hotfix-001-api-500 --kube-context"), "\(dry)")
        #expect(dry.contains("$ helm rollback app {release-revision} --kube-context"), "\(dry)")

        let deploy = hotfix("deploy", "--yes", in: repo, env: env)
        #expect(deploy.status == 1, "FAIL: \(deploy.stdout.suffix(1500))\(deploy.stderr)")
        #expect(deploy.stdout.contains("$ helm upgrade app ./chart --reuse-values --set image.tag=hotfix-001-api-500"), "shown before it runs")
        #expect(deploy.stdout.contains("  │ Release \"app\" has been upgraded. Happy Helming!"), "its output streamed: \(deploy.stdout.prefix(3000))")
        #expect(deploy.stdout.contains("Roll back with: hotfix rollback (helm rollback)"), "\(deploy.stdout.suffix(800))")
        let timeline = hotfix("timeline", in: repo).stdout
        #expect(timeline.contains("ran helm upgrade app ./chart --reuse-values --set image.tag=hotfix-001-api-500"), "its exit status journaled:\n\(timeline)")
        #expect(timeline.contains("deploy rollout-command: done registry/app:hotfix-001-api-500 — exit 0"), "\(timeline)")
        #expect(!timeline.contains("deploy set-image"))

        let back = hotfix("rollback", "--yes", in: repo, env: env)
        #expect(back.status == 0, "\(back.stdout)\(back.stderr)")
        #expect(back.stdout.contains("$ helm rollback app 1 --kube-context \(sim.context)"), "shown before it runs: \(back.stdout)")
        #expect(back.stdout.contains("Rolled back (helm rollback): deployment/app runs registry/app:1.4.2"), "\(back.stdout)")
        #expect(hotfix("timeline", in: repo).stdout.contains("rollback with helm rollback to release revision 1: done"))
        #expect(helm.revisions("app").last?.hasSuffix("Rollback to 1") == true, "\(helm.revisions("app"))")
        #expect(sim.deploymentState().image == sim.baselineImage)
    }

    /// SIGTERM while waiting (as Ctrl-C or a closed terminal): journaled, and no kubectl left.
    @Test func sigtermWhileWaitingIsJournaledAndLeavesNoKubectlBehind() async throws {
        let slot = await ClusterGate.slot()
        defer { slot.release() }
        let sim = try await SimCluster.start(scenario: .fixWorks, speed: 10)
        defer { sim.stop() }
        let repo = repo(sim, "  rollout: external\n")
        DeployCLITests().readyToDeploy(repo)
        let watch = HotfixBinary.start(["watch"], in: repo.work)
        #expect(await waitFor("… waiting 0:00 of 15:00 for a new ReplicaSet of deployment/app (any image)", in: watch), "\(watch.stdout.suffix(1500))")
        kill(watch.pid, SIGTERM)
        #expect(watch.wait() != 0)
        #expect(watch.stderr.contains("the deploy was stopped before a rollout was seen: nothing was judged"), "\(watch.stderr)")
        let timeline = hotfix("timeline", in: repo).stdout
        #expect(timeline.contains("deploy new-replicaset: stopped"), "\(timeline)")
        var left = TestProcesses.mentioning(sim.kubeconfig)
        for _ in 0..<30 where !left.isEmpty { usleep(100_000); left = TestProcesses.mentioning(sim.kubeconfig) }
        #expect(left.isEmpty, "kubectl left behind: \(left)")
    }

    @Test func simRollsOutByItselfAfterTheDelayAndBadWatchFlagsAreUsageErrors() async throws {
        let slot = await ClusterGate.slot()
        defer { slot.release() }
        let home = TempDir("sim-home")
        var env = ProcessInfo.processInfo.environment
        env["HOME"] = home.path
        let child = Child([HotfixBinary.path, "sim", "--speed", "10", "--external-rollout", "2s", "--external-image", "registry/app:from-ci"],
                          in: home.path, env: env)
        var kubeconfig: String?
        for _ in 0..<400 where kubeconfig == nil {
            kubeconfig = child.stdout.split(separator: "\n").first { $0.hasPrefix("kubeconfig: ") }.map { String($0.dropFirst(12)) }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        let kc = try #require(kubeconfig, "no kubeconfig line in: \(child.stdout) \(child.stderr)")
        #expect(child.stdout.contains("external rollout: registry/app:from-ci in 2 s"), "\(child.stdout)")
        func image() -> String {
            run(["kubectl", "--kubeconfig", kc, "--cache-dir", home.file("cache"), "get", "deployment/app", "-o", "jsonpath={.spec.template.spec.containers[0].image}"],
                in: home.path, env: ["HOME": home.path]).stdout
        }
        var seen = image()
        let end = Date().addingTimeInterval(60)
        while seen != "registry/app:from-ci" && Date() < end { try await Task.sleep(for: .milliseconds(200)); seen = image() }
        #expect(seen == "registry/app:from-ci", "the simulated CI/CD rolled out")
        kill(child.pid, SIGINT)
        #expect(child.wait() == 0)

        let r = HotfixBinary.run(["watch", "--expect-image", "*:{commit}"], in: home.path)
        #expect(r.status == 2 && r.stderr.contains("unknown placeholder {commit}"), "\(r.stderr)")
        #expect(HotfixBinary.run(["watch", "--wait", "soon"], in: home.path).stderr.contains("--wait 'soon' is not a duration"))
        #expect(HotfixBinary.run(["sim", "--external-image", "x:y"], in: home.path).status == 2)
    }
}

