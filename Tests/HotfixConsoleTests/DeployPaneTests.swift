import Foundation
import HotfixEngine
import Testing
import HotfixScreen
@testable import HotfixConsole

/// The DEPLOY pane's steps as configured, what its keys offer once a verdict stands, and where
/// the `?` overlay opens.
@Suite("DEPLOY's steps, its keys after a verdict, the help at the current keys")
struct DeployPaneTests {
    static let small = Size(width: 80, height: 24)
    static let large = Size(width: 160, height: 48)
    static let image = "registry.local/api:hotfix-001-api-500"

    /// DEPLOY entered 20 s ago, nothing deployed yet.
    static func entered(size: Size = small, listed: [DeployPlan.Kind]) -> ConsoleModel {
        var model = IncidentFixture.model(at: IncidentFixture.entered[.deploy]! + 20, size: size)
        model.deployWords = DeployWords(steps: "set image, roll out, monitor", listed: listed)
        return model
    }

    static func add(_ model: inout ConsoleModel, _ bodies: [(Double, EventBody)]) {
        var seq = model.incident.lastSeq
        _ = model.update(.journal(bodies.map { at, body in
            seq += 1
            return Event(seq: seq, at: IncidentFixture.t0 + at, body: body)
        }))
    }

    static func screen(_ model: ConsoleModel) -> String { Screen.render(model).lines().joined(separator: "\n") }

    static func bar(_ model: ConsoleModel) -> String { model.helpBar.map { "\($0.keys) \($0.label)" }.joined(separator: "  ") }

    // MARK: 1. Steps as configured

    @Test("build and push that are not configured read as such, not as pending; the pane's first line leaves them out")
    func notConfiguredStepsSaySo() throws {
        // At 160x48 the Rollout rows are in view under the checklist (at 80x24 the stream's one-line
        // steps show them once the deploy runs: below).
        let model = Self.entered(size: Self.large, listed: [.setImage, .rollout])
        #expect(model.deploySteps == [
            DeployStep(kind: .build, state: .notConfigured(key: "deploy.build")),
            DeployStep(kind: .push, state: .notConfigured(key: "deploy.push")),
            DeployStep(kind: .setImage, state: .pending),
            DeployStep(kind: .rollout, state: .pending),
        ])
        let buf = Screen.render(model)
        try Golden.check(buf, "deploy-unconfigured-160x48")
        let lines = buf.lines()
        #expect(lines.contains { $0.contains("– build") && $0.contains("not configured (deploy.build)") }, "\(lines.joined(separator: "\n"))")
        #expect(lines.contains { $0.contains("– push") && $0.contains("not configured (deploy.push)") })
        #expect(lines.contains { $0.contains("○ set-image") })
        #expect(!lines.contains { $0.contains("○ build") || $0.contains("○ push") }, "nothing waits for a step that never runs")
        #expect(lines.joined().contains("Checklist, roll out, monitor 5 min"))
        // Configured, they are still pending steps.
        let configured = Self.entered(listed: [.build, .push, .setImage, .rollout])
        #expect(configured.deploySteps.prefix(2).map(\.state) == [.pending, .pending])
        #expect(Self.screen(configured).contains("Checklist, build, push, roll out, monitor 5 min"))
    }

    @Test("each way of rolling out lists the steps it makes: set image; the command and its ReplicaSet; only the ReplicaSet")
    func eachModeListsItsOwnSteps() {
        let modes: [(RolloutMode, [DeployPlan.Kind])] = [(.setImage, [.setImage]), (.command(["helm", "upgrade"]), [.rolloutCommand, .newReplicaSet]),
                                                        (.external, [.newReplicaSet])]
        for (mode, way) in modes {
            let listed = DeployPlan.listedSteps(build: true, push: false, rollout: mode)
            let model = Self.entered(listed: listed)
            #expect(model.deploySteps.map(\.kind) == [.build, .push] + way + [.rollout], "\(mode)")
            #expect(model.deploySteps[1].state == .notConfigured(key: "deploy.push"))
            #expect(model.deploySteps[0].state == .pending)
        }
    }

    @Test("build and push as the runner journals them (commands before the baseline) show done in the rollout's rows")
    func commandRunsCountAsDone() {
        var model = Self.entered(size: Self.large, listed: DeployPlan.listedSteps(build: true, push: true, rollout: .external))
        Self.add(&model, [
            (2710, .commandRan(CommandRun(phase: .deploy, step: .build, argv: ["docker", "build", "-t", Self.image, "."], exitCode: 0, seconds: 40))),
            (2750, .commandRan(CommandRun(phase: .deploy, step: .push, argv: ["docker", "push", Self.image], exitCode: 0, seconds: 10))),
            (2760, .deploy(DeployRecord(.baseline, .done, image: "registry.local/api:1.4.2", revision: 7))),
        ])
        #expect(model.deploySteps.map(\.kind) == [.build, .push, .newReplicaSet, .rollout])
        #expect(model.deploySteps.map(\.state) == [.done, .done, .pending, .pending])
        let lines = Screen.render(model).lines()
        #expect(lines.contains { $0.contains("✓ build") }, "\(lines.joined(separator: "\n"))")
        #expect(lines.contains { $0.contains("○ new-replicaset") })
        #expect(!lines.contains { $0.contains("set-image") }, "a rollout made elsewhere sets no image")
        // A build that failed says so.
        var failed = Self.entered(listed: [.build, .setImage, .rollout])
        Self.add(&failed, [(2710, .commandRan(CommandRun(phase: .deploy, step: .build, argv: ["docker", "build"], exitCode: 2, seconds: 3)))])
        #expect(failed.deploySteps.first == DeployStep(kind: .build, state: .failed, detail: "failed · exit 2"))
    }

    @Test("after hotfix retry the next attempt's steps are to come again; an attempt made another way shows how it was made")
    func retryAndOtherWays() {
        var model = Self.entered(listed: [.build, .setImage, .rollout])
        Self.add(&model, [
            (2710, .commandRan(CommandRun(phase: .deploy, step: .build, argv: ["docker", "build"], exitCode: 0, seconds: 3))),
            (2760, .deploy(DeployRecord(.baseline, .done, image: "registry.local/api:1.4.2", revision: 7))),
            // Made by `hotfix watch` from a shell: a ReplicaSet waited for, not set image.
            (2800, .deploy(DeployRecord(.newReplicaSet, .done, image: Self.image, revision: 8))),
        ])
        #expect(model.deploySteps.map(\.kind) == [.build, .push, .newReplicaSet, .rollout])
        #expect(model.deploySteps.map(\.state) == [.done, .notConfigured(key: "deploy.push"), .done, .pending])
        Self.add(&model, [
            (2900, .verdict(VerdictRecord(outcome: .fail, reasons: ["errors up"], windowSeconds: 300))),
            (2950, .retried(RetryRecord(attempt: 2, after: .fail))),
        ])
        #expect(model.deploySteps.map(\.kind) == [.build, .push, .setImage, .rollout])
        #expect(model.deploySteps.map(\.state) == [.pending, .notConfigured(key: "deploy.push"), .pending, .pending])
    }

    @Test("the stream's one-line steps leave out what is not configured, at 80 and at 160 columns")
    func streamSummaryLeavesOutUnconfigured() {
        for size in [Self.small, Self.large] {
            var model = Self.entered(size: size, listed: [.newReplicaSet, .rollout])
            _ = model.update(.stream(StreamChunk(pods: StreamFixture.pods(at: 2700, deployAt: 2800))))
            #expect(model.streamShown)
            let text = Self.screen(model)
            let steps = text.split(separator: "\n").first { $0.contains("5/5") && $0.contains("rollout") }.map(String.init) ?? ""
            #expect(steps.contains(size.width < 100 ? "○new replicaset ○rollout" : "○ new replicaset  ○ rollout"), "\(text)")
            #expect(!steps.contains("build") && !steps.contains("push") && !steps.contains("set image"), "\(steps)")
            if size.width > 100 {  // cut at 80 columns
                #expect(text.contains("Monitoring · reading the old pods' logs (the baseline), then the wait for the rollout"), "\(text)")
            }
        }
    }

    // MARK: 2. After a verdict

    /// The fixture's deploy rolled out at 2800 and finished at 2860; then `bodies`.
    static func judged(_ bodies: [(Double, EventBody)], size: Size = small) -> ConsoleModel {
        var model = IncidentFixture.model(events: 2860, now: 3200, size: size)
        add(&model, bodies)
        return model
    }

    static func verdict(_ outcome: VerdictRecord.Outcome, at: Double = 3150) -> (Double, EventBody) {
        (at, .verdict(VerdictRecord(outcome: outcome, reasons: ["the reason"], windowSeconds: 300)))
    }

    static let rolledBack: (Double, EventBody) = (3170, .rollback(RollbackRecord(revision: 7, image: "registry.local/api:1.4.2", outcome: .done)))

    @Test("after FAIL: r and b are offered, not enter; enter deploys nothing and says what comes next")
    func afterFail() {
        var model = Self.judged([Self.verdict(.fail)], size: Self.large)
        #expect(model.deployNext.enter == .judged)
        let bar = Self.bar(model)
        #expect(bar.hasPrefix("r rollback  b retry"), "\(bar)")
        #expect(!bar.contains("enter") && !bar.contains("n next"), "\(bar)")
        #expect(model.update(.key(.enter)).isEmpty, "no second deploy of a judged attempt")
        #expect(model.prompt == nil)
        let status = model.status?.text ?? ""
        #expect(status.contains("attempt 1 FAIL: r rolls back, b goes back to FIX for attempt 2"), "\(status)")
        #expect(Self.screen(model).contains("enter does not deploy attempt 1 again (FAIL)"))
        // b still asks before going back to FIX.
        _ = model.update(.key(.char("b")))
        #expect(model.prompt == .retry(question: "Back to FIX for attempt 2 after attempt 1's FAIL? (the checklist is passed again)"))
    }

    @Test("after FAIL and its rollback: only b; after PASS: n first, then r; no enter")
    func afterRollbackAndPass() {
        var back = Self.judged([Self.verdict(.fail), Self.rolledBack])
        var bar = Self.bar(back)
        #expect(bar.hasPrefix("b retry"), "\(bar)")
        #expect(!bar.contains("r rollback") && !bar.contains("enter"), "\(bar)")
        #expect(back.update(.key(.enter)).isEmpty)
        #expect(back.status?.text.contains("is rolled back: b goes back to FIX for attempt 2") == true, "\(back.status?.text ?? "")")

        var pass = Self.judged([Self.verdict(.pass)])
        bar = Self.bar(pass)
        #expect(bar.hasPrefix("n next phase  r rollback"), "\(bar)")
        #expect(!bar.contains("enter") && !bar.contains("b retry"), "\(bar)")
        #expect(pass.update(.key(.enter)).isEmpty)
        #expect(pass.status?.text.contains("n moves on to BACKPORT") == true)
        // n does move on after a PASS.
        #expect(!pass.update(.key(.char("n"))).isEmpty)
    }

    @Test("after MARGINAL: r, b and n with a reason; enter deploys nothing")
    func afterMarginal() {
        var model = Self.judged([Self.verdict(.marginal)])
        let bar = Self.bar(model)
        #expect(bar.hasPrefix("r rollback  b retry  n next (a reason)"), "\(bar)")
        #expect(model.update(.key(.enter)).isEmpty)
        #expect(model.status?.text == "attempt 1 MARGINAL: r rolls back, b back to FIX, n with a reason")
        // Every answer enter gives fits the 80-column status row.
        for verdict in [Self.verdict(.pass), Self.verdict(.fail), Self.verdict(.marginal), Self.verdict(.inconclusive)] {
            for bodies in [[verdict], [verdict, Self.rolledBack]] {
                let words = Self.judged(bodies).deployNext.words ?? ""
                #expect(!words.isEmpty && words.count <= 78, "\(words)")
            }
        }
    }

    @Test("a second deploy is offered when it is legitimate, plan first, as a new attempt: nothing rolled out, or a PASS rolled back")
    func deployAgainWhenLegitimate() {
        // The wait for a rollout made elsewhere ran out: INCONCLUSIVE, nothing rolled out.
        var model = IncidentFixture.model(at: IncidentFixture.entered[.deploy]! + 20, size: Self.small)
        Self.add(&model, [
            (2710, .deploy(DeployRecord(.baseline, .done, image: "registry.local/api:1.4.2", revision: 7))),
            (3000, .deploy(DeployRecord(.newReplicaSet, .failed, detail: "no rollout in 15 min"))),
            (3000, .verdict(VerdictRecord(outcome: .inconclusive, reasons: ["no rollout was seen"], windowSeconds: 0))),
        ])
        model.now = IncidentFixture.t0 + 3010
        #expect(model.deployNext.enter == .again(attempt: 2))
        let bar = Self.bar(model)
        #expect(bar.contains("b retry") && bar.contains("enter deploy again"), "\(bar)")
        #expect(model.update(.key(.enter)) == [.plan(.deploy)], "the plan first")
        _ = model.update(.confirm(.deploy, question: "Watch deployment/app for the rollout made elsewhere?"))
        _ = model.update(.activity(nil))
        #expect(Self.screen(model).contains("Attempt 2: Watch deployment/app for the rollout made elsewhere? [y/N]"))
        #expect(model.update(.key(.char("y"))) == [.start(.deploy)])

        // A PASS rolled back afterwards: the engine's own next step is "deploy it again" or retry.
        var passBack = Self.judged([Self.verdict(.pass), Self.rolledBack])
        #expect(passBack.deployNext.enter == .again(attempt: 2))
        #expect(Self.bar(passBack).hasPrefix("b retry  enter deploy again"), "\(Self.bar(passBack))")
        #expect(passBack.update(.key(.enter)) == [.plan(.deploy)])
    }

    @Test("back in DEPLOY after hotfix retry, enter deploys the next attempt as before")
    func afterRetryEnterDeploys() {
        var model = Self.judged([Self.verdict(.fail), (3180, .retried(RetryRecord(attempt: 2, after: .fail))),
                                 (3190, .phaseChanged(PhaseChange(from: .fix, to: .test))),
                                 (3195, .phaseChanged(PhaseChange(from: .test, to: .deploy)))])
        #expect(model.incident.phase == .deploy)
        #expect(model.deployNext == .beforeVerdict)
        #expect(Self.bar(model).hasPrefix("enter deploy"), "\(Self.bar(model))")
        #expect(model.update(.key(.enter)) == [.plan(.deploy)])
    }

    // MARK: 3. The help at the current keys

    static func overlay(_ model: inout ConsoleModel) -> [String] {
        _ = model.update(.key(.char("?")))
        return Screen.render(model).lines()
    }

    @Test("? opens at the keys of where it was pressed; the rest is a scroll away")
    func helpOpensAtTheCurrentKeys() {
        var fix = IncidentFixture.model(in: .fix, size: Self.small)
        var lines = Self.overlay(&fix)
        #expect(lines[1].contains("FIX phase"), "\(lines.joined(separator: "\n"))")
        for _ in 0..<20 { _ = fix.update(.key(.up)) }
        lines = Screen.render(fix).lines()
        #expect(lines[1].contains("Everywhere"), "scrolled back to the top:\n\(lines.joined(separator: "\n"))")

        // In the DEPLOY stream: DEPLOY's keys, then every key of the stream, on one screen at 80x24.
        var stream = StreamFixture.model(now: 2950, size: Self.small)
        #expect(stream.streamShown)
        lines = Self.overlay(&stream)
        let text = lines.joined(separator: "\n")
        #expect(lines[1].contains("DEPLOY phase"), "\(text)")
        #expect(text.contains("DEPLOY, while the pods' logs stream"))
        for binding in stream.keyMap.bindings where binding.context == .stream || binding.context == .deploy {
            #expect(lines.contains { $0.hasPrefix("│  " + binding.keyLabel + " ") }, "\(binding.keyLabel) of \(binding.context) not in view:\n\(text)")
        }
        _ = stream.update(.key(.escape))
        #expect(!stream.showHelp)

        // The log pane's keys after l; the pod list's in it.
        var log = IncidentFixture.model(in: .test, size: Self.small)
        _ = log.update(.key(.char("l")))
        #expect(Self.overlay(&log).contains { $0.contains("Log pane (after l)") })
        var pods = StreamFixture.model(now: 2950, size: Self.small)
        _ = pods.update(.key(.char("P")))
        #expect(Self.overlay(&pods)[1].contains("The pod list (P in the stream)"))
        // TEST: its keys and the checklist's, which follow them.
        var test = IncidentFixture.model(in: .test, size: Self.small)
        lines = Self.overlay(&test)
        #expect(lines[1].contains("TEST phase") && lines[3].contains("Pre-deploy checklist"), "\(lines.joined(separator: "\n"))")
    }

    @Test("the overlay scrolls no further than its last row: one key up moves it at once")
    func helpScrollStopsAtTheEnd() {
        var model = IncidentFixture.model(in: .fix, size: Self.small)
        _ = model.update(.key(.char("?")))
        for _ in 0..<200 { _ = model.update(.key(.down)) }
        let bottom = Screen.render(model).lines()
        _ = model.update(.key(.up))
        #expect(Screen.render(model).lines() != bottom, "the first key up scrolls")
        #expect(model.helpScroll == HelpSection.maxScroll(model.keyMap.sections, terminalHeight: 24) - 1)
    }
}
