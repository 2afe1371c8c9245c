import Foundation
import HotfixEngine
import HotfixLogs
import Testing
import HotfixScreen
@testable import HotfixConsole

@Suite("Console model: keys in, engine events out")
struct ConsoleModelTests {
    static let size = Size(width: 80, height: 24)

    @Test("typing an ASSESS answer in place returns an assessed event decided by the engine")
    func assessAnswer() {
        var model = IncidentFixture.model(at: 30, size: Self.size)
        _ = model.update(.key(.down))
        _ = model.update(.key(.enter))
        for ch in "EU users 🔥" { _ = model.update(.key(.char(ch))) }
        let text = Screen.render(model).lines().joined(separator: "\n")
        #expect(text.contains("EU users 🔥"))
        let effects = model.update(.key(.enter))
        #expect(effects == [.append([.assessed(Assessment(impact: "EU users 🔥"))])])
        #expect(model.prompt == nil)
    }

    @Test("space passes a checklist item; w needs a written reason")
    func checklist() {
        var model = IncidentFixture.model(at: 2000, size: Self.size)  // TEST, nothing checked yet
        #expect(model.update(.key(.char(" "))) == [.append([.checked(Check(item: .testsPass, status: .passed))])])
        _ = model.update(.key(.down))
        _ = model.update(.key(.char("w")))
        #expect(model.update(.key(.enter)).isEmpty, "an empty reason is refused")
        #expect(model.status?.text.contains("needs a written reason") == true)
        for ch in "flag off" { _ = model.update(.key(.char(ch))) }
        #expect(model.update(.key(.enter)) == [.append([.checked(Check(item: .typeHints, status: .waived, reason: "flag off"))])])
    }

    @Test("n advances; a guardrail refusal asks for an override reason")
    func advance() {
        var assess = IncidentFixture.model(at: 30, size: Self.size)
        #expect(assess.update(.key(.char("n"))) == [.append([.phaseChanged(PhaseChange(from: .assess, to: .branch))])])

        var test = IncidentFixture.model(at: 2000, size: Self.size)
        #expect(test.update(.key(.char("n"))).isEmpty)
        #expect(test.status?.text.contains("checklist") == true)
        guard case .override = test.prompt else { Issue.record("no override prompt"); return }
        for ch in "CI deploys it" { _ = test.update(.key(.char(ch))) }
        let effects = test.update(.key(.enter))
        guard case .append(let bodies) = effects.first, case .phaseChanged(let change) = bodies.first else {
            Issue.record("no phase change: \(effects)"); return
        }
        #expect(change.to == .deploy)
        #expect(change.overrides.first?.reason == "CI deploys it")
    }

    @Test("n in FIX is judged on the hotfix branch's commits, as hotfix next is")
    func advanceFromFix() {
        var model = IncidentFixture.model(at: 1000, size: Self.size)
        #expect(model.incident.phase == .fix)
        #expect(model.update(.key(.char("n"))).isEmpty, "the branch has not been read yet: refused, not passed")
        #expect(model.status?.text.contains("was not read from git") == true)
        _ = model.update(.key(.escape))
        let branch = "hotfix/001-api-500"
        _ = model.update(.fix(FixProgress(branch: branch, main: "main", uncommitted: ["app/users.py"], checkedOut: branch)))
        #expect(model.update(.key(.char("n"))).isEmpty)
        #expect(model.status?.text.contains("has no commit that main does not have; uncommitted changes: app/users.py") == true)
        guard case .override = model.prompt else { Issue.record("no override prompt"); return }
        _ = model.update(.key(.escape))
        _ = model.update(.fix(FixProgress(branch: branch, main: "main", commits: ["3f2c9a1 Fix: handle None"], checkedOut: branch)))
        #expect(model.update(.key(.char("n"))) == [.append([.phaseChanged(PhaseChange(from: .fix, to: .test))])])
    }

    @Test("t runs the tests from the TEST view, once at a time, and the status row shows progress")
    func runTests() {
        var model = IncidentFixture.model(at: 2000, size: Self.size)
        #expect(model.update(.key(.char("t"))) == [.start(.tests)])
        #expect(model.update(.key(.char("t"))).isEmpty, "a second run waits for the first")
        #expect(model.status?.text.contains("already running") == true)
        _ = model.update(.key(.down))
        _ = model.update(.activity("running smoke: pytest -q"))
        _ = model.update(.output([LogLine(at: nil, text: "  │ 3 passed")]))
        let text = Screen.render(model).lines().joined(separator: "\n")
        #expect(text.contains("▶ running smoke: pytest -q"))
        #expect(text.contains("│ 3 passed"))
        _ = model.update(.activity(nil))
        #expect(model.update(.key(.char("t"))) == [.start(.tests)])
        var assess = IncidentFixture.model(at: 30, size: Self.size)
        #expect(assess.update(.key(.char("t"))).isEmpty, "t means nothing outside the TEST view")
    }

    @Test("enter runs the viewed phase's step: branch, diff, backport and the report run at once, one job at a time")
    func enterRunsTheStep() {
        var branch = IncidentFixture.model(at: 260, size: Self.size)  // BRANCH, no branch yet
        #expect(branch.viewed == .branch)
        #expect(Screen.render(branch).lines().joined().contains("enter runs hotfix branch"))
        #expect(branch.update(.key(.enter)) == [.start(.branch)])
        #expect(branch.activity == "starting hotfix branch")
        #expect(branch.update(.key(.enter)).isEmpty, "a second job waits for the first")
        #expect(branch.status?.text.contains("already running") == true)
        _ = branch.update(.activity(nil))
        _ = branch.update(.key(.char("6")))
        #expect(branch.update(.key(.enter)).isEmpty, "BACKPORT has not started")
        #expect(branch.status?.text.contains("BACKPORT has not started: the active phase is BRANCH") == true)

        var fix = IncidentFixture.model(in: .fix, size: Self.size)
        #expect(fix.update(.key(.enter)) == [.start(.diff)])
        var test = IncidentFixture.model(in: .test, size: Self.size)
        #expect(test.update(.key(.enter)) == [.start(.tests)])
        var backport = IncidentFixture.model(in: .backport, size: Self.size)
        #expect(backport.update(.key(.enter)) == [.start(.backport)])
        var close = IncidentFixture.model(in: .close, size: Self.size)
        #expect(close.update(.key(.char("R"))) == [.start(.report)])
        #expect(ConsoleJob.report.commands == [["report"], ["postmortem"]])

        var assess = IncidentFixture.model(at: 30, size: Self.size)
        _ = assess.update(.key(.enter))
        guard case .answer = assess.prompt else { Issue.record("enter no longer edits an ASSESS answer"); return }
    }

    @Test("deploy, finish and rollback show their plan in the log first, then ask y/n with no as the default")
    func confirmShowsThePlanAndDefaultsToNo() {
        // DEPLOY before its deploy (the fixture's later PASS offers no second deploy: DeployPaneTests).
        var deploy = IncidentFixture.model(at: IncidentFixture.entered[.deploy]! + 20, size: Self.size)
        #expect(deploy.update(.key(.enter)) == [.plan(.deploy)], "the plan first, not the deploy")
        #expect(deploy.prompt == nil)
        _ = deploy.update(.output([LogLine(at: nil, text: "  1. build: docker build -t registry/app:hotfix-1 .")]))
        _ = deploy.update(.confirm(.deploy, question: "Deploy registry/app:hotfix-001-api-500 to deployment/app?"))
        _ = deploy.update(.activity(nil))
        let screen = Screen.render(deploy).lines().joined(separator: "\n")
        #expect(screen.contains("Deploy registry/app:hotfix-001-api-500 to deployment/app? [y/N]"))
        #expect(screen.contains("1. build: docker build -t registry/app:hotfix-1 ."), "the plan is on screen while the question is asked")
        #expect(screen.contains("y yes, run it"))
        #expect(deploy.update(.key(.char("x"))).isEmpty, "other keys neither run nor cancel")
        #expect(deploy.prompt != nil)
        #expect(deploy.update(.key(.enter)).isEmpty, "enter takes the default: no")
        #expect(deploy.prompt == nil)
        #expect(deploy.status?.text.contains("not confirmed") == true)
        _ = deploy.update(.key(.enter))
        _ = deploy.update(.confirm(.deploy, question: "Deploy?"))
        _ = deploy.update(.activity(nil))
        deploy.selection = 4  // the last checklist item, which the pane scrolls to
        #expect(deploy.update(.key(.char("y"))) == [.start(.deploy)])
        #expect(deploy.activity == "starting the deploy")
        #expect(deploy.selection == 0, "back to the top, so the monitoring block above the checklist stays in view")

        var close = IncidentFixture.model(at: IncidentFixture.entered[.close]! + 20, size: Self.size)  // CLOSE, not merged yet
        #expect(close.update(.key(.enter)) == [.plan(.finish)])
        _ = close.update(.confirm(.finish, question: "Finish as planned above?"))
        _ = close.update(.activity(nil))
        #expect(close.update(.key(.char("n"))).isEmpty)
        #expect(close.update(.key(.escape)).isEmpty)
        #expect(ConsoleJob.finish.commands == [["finish"], ["report"]])

        // r needs a baseline revision recorded by a deploy; the fixture's deploy has none.
        var rollback = IncidentFixture.model(in: .deploy, size: Self.size)
        #expect(rollback.update(.key(.char("r"))).isEmpty)
        #expect(rollback.status?.text.contains("no baseline revision is recorded") == true)
        let baseline = Event(seq: rollback.incident.lastSeq + 1, at: IncidentFixture.t0 + 2700,
                             body: .deploy(DeployRecord(.baseline, .done, image: "registry/app:1.4.2", revision: 7)))
        _ = rollback.update(.journal([baseline]))
        #expect(rollback.update(.key(.char("r"))) == [.plan(.rollback)])
    }

    /// A DEPLOY console whose deploy job was confirmed and has started.
    static func deploying() -> ConsoleModel {
        var model = IncidentFixture.model(at: IncidentFixture.entered[.deploy]! + 20, size: size)
        _ = model.update(.key(.enter))
        _ = model.update(.confirm(.deploy, question: "Deploy?"))
        _ = model.update(.activity(nil))
        #expect(model.update(.key(.char("y"))) == [.start(.deploy)])
        _ = model.update(.activity("deploy: build"))
        return model
    }

    static func journal(_ model: inout ConsoleModel, at seconds: Double, _ body: EventBody) -> [ConsoleEffect] {
        model.update(.journal([Event(seq: model.incident.lastSeq + 1, at: IncidentFixture.t0 + seconds, body: body)]))
    }

    @Test("while a deploy runs the help bar offers rollback, not another deploy")
    func theHelpBarLeavesOutWhatARunningJobWouldRefuse() throws {
        let idle = IncidentFixture.model(at: IncidentFixture.entered[.deploy]! + 20, size: Self.size)
        let idleBar = try #require(Screen.render(idle).lines().last)
        #expect(idleBar.contains("enter deploy"), "\(idleBar)")
        let running = Self.deploying()
        let bar = try #require(Screen.render(running).lines().last)
        #expect(!bar.contains("enter deploy"), "\(bar)")
        #expect(bar.contains("r rollback"), "\(bar)")
    }

    @Test("r during the deploy's rollout and window shows the rollback and asks; yes ends the window, no leaves it running")
    func rollbackDuringTheWindow() {
        var model = Self.deploying()
        _ = Self.journal(&model, at: 2720, .deploy(DeployRecord(.baseline, .done, image: "registry/app:1.4.2", revision: 7)))
        #expect(model.update(.key(.char("r"))).isEmpty, "nothing is rolled out before set image")
        #expect(model.status?.text.contains("nothing to roll back yet") == true)
        _ = Self.journal(&model, at: 2740, .deploy(DeployRecord(.setImage, .done, image: "registry/app:hotfix-001-api-500")))
        _ = model.update(.activity("deploy: wait for the rollout and monitor for 5 min after a 30 s warm-up"))
        #expect(model.deployWindowOpen)

        // No: the window keeps running, the deploy job untouched.
        #expect(model.update(.key(.char("r"))) == [.plan(.rollback)], "the rollback's plan, while the deploy runs")
        #expect(model.activity?.hasPrefix("deploy: wait for the rollout") == true, "the deploy's activity stays")
        _ = model.update(.confirm(.rollback, question: "Roll deployment/app back to revision 7 (registry/app:1.4.2)?"))
        #expect(Screen.render(model).lines().joined().contains("back to revision 7 (registry/app:1.4.2)? [y/N]"))
        #expect(model.update(.key(.char("n"))).isEmpty)
        #expect(model.status?.text.contains("not confirmed: the rollback did not run") == true)
        #expect(model.job == .deploy && model.deployWindowOpen)

        // Yes: the window ends early and the deploy rolls back in place of its remaining steps.
        #expect(model.update(.key(.char("r"))) == [.plan(.rollback)])
        _ = model.update(.confirm(.rollback, question: "Roll back?"))
        #expect(model.update(.key(.char("y"))) == [.endWindow(.rollback)])
        #expect(model.activity == "ending the monitoring window early to roll back")
        let early = VerdictRecord(outcome: .inconclusive, reasons: ["window ended early, 40 s after the rollout began (of 30 s warm-up + 5 min): the operator rolled back; verdict so far PASS"], windowSeconds: 10)
        #expect(Self.journal(&model, at: 2780, .verdict(early)).isEmpty)
        #expect(Self.journal(&model, at: 2790, .rollback(RollbackRecord(revision: 7, image: "registry/app:1.4.2", outcome: .done))).isEmpty,
                "its own rollback, after the verdict, is not taken for one made elsewhere")
        #expect(!model.deployWindowOpen)
        #expect(model.update(.key(.char("r"))).isEmpty, "one job at a time once the window is over")
        _ = model.update(.activity(nil))
        #expect(model.job == nil)
        #expect(model.update(.key(.char("r"))) == [.plan(.rollback)])
        _ = model.update(.confirm(.rollback, question: "Roll back?"))
        #expect(model.update(.key(.char("y"))) == [.start(.rollback)], "with no deploy running, a rollback job of its own")
    }

    @Test("a rollback journaled elsewhere during the window stops it; a yes given after the window ended starts nothing twice")
    func rollbackElsewhereAndLateYes() {
        var model = Self.deploying()
        _ = Self.journal(&model, at: 2720, .deploy(DeployRecord(.baseline, .done, revision: 7)))
        _ = Self.journal(&model, at: 2740, .deploy(DeployRecord(.setImage, .done)))
        #expect(Self.journal(&model, at: 2760, .rollback(RollbackRecord(revision: 7, image: nil, outcome: .done))) == [.endWindow(.rolledBackElsewhere)])

        var late = Self.deploying()
        _ = Self.journal(&late, at: 2720, .deploy(DeployRecord(.baseline, .done, revision: 7)))
        _ = Self.journal(&late, at: 2740, .deploy(DeployRecord(.setImage, .done)))
        #expect(late.update(.key(.char("r"))) == [.plan(.rollback)])
        _ = late.update(.confirm(.rollback, question: "Roll back?"))
        // The window fails and deploy.auto_rollback starts rolling back while the question is up.
        _ = Self.journal(&late, at: 2770, .verdict(VerdictRecord(outcome: .fail, reasons: ["pods: CrashLoopBackOff"], windowSeconds: 0)))
        #expect(late.update(.key(.char("y"))).isEmpty)
        #expect(late.status?.text.contains("already running") == true)
    }

    @Test("a FAIL shows as soon as it is journaled; n is refused naming it; b asks, then goes back to FIX for attempt 2")
    func retryAfterAFail() throws {
        var model = Self.deploying()
        _ = Self.journal(&model, at: 2720, .deploy(DeployRecord(.baseline, .done, image: "registry/app:1.4.2", revision: 7)))
        _ = Self.journal(&model, at: 2740, .deploy(DeployRecord(.setImage, .done, image: "registry/app:hotfix-001-api-500")))
        #expect(model.update(.key(.char("b"))).isEmpty && model.prompt == nil, "no way back while the deploy runs")
        _ = Self.journal(&model, at: 2746, .deploy(DeployRecord(.rollout, .stopped, image: "registry/app:hotfix-001-api-500",
                                                                detail: "stopped 6 s after set image: the window failed at once")))
        _ = Self.journal(&model, at: 2746, .verdict(VerdictRecord(outcome: .fail, reasons: ["pods: crashLoopBackOff app-x"], windowSeconds: 0)))
        model.size = Size(width: 160, height: 48)
        var screen = Screen.render(model).lines().joined(separator: "\n")
        #expect(screen.contains("verdict FAIL"), "shown before the deploy job even ends:\n\(screen)")
        _ = Self.journal(&model, at: 2750, .rollback(RollbackRecord(revision: 7, image: "registry/app:1.4.2", outcome: .done, automatic: true)))
        _ = model.update(.activity(nil))
        screen = Screen.render(model).lines().joined(separator: "\n")
        #expect(screen.contains("b retry"), "the help bar offers the way back:\n\(screen)")
        #expect(screen.contains("b goes back to FIX for attempt 2 (hotfix retry)"), "\(screen)")

        #expect(model.update(.key(.char("n"))).isEmpty)
        #expect(model.status?.text.contains("attempt 1's monitoring verdict is FAIL (rolled back)") == true, "\(model.status?.text ?? "")")
        _ = model.update(.key(.escape))

        #expect(model.update(.key(.char("b"))).isEmpty)
        guard case .retry(let question) = model.prompt else { Issue.record("no retry question: \(String(describing: model.prompt))"); return }
        #expect(question.contains("Back to FIX for attempt 2 after attempt 1's FAIL"), "\(question)")
        #expect(Screen.render(model).lines().joined().contains("[y/N]"))
        #expect(model.update(.key(.char("n"))).isEmpty, "no is the default: nothing recorded")
        #expect(model.status?.text.contains("not confirmed: still in DEPLOY") == true)
        _ = model.update(.key(.char("b")))
        #expect(model.update(.key(.char("y"))) == [.append([.retried(RetryRecord(attempt: 2, after: .fail))])])
        _ = Self.journal(&model, at: 2760, .retried(RetryRecord(attempt: 2, after: .fail)))
        #expect(model.incident.phase == .fix && model.viewed == .fix, "the console follows the incident back to FIX")
    }

    @Test("deploy from TEST goes through the checklist gate before any plan is shown")
    func deployGate() {
        var test = IncidentFixture.model(at: 2000, size: Self.size)  // TEST, checklist open
        _ = test.update(.key(.char("5")))
        #expect(test.update(.key(.enter)).isEmpty)
        #expect(test.status?.text.contains("cannot deploy: the pre-deploy checklist is not done") == true)
        var ready = IncidentFixture.model(at: 2660, size: Self.size)  // TEST, checklist done
        _ = ready.update(.key(.char("5")))
        #expect(ready.update(.key(.enter)) == [.plan(.deploy)])
    }

    @Test("a live deploy's monitoring model replaces the pane's")
    func liveMonitor() {
        var model = IncidentFixture.model(in: .deploy, size: Size(width: 160, height: 48))
        var live = MonitorModel()
        live.deployStarted(at: model.now.timeIntervalSince1970 - 10)
        _ = model.update(.monitorModel(live))
        #expect(Screen.render(model).lines().joined().contains("Monitoring · warm-up"))
    }

    @Test("the monitoring panel is derived as messages arrive; a verdict journaled for the window stands over the running one")
    func monitorPanelFollowsTheJournaledVerdict() {
        let deployAt = 2800.0, now = 2950.0
        var model = IncidentFixture.model(events: 2800, now: now, size: Size(width: 160, height: 48))
        #expect(model.monitorPanel == nil)
        _ = model.update(.monitor(IncidentFixture.monitorInputs(from: 2000, deployAt: deployAt, until: now)))
        #expect(model.monitorPanel?.window == "3:00 left")
        #expect(model.monitorPanel?.verdict.hasSuffix("so far") == true)
        _ = model.update(.tick(IncidentFixture.t0 + now + 60))
        #expect(model.monitorPanel?.window == "2:00 left", "the clock moves it on each tick")

        // The window was cut short by a rollback: the journaled verdict stands, at the time it was judged.
        let early = VerdictRecord(outcome: .inconclusive, reasons: ["window ended early, 40 s after the rollout began: the operator rolled back"],
                                  windowSeconds: 40)
        _ = Self.journal(&model, at: deployAt + 40, .verdict(early))
        #expect(model.monitorPanel?.window == "stopped at 0:40")
        #expect(model.monitorPanel?.verdict == "verdict: INCONCLUSIVE")
        #expect(model.monitorPanel?.reason?.hasPrefix("window ended early") == true)
        let shown = model.monitorPanel
        _ = model.update(.tick(IncidentFixture.t0 + now + 120))
        #expect(model.monitorPanel == shown, "time running on changes nothing once the verdict is journaled")
        #expect(Screen.render(model).lines().joined().contains("Monitoring · stopped at 0:40"))
    }

    @Test("journal events from another terminal move the view along with the active phase")
    func followsJournal() {
        var model = IncidentFixture.model(at: 30, size: Self.size)
        let change = Event(seq: model.incident.lastSeq + 1, at: IncidentFixture.t0 + 40, body: .phaseChanged(PhaseChange(from: .assess, to: .branch)))
        _ = model.update(.journal([change]))
        #expect(model.incident.phase == .branch)
        #expect(model.viewed == .branch)
        #expect(model.log.lines.last?.text == "ASSESS done, entered BRANCH")
    }

    @Test("log search highlights matches and pause freezes the view")
    func logSearchAndPause() {
        var model = IncidentFixture.model(in: .deploy, size: Self.size)
        _ = model.update(.key(.char("l")))
        _ = model.update(.key(.char("/")))
        for ch in "revision 8" { _ = model.update(.key(.char(ch))) }
        _ = model.update(.key(.enter))
        let buf = Screen.render(model)
        #expect(buf.roleGrid().joined().contains("HHHHH"))
        #expect(buf.lines().joined().contains("/revision 8"))
        _ = model.update(.key(.char("p")))
        let before = Screen.render(model).lines()
        _ = model.update(.output([LogLine(at: nil, text: "late line")]))
        let after = Screen.render(model)
        #expect(after.lines().joined().contains("paused (1 new)"))
        #expect(!after.lines().joined().contains("late line"))
        #expect(before.count == after.lines().count)
    }
}

extension ConsoleModelTests {
    /// A failed job's error: its first line (what, what was left, what next) on the single status
    /// row, and what kubectl said in the events' log, not joined onto the row.
    @Test("a failure shows its headline on the status row and kubectl's lines in the log")
    func failureHeadlineAndSaid() {
        var model = IncidentFixture.model(at: 30, size: Self.size)
        let error = HotfixError.environment("the cluster at https://10.0.0.1:6443 could not be reached (timed out), so hotfix could not read deployment/app",
                                            untouched: "nothing was changed", next: "check that the cluster is up",
                                            said: ["kubectl: no answer from the cluster in 15 s"])
        _ = model.update(.failed(error))
        #expect(model.status?.text == error.headline)
        #expect(model.log.lines.last?.text == "  kubectl: no answer from the cluster in 15 s")
    }
}
