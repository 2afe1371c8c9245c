import Foundation
import HotfixEngine
import Testing
@testable import HotfixScreen

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

    @Test("t runs the tests from the TEST view, once at a time, and the status row shows progress")
    func runTests() {
        var model = IncidentFixture.model(at: 2000, size: Self.size)
        #expect(model.update(.key(.char("t"))) == [.runTests])
        #expect(model.update(.key(.char("t"))).isEmpty, "a second run waits for the first")
        #expect(model.status?.text.contains("already running") == true)
        _ = model.update(.key(.down))
        _ = model.update(.activity("running smoke: pytest -q"))
        _ = model.update(.output([LogLine(at: nil, text: "  │ 3 passed")]))
        let text = Screen.render(model).lines().joined(separator: "\n")
        #expect(text.contains("▶ running smoke: pytest -q"))
        #expect(text.contains("│ 3 passed"))
        _ = model.update(.activity(nil))
        #expect(model.update(.key(.char("t"))) == [.runTests])
        var assess = IncidentFixture.model(at: 30, size: Self.size)
        #expect(assess.update(.key(.char("t"))).isEmpty, "t means nothing outside the TEST view")
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

@Suite("Cell buffer")
struct CellBufferTests {
    @Test("CJK and emoji take two cells; a wide character cut at the edge becomes a space")
    func wideCharacters() {
        var buf = CellBuffer(width: 6, height: 1)
        let used = buf.put("東京🔥x", x: 0, y: 0, role: .normal)
        #expect(used == 6)
        #expect(buf.lines() == ["東京🔥"])
        #expect(buf[1, 0].isContinuation)
        var edge = CellBuffer(width: 3, height: 1)
        edge.put("a東京", x: 0, y: 0, role: .normal)
        #expect(edge.lines() == ["a東"])
        edge.put("東", x: 2, y: 0, role: .normal)
        #expect(edge.lines() == ["a"])
        #expect(DisplayWidth.of("é") == 1)
        #expect(DisplayWidth.of("ä̀") == 1)
        #expect(DisplayWidth.of("❤️") == 2)
    }

    @Test("constraints split space: lengths first, then fills by weight")
    func layout() {
        let parts = Rect(x: 0, y: 0, width: 100, height: 1).split(.horizontal, [.length(25), .fill(1), .fill(3), .percentage(10)])
        #expect(parts.map(\.width) == [25, 16, 49, 10], "the rounding remainder goes to the last fill")
        #expect(parts.map(\.x) == [0, 25, 41, 90])
    }
}
