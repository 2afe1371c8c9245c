import Foundation
import HotfixEngine
import Testing

@Suite struct DeployPlanTests {
    let target = KubeTarget(context: "prod", namespace: "shop", kubeconfig: "/k/config")

    func plan(build: [String] = ["docker", "build", "-t", "registry/app:hotfix-INC-7", "."], autoRollback: Bool = false,
              rolloutTimeout: Double? = nil) -> DeployPlan {
        DeployPlan(.init(image: "registry/app:hotfix-INC-7", build: build, push: ["docker", "push", "registry/app:hotfix-INC-7"],
                         deployment: "app", container: "web", target: target, rolloutTimeout: rolloutTimeout, autoRollback: autoRollback))
    }

    @Test func stepsRunInTheWorkflowsOrderWithExactCommands() {
        let p = plan()
        // In the order the runner makes its calls: the logs are followed before set image (the baseline).
        #expect(p.steps.map(\.kind) == [.build, .push, .baseline, .monitor, .setImage, .rollout, .verdict])
        let k = ["kubectl", "--kubeconfig", "/k/config", "--context", "prod", "--namespace", "shop"]
        #expect(p.step(.setImage)?.commands == [k + ["set", "image", "deployment/app", "web=registry/app:hotfix-INC-7"]])
        // The timeout comes from the deployment's progressDeadlineSeconds unless configured.
        #expect(p.step(.rollout)?.commands == [k + ["rollout", "status", "deployment/app", "--timeout={rollout-timeout}s"],
                                               k + ["get", "deployment/app", "-o", "json"]])
        #expect(plan(rolloutTimeout: 90).step(.rollout)?.commands.first == k + ["rollout", "status", "deployment/app", "--timeout=90s"])
        #expect(p.settings.rolloutTimeout(progressDeadline: 600) == 630)
        #expect(plan(rolloutTimeout: 90).settings.rolloutTimeout(progressDeadline: 600) == 90)
        // One kubectl proxy on a private socket follows everything; the watch and the tails are the fallback.
        #expect(p.step(.monitor)?.commands == [
            k + ["proxy", "--unix-socket={proxy-socket}", "--accept-paths=^/version$,^/api/v1/namespaces/[^/]+/pods(/[^/]+/log)?$,^/apis/apps/v1/namespaces/[^/]+/replicasets$",
                 "--reject-methods=^(POST|PUT|PATCH|DELETE|CONNECT|OPTIONS)$"],
            k + ["get", "pods", "-l", "{selector}", "-w", "--output-watch-events", "-o", "json"],
            k + ["logs", "-f", "pod/{pod}", "-c", "{container}", "--timestamps", "--since-time={since}"],
            k + ["logs", "-f", "pod/{pod}", "-c", "{container}", "--timestamps"],
            k + ["logs", "-f", "pod/{pod}", "-c", "{container}", "--timestamps", "--since-time={last}"],
        ])
        #expect(p.step(.baseline)?.commands.first == k + ["get", "deployment/app", "-o", "json"])
        #expect(p.rollbackSteps(toRevision: 4).first?.commands == [k + ["rollout", "undo", "deployment/app", "--to-revision=4"]])
        // Every kubectl command carries the target.
        for step in p.steps + p.rollbackSteps(toRevision: 1) {
            for c in step.commands where c.first == "kubectl" { #expect(Array(c.prefix(7)) == k, "\(step.kind)") }
        }
    }

    @Test func emptyBuildOrPushIsSkippedAndAutoRollbackIsStated() {
        let p = plan(build: [], autoRollback: true)
        #expect(p.steps.first?.kind == .push)
        #expect(p.step(.verdict)?.note?.contains("auto_rollback") == true)
    }

    /// The console lists a deploy's steps from config alone (no incident yet): the same steps the
    /// plan runs, for every way of rolling out, with build and push only when configured.
    @Test(arguments: [RolloutMode.setImage, .command(["helm", "upgrade", "api", "./chart"]), .external])
    func theListedStepsAreThePlansSteps(_ rollout: RolloutMode) {
        for (build, push) in [(true, true), (false, true), (true, false), (false, false)] {
            let image = "registry/app:hotfix-INC-7"
            let p = DeployPlan(.init(image: image, build: build ? ["docker", "build", "-t", image, "."] : [],
                                     push: push ? ["docker", "push", image] : [], deployment: "app", container: "web", target: target,
                                     rollout: rollout))
            #expect(DeployPlan.listedSteps(build: build, push: push, rollout: rollout) == p.listedSteps, "build \(build) push \(push)")
        }
        #expect(DeployPlan.listedSteps(build: false, push: false, rollout: .external) == [.newReplicaSet, .rollout])
        #expect(DeployPlan.listedSteps(build: true, push: true, rollout: .setImage) == [.build, .push, .setImage, .rollout])
    }

    @Test func lateValuesAreFilledAndTheDryRunShowsEveryCommand() {
        let p = plan()
        let watch = p.step(.monitor)!.commands[1]
        #expect(DeployPlan.filled(watch, ["selector": "app=web"]).contains("app=web"))
        let text = p.dryRun
        #expect(text.first == "1. build: build registry/app:hotfix-INC-7")
        #expect(text.contains("     $ kubectl --kubeconfig /k/config --context prod --namespace shop rollout undo deployment/app --to-revision={baseline-revision}"))
        #expect(text.contains { $0.hasPrefix("8. rollback:") && $0.hasSuffix("(on rollback)") })
        let odd = DeployPlan(.init(image: "x", build: ["sh", "-c", "make image && echo 'ok'"], push: [], deployment: "app", container: "c", target: KubeTarget()))
        #expect(odd.dryRun[1] == "     $ sh -c 'make image && echo '\\''ok'\\'''")
    }
}
