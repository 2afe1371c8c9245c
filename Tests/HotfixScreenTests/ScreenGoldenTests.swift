import Foundation
import HotfixEngine
import Testing
@testable import HotfixScreen

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
            #expect(text.contains("pods 2 new, 3 old"))
        }
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

    @Test("the ? overlay lists every binding; on a short terminal it scrolls")
    func helpOverlay() throws {
        for size in Self.sizes {
            var model = IncidentFixture.model(in: .fix, size: size)
            _ = model.update(.key(.char("?")))
            let buf = Screen.render(model)
            try Golden.check(buf, "help-\(size.width)x\(size.height)")
            var text = buf.lines().joined(separator: "\n")
            for _ in 0..<40 {
                _ = model.update(.key(.down))
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
