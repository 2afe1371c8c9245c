import Foundation
import HotfixLogs
import Testing
@testable import HotfixEngine

/// Issue 17: the plan, the journal and the report for each way a team deploys.
@Suite struct RolloutPlanTests {
    let target = KubeTarget(context: "prod", namespace: "shop", kubeconfig: "/k/config")
    var k: [String] { ["kubectl", "--kubeconfig", "/k/config", "--context", "prod", "--namespace", "shop"] }

    func plan(_ rollout: RolloutMode, _ rollback: RollbackMode = .kubectlUndo, expect: String? = nil) -> DeployPlan {
        DeployPlan(.init(image: "registry/app:hotfix-INC-7", build: [], push: [], deployment: "app", container: "web", target: target,
                         rollout: rollout, rollback: rollback, expectImage: expect.map(ImagePattern.init), wait: 600))
    }

    @Test func helmUpgradeNamesItsReleaseAndWhereItLives() throws {
        let argv = ["helm", "upgrade", "--install", "-f", "values-prod.yaml", "app", "./chart", "--reuse-values", "--set", "image.tag=hotfix-1",
                    "--namespace", "shop", "--kube-context=prod", "--wait"]
        let h = try #require(HelmUpgrade(argv))
        #expect(h.release == "app", "the value of -f is not the release")
        #expect(h.scope == ["--namespace", "shop", "--kube-context=prod"])
        #expect(h.rollback("app", revision: "4") == ["helm", "rollback", "app", "4", "--namespace", "shop", "--kube-context=prod"])
        #expect(h.status("app") == ["helm", "status", "app", "--namespace", "shop", "--kube-context=prod", "-o", "json"])
        #expect(HelmUpgrade(["/usr/local/bin/helm", "-n", "x", "upgrade", "api", "oci://charts/api"])?.release == "api")
        #expect(HelmUpgrade(["/usr/local/bin/helm", "-n", "x", "upgrade", "api", "oci://charts/api"])?.scope == ["-n", "x"])
        #expect(HelmUpgrade(["helm", "upgrade", "--set", "a=b"])?.release == nil, "no release named")
        #expect(HelmUpgrade(["kubectl", "apply", "-k", "overlays/prod"]) == nil)
        #expect(HelmUpgrade(["helm", "install", "app", "./chart"]) == nil, "only an upgrade has a revision to go back to")
        #expect(RolloutMode.command(argv).helm?.release == "app")
    }

    @Test(arguments: [
        ("*:hotfix-001", "registry/app:hotfix-001", true),
        ("*:hotfix-001", "registry/app:hotfix-001-attempt2", false),
        ("registry/app:*3f2c9a1*", "registry/app:main-3f2c9a1-build7", true),
        ("registry/app:1.?.2", "registry/app:1.4.2", true),
        ("registry/app:1.?.2", "registry/app:1.42.2", false),
        ("*", "anything", true),
        ("registry/app:hotfix-001", "registry/app:hotfix-001", true),
        ("registry/app:hotfix-001", "other/app:hotfix-001", false),
    ])
    func imagePatterns(_ pattern: String, _ image: String, _ matches: Bool) {
        #expect(ImagePattern(pattern).matches(image) == matches, "\(pattern) vs \(image)")
    }

    @Test func eachWayHasItsStepsAndTheDryRunShowsThemInOrder() {
        #expect(plan(.setImage).steps.map(\.kind) == [.baseline, .monitor, .setImage, .rollout, .verdict])
        let apply = ["kubectl", "apply", "-k", "overlays/prod"]
        let command = plan(.command(apply))
        #expect(command.steps.map(\.kind) == [.baseline, .monitor, .rolloutCommand, .newReplicaSet, .rollout, .verdict])
        #expect(command.step(.rolloutCommand)?.commands == [apply], "run as configured, instead of set image")
        #expect(command.step(.setImage) == nil)
        let external = plan(.external, expect: "*:hotfix-INC-7")
        #expect(external.steps.map(\.kind) == [.baseline, .monitor, .newReplicaSet, .rollout, .verdict])
        let wait = external.step(.newReplicaSet)!
        #expect(wait.title == "wait up to 10 min for a new ReplicaSet of deployment/app with an image matching *:hotfix-INC-7")
        #expect(wait.commands == [k + ["get", "replicasets", "-l", "{selector}", "-o", "json"]])
        #expect(wait.note?.contains("one whose web image does not match *:hotfix-INC-7 is reported and ignored") == true)
        #expect(wait.note?.contains("none within deploy.wait: INCONCLUSIVE") == true)
        #expect(plan(.external).step(.newReplicaSet)?.title.hasSuffix("deployment/app (any image)") == true)
    }

    @Test func eachRollbackIsTheExactCommandForTheWayItWasDeployed() throws {
        let kubectl = plan(.setImage).rollbackSteps(.init(revision: 3))
        #expect(kubectl.map(\.kind) == [.rollback, .rollbackRollout])
        #expect(kubectl[0].commands == [k + ["rollout", "undo", "deployment/app", "--to-revision=3"]])

        let h = try #require(HelmUpgrade(["helm", "upgrade", "app", "./chart", "-n", "shop"]))
        let helm = plan(.command(["helm", "upgrade", "app", "./chart", "-n", "shop"]), .helm(h, release: "app"))
        #expect(helm.steps.first?.commands.last == ["helm", "status", "app", "-n", "shop", "-o", "json"], "the release's revision is read with the baseline")
        #expect(helm.rollbackSteps(.init(revision: 5, releaseRevision: 2))[0].commands == [["helm", "rollback", "app", "2", "-n", "shop"]])
        #expect(helm.rollbackSteps(.init())[0].commands == [["helm", "rollback", "app", "{release-revision}", "-n", "shop"]])
        #expect(helm.rollbackSteps(.init())[1].kind == .rollbackRollout, "then the rollout is waited for")

        let custom = plan(.external, .command(["argocd", "app", "rollback", "app", "{revision}"]))
        #expect(custom.rollbackSteps(.init(revision: 7))[0].commands == [["argocd", "app", "rollback", "app", "7"]])

        let gitops = plan(.external, .revert(branch: "main", remote: "origin"))
        let revert = gitops.rollbackSteps(.init(revert: ["-m", "1", "--no-edit", "abc123"]))
        #expect(revert.map(\.kind) == [.rollback], "nothing is waited for: hotfix runs nothing")
        #expect(revert[0].commands == [["git", "checkout", "main"], ["git", "pull", "--ff-only", "origin", "main"],
                                       ["git", "revert", "-m", "1", "--no-edit", "abc123"], ["git", "push", "origin", "main"]])
        #expect(revert[0].note?.contains("would undo a kubectl rollback") == true)
        #expect(gitops.dryRun.contains { $0.hasPrefix("6. rollback:") && $0.hasSuffix("(on rollback: shown for you to run, never run by hotfix)") }, "\(gitops.dryRun)")
        #expect(gitops.dryRun.contains("     $ git revert -m 1 --no-edit {merge}"))
        #expect(!RollbackMode.revert(branch: "main", remote: "origin").runs && RollbackMode.kubectlUndo.runs)

        let record = helm.rollbackRecord(.init(revision: 5, releaseRevision: 2))
        #expect(record.way == .helmRollback)
        #expect(record.commands == [["helm", "rollback", "app", "2", "-n", "shop"], k + ["rollout", "status", "deployment/app", "--timeout={rollout-timeout}s"]])
        #expect(record.text.hasPrefix("helm rollback app 2 -n shop; then kubectl"))
    }

    @Test func theRecordsKeepTheReleaseTheRollbackPlanAndHowARollbackWasMade() throws {
        let plan = RollbackPlanRecord(way: .helmRollback, commands: [["helm", "rollback", "app", "2"]], note: "before the upgrade")
        let baseline = DeployRecord(.baseline, .done, image: "registry/app:1.4.2", revision: 5, release: "app", releaseRevision: 2, rollback: plan)
        let back = RollbackRecord(revision: 2, image: "registry/app:1.4.2", outcome: .done, automatic: true, way: .helmRollback,
                                  command: ["helm", "rollback", "app", "2"])
        for body in [EventBody.deploy(baseline), .rollback(back), .deploy(DeployRecord(.newReplicaSet, .done, image: "x", revision: 6))] {
            let line = try EventCodec.line(Event(seq: 1, at: t0, body: body))
            guard case .event(let read) = EventCodec.decode(line: line) else { Issue.record("\(String(decoding: line, as: UTF8.self))"); continue }
            #expect(read.body == body)
        }
        let line = String(decoding: try EventCodec.line(Event(seq: 1, at: t0, body: .deploy(baseline))), as: UTF8.self)
        #expect(line.contains(#""releaseRevision":2"#) && line.contains(#""way":"helm-rollback""#), "\(line)")
        let plain = String(decoding: try EventCodec.line(Event(seq: 1, at: t0, body: .rollback(RollbackRecord(revision: 1, image: nil, outcome: .done)))),
                           as: UTF8.self)
        #expect(!plain.contains("way") && !plain.contains("command"), "a kubectl undo is recorded as it always was: \(plain)")
        #expect(back.target == "with helm rollback to release revision 2")
        #expect(RollbackRecord(revision: 1, image: nil, outcome: .done).target == "to revision 1")
    }

    @Test func aRolloutWaitedForIsTheAttemptsRolloutAndTheReportSaysHowToUndoIt() throws {
        var s = Scripted()
        s.passAll(at: t0 + 60)
        for i in 1...4 { try s.perform(.advance(override: nil, fix: i == 3 ? committedFix : nil), at: t0 + Double(i) * 60 + 60) }
        let plan = RollbackPlanRecord(way: .gitRevert, commands: [["git", "checkout", "main"], ["git", "revert", "-m", "1", "--no-edit", "{merge}"]],
                                      note: DeployPlan.gitOpsNote)
        s.record(.deploy(DeployRecord(.baseline, .done, image: "registry/app:1.4.2", revision: 1, rollback: plan)), at: t0 + 600)
        s.record(.deploy(DeployRecord(.newReplicaSet, .done, image: "registry/app:hotfix-001-api-500", revision: 2)), at: t0 + 700)
        let attempt = try #require(s.state.latestAttempt)
        #expect(attempt.rolledOut?.record.step == .newReplicaSet)
        #expect(attempt.image == "registry/app:hotfix-001-api-500")
        #expect(attempt.rollbackPlan == plan)
        #expect(CloseFacts.attemptSummary(attempt).contains("seen rolling out at"), "\(CloseFacts.attemptSummary(attempt))")
        var report = Report.markdown(CloseFacts(state: s.state, now: t0 + 800))
        #expect(report.contains("- ↩️ Rollback plan (GitOps revert): `git checkout main`, then `git revert -m 1 --no-edit {merge}` (a GitOps controller"), "\(report)")
        // Once CLOSE merged, the revert names that merge.
        s.record(.git(GitRecord(step: .mergeMain, target: "main", outcome: .done, sha: "9f8e7d6c5b")), at: t0 + 900)
        report = Report.markdown(CloseFacts(state: s.state, now: t0 + 950))
        #expect(report.contains("`git revert -m 1 --no-edit 9f8e7d6c5b`"), "\(report)")
        let pm = Postmortem.markdown(CloseFacts(state: s.state, now: t0 + 950), events: s.events)
        #expect(pm.contains("- **Rollback plan** (GitOps revert): `git checkout main`"), "\(pm)")
    }

    @Test func aWaitSaysWhatItWaitsForAndANoShowIsInconclusive() {
        var w = RolloutWait(deployment: "app", expectImage: "*:hotfix-1", trigger: "made elsewhere (deploy.rollout: external)",
                            baseline: "revision 4, registry/app:1.4.2", startedAt: 1000, limit: 900)
        #expect(w.line(at: 1075.9) == "waiting 1:15 of 15:00 for a new ReplicaSet of deployment/app with an image matching *:hotfix-1; still revision 4, registry/app:1.4.2")
        #expect(w.remaining(at: 1075.9) == 825)
        w.ignored = ["revision 5: registry/app:other"]
        w.state = .timedOut
        w.endedAt = 1900
        #expect(w.elapsed(at: 5000) == 900, "the time used stops where the wait ended")
        let v = Verdict.noRollout(w, at: 1900)
        #expect(v.outcome == .inconclusive)
        #expect(v.reasons == ["no rollout was judged: no rollout seen in 15 min (deploy.wait): still revision 4, registry/app:1.4.2; "
                              + "ignored (not *:hotfix-1): revision 5: registry/app:other"])
    }
}
