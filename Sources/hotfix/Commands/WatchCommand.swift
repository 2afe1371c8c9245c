import ArgumentParser
import Foundation
import HotfixEngine
import HotfixRuntime
import HotfixWorkflow

/// `hotfix watch`: DEPLOY's window and verdict for a rollout made elsewhere (CI/CD, Argo CD, Flux).
struct Watch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Wait for a rollout made elsewhere (CI/CD, Argo CD, Flux), then monitor it and judge it.",
        discussion: """
        Through the same gates as hotfix deploy (the checklist; no second watch of an attempt \
        already judged unless it rolled nothing out or its PASS was rolled back), then: the baseline (the deployment's \
        revision, ReplicaSet and the old pods' recent logs), then a wait (deploy.wait, 15 min by \
        default) for the deployment's next new ReplicaSet, only one whose image matches \
        deploy.expect_image when that is set (another is reported and ignored); then the same \
        monitoring window and verdict as hotfix deploy. No rollout in time is INCONCLUSIVE. \
        Nothing is built, pushed or rolled out by hotfix; a FAIL rolls back by itself only with \
        deploy.auto_rollback, the way deploy.rollback says. Exit code by verdict: 0 PASS, 1 FAIL, \
        4 MARGINAL, 5 INCONCLUSIVE.

        Examples:
          hotfix watch
          hotfix watch --expect-image '*:{short_sha}' --wait 30m
          hotfix watch --dry-run
        """)

    @OptionGroup var options: IncidentOptions
    @Flag(help: "Print every command of the watch, in order, and change nothing.") var dryRun = false
    @Option(help: ArgumentHelp("How long to wait for the rollout (deploy.wait), e.g. 15m.", valueName: "duration")) var wait: String?
    @Option(name: .customLong("expect-image"),
            help: ArgumentHelp("Only a rollout whose image matches this glob counts (deploy.expect_image), e.g. '*:hotfix-{id}'.", valueName: "glob"))
    var expectImage: String?
    @Option(help: ArgumentHelp("Watch although the checklist is not done or the latest attempt was judged, with a written reason.", valueName: "reason")) var override: String?

    func run() async throws {
        var seconds: Double?
        if let wait {
            guard let s = Double(wait) ?? Durations.parseSpan(wait), s > 0 else {
                throw HotfixError.usage("--wait '\(Sanitize.inline(wait))' is not a duration", next: "pass a duration like 15m or 90s")
            }
            seconds = s
        }
        if let expectImage, let problem = HotfixConfig.Deploy.imagePatternProblem(expectImage) {
            throw HotfixError.usage("--expect-image: \(problem)", next: "pass a glob such as '*:hotfix-{id}' or '*:{short_sha}'")
        }
        let session = try await Wiring.session()
        let id = try session.select(options.incident)
        let deploy = DeployWorkflow(session)
        let run = DeployRun.watch(wait: seconds, expectImage: expectImage)
        if dryRun {
            for line in await deploy.planText(id, run: run) { Output.line(line) }
            return
        }
        if let judged = try await deploy.enter(id, override: override, command: "hotfix watch") {
            Output.line("Attempt \(judged.attempt) was judged \(judged.judged); this watch is attempt \(judged.attempt + 1).")
        }
        try await Deploy.run(deploy, id, run)
    }
}
