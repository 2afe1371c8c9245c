import Foundation
import HotfixEngine
import Testing
import HotfixScreen
@testable import HotfixConsole

@Suite("Console screens against golden files")
struct ScreenGoldenTests {
    static let sizes = [Size(width: 80, height: 24), Size(width: 160, height: 48)]

    @Test("every phase, at 80x24 and 160x48", arguments: Phase.allCases)
    func phase(_ phase: Phase) throws {
        for size in Self.sizes {
            let model = IncidentFixture.model(in: phase, size: size)
            #expect(model.incident.phase == phase)
            try Golden.check(Screen.render(model), "\(phase.rawValue)-\(size.width)x\(size.height)")
        }
    }

    @Test("a phase past its target warns; past its limit it is overrun, and so is the whole incident")
    func pastTargetAndOverrun() throws {
        let fix = IncidentFixture.entered[.fix]!
        let past = IncidentFixture.model(events: 1800, now: fix + 45 * 60, size: Self.sizes[0])
        #expect(past.timing.timing(of: .fix).pace == .pastTarget)
        try Golden.check(Screen.render(past), "fix-past-target-80x24")
        let over = IncidentFixture.model(events: 1800, now: fix + 125 * 60, size: Self.sizes[0])
        #expect(over.timing.timing(of: .fix).pace == .overrun)
        #expect(over.timing.pace == .overrun)
        let buf = Screen.render(over)
        try Golden.check(buf, "fix-overrun-80x24")
        #expect(buf.lines()[0].hasSuffix("overrun"))
    }

    @Test("the DEPLOY pane shows the monitoring window: error rate against the baseline, p99, verdict, pod lines")
    func deployMonitoring() throws {
        let deployAt = 2800.0, now = 2800.0 + 150
        for size in Self.sizes {
            var model = IncidentFixture.model(events: 2800, now: now, size: size)
            _ = model.update(.monitor(IncidentFixture.monitorInputs(from: 2000, deployAt: deployAt, until: now)))
            _ = model.update(.tick(IncidentFixture.t0 + now))
            let buf = Screen.render(model)
            try Golden.check(buf, "deploy-monitoring-\(size.width)x\(size.height)")
            let text = buf.lines().joined(separator: "\n")
            #expect(text.contains("Monitoring · 3:00 left"))
            #expect(text.contains("pods 2 new · 3 old"))
        }
    }

    @Test("the DEPLOY pane names the configured monitoring window, not the workflow's 5 minutes")
    func configuredWindow() throws {
        var model = IncidentFixture.model(at: IncidentFixture.entered[.deploy]! + 20, size: Self.sizes[1])
        let workflow = Screen.render(model).lines().joined(separator: "\n")
        #expect(workflow.contains("monitor 5 min"))
        #expect(workflow.contains("monitoring window (5 min after a 30 s warm-up) and verdict"))
        model.deployWindow = 30  // hotfix demo --speed 10
        model.deployWarmup = 3
        let buf = Screen.render(model)
        try Golden.check(buf, "deploy-window-30s-160x48")
        let text = buf.lines().joined(separator: "\n")
        #expect(text.contains("Checklist, build, push, roll out, monitor 30 s"))
        #expect(text.contains("monitoring window (30 s after a 3 s warm-up) and verdict"))
        #expect(!text.contains("5 min"))
    }

    @Test("a window ended early by a rollback shows where it stopped and the journaled verdict, not a countdown")
    func windowStoppedByRollback() throws {
        let deployAt = 2800.0, stoppedAt = 2800.0 + 70
        var model = IncidentFixture.model(events: 2790, now: stoppedAt + 30, size: Self.sizes[0])
        _ = model.update(.monitor(IncidentFixture.monitorInputs(from: 2000, deployAt: deployAt, until: stoppedAt)))
        var seq = model.incident.lastSeq
        func event(_ at: Double, _ body: EventBody) -> Event {
            seq += 1
            return Event(seq: seq, at: IncidentFixture.t0 + at, body: body)
        }
        _ = model.update(.journal([
            event(2795, .deploy(DeployRecord(.baseline, .done, image: "registry.local/api:1.4.2", revision: 7))),
            event(deployAt, .deploy(DeployRecord(.setImage, .done, image: "registry.local/api:hotfix-001-api-500"))),
            event(stoppedAt, .deploy(DeployRecord(.rollout, .done, image: "registry.local/api:hotfix-001-api-500", revision: 8))),
            event(stoppedAt, .verdict(VerdictRecord(outcome: .inconclusive, reasons: [
                "window ended early, 1 min after the rollout began (of 30 s warm-up + 5 min): the operator rolled back; verdict so far PASS",
            ], windowSeconds: 40))),
            event(stoppedAt + 20, .rollback(RollbackRecord(revision: 7, image: "registry.local/api:1.4.2", outcome: .done))),
        ]))
        let buf = Screen.render(model)
        try Golden.check(buf, "deploy-stopped-80x24")
        let text = buf.lines().joined(separator: "\n")
        #expect(text.contains("Monitoring · stopped at 1:10"))
        #expect(text.contains("verdict: INCONCLUSIVE"))
        #expect(!text.contains("left"), "no countdown for a window that is over")
        #expect(text.contains("rollback"))
    }

    @Test("in CLOSE the help bar says what enter does: finish before, the report once merged, tagged and pushed")
    func closeHelpBar() throws {
        var model = IncidentFixture.model(at: IncidentFixture.entered[.close]! + 75, size: Self.sizes[0])
        #expect(Screen.render(model).lines().last?.contains("enter finish") == true)
        let push = Event(seq: model.incident.lastSeq + 1, at: IncidentFixture.t0 + 3690,
                         body: .git(GitRecord(step: .push, target: "origin", outcome: .done)))
        _ = model.update(.journal([push]))
        let buf = Screen.render(model)
        try Golden.check(buf, "close-finished-80x24")
        let bar = buf.lines().last ?? ""
        #expect(bar.contains("enter/R report"), "\(bar)")
        #expect(!bar.contains("finish"), "\(bar)")
        #expect(model.update(.key(.enter)) == [.start(.report)], "and enter does write the report")
    }

    @Test("finish asks y/n under its plan in the log; the help bar says what each answer does")
    func confirmPrompt() throws {
        for size in Self.sizes {
            var model = IncidentFixture.model(at: IncidentFixture.entered[.close]! + 20, size: size)
            #expect(model.update(.key(.enter)) == [.plan(.finish)])
            _ = model.update(.output([
                LogLine(at: IncidentFixture.t0 + 3640, text: "▶ $ hotfix finish --dry-run --incident 001-api-500"),
                LogLine(at: nil, text: "  │   $ git push --atomic --porcelain origin refs/heads/main:refs/heads/main"),
                LogLine(at: nil, text: "  │ push origin                   planned  (dry run)"),
            ]))
            _ = model.update(.confirm(.finish, question: "Finish: merge into main, tag, push, delete the branch?"))
            _ = model.update(.activity(nil))
            let buf = Screen.render(model)
            try Golden.check(buf, "close-confirm-\(size.width)x\(size.height)")
            #expect(buf.lines().joined().contains("delete the branch? [y/N]"))
        }
    }

    @Test("the ? overlay lists every binding, opened at FIX's keys in FIX; on a short terminal it scrolls both ways")
    func helpOverlay() throws {
        for size in Self.sizes {
            var model = IncidentFixture.model(in: .fix, size: size)
            _ = model.update(.key(.char("?")))
            let buf = Screen.render(model)
            try Golden.check(buf, "help-\(size.width)x\(size.height)")
            #expect(buf.lines()[1].contains("FIX phase"), "opened at the keys of where ? was pressed")
            var text = buf.lines().joined(separator: "\n")
            for key in Array(repeating: Key.down, count: 80) + Array(repeating: Key.up, count: 80) {
                _ = model.update(.key(key))
                text += Screen.render(model).lines().joined(separator: "\n")
            }
            #expect(size.height > 24 || text.contains("↑ ↓ scroll"))
            #expect(text.contains("CLOSE phase"), "the last groups are reachable")
            for binding in model.keyMap.bindings {
                #expect(text.contains(binding.keyLabel), "the overlay misses \(binding.keyLabel)")
            }
        }
    }

    @Test("below 80x24 the screen says so, and recovers when enlarged")
    func tooSmall() throws {
        var model = IncidentFixture.model(in: .deploy, size: Size(width: 60, height: 20))
        let small = Screen.render(model)
        try Golden.check(small, "too-small-60x20")
        #expect(small.lines().joined().contains("terminal too small: need 80x24, have 60x20"))
        _ = model.update(.resize(Size(width: 80, height: 24)))
        #expect(!Screen.render(model).lines().joined().contains("too small"))
    }

    @Test("a checklist with passed, failed, waived and open items shows evidence and the reason")
    func checklistWithWaiver() throws {
        for size in Self.sizes {
            var model = IncidentFixture.model(at: 2500, size: size)
            _ = model.update(.key(.down))
            _ = model.update(.key(.down))
            _ = model.update(.key(.down))
            let buf = Screen.render(model)
            try Golden.check(buf, "checklist-waived-\(size.width)x\(size.height)")
            let text = buf.lines().joined(separator: "\n")
            #expect(text.contains("[~] Logging added"))
            #expect(text.contains("reason: the error path already logs at WARN"))
            #expect(text.contains("evidence: mypy: 2 errors in app/users.py"))
        }
    }
}
