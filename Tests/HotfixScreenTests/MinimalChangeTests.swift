import Foundation
import HotfixEngine
@testable import HotfixScreen
import Testing

/// The minimal-change summary beside the checklist: each rule with what the fix did.
@Suite struct MinimalChangeTests {
    func state(_ files: [ChangeSet.File]) -> IncidentState {
        let t0 = Date(timeIntervalSince1970: 1_795_000_000)
        var s = IncidentState(started: Started(id: try! IncidentID("001-api-500"), title: "API 500", severity: .p0,
                                               detectedAt: t0, budgets: .workflow), at: t0)
        s.apply(Event(seq: 2, at: t0, body: .changes(ChangeSet(base: "a", head: "b", files: files, commits: []))))
        return s
    }

    func lines(_ rows: [PaneRow]) -> [String] { rows.map { "\($0.glyph ?? " ") \($0.text) | \($0.right)" } }

    @Test func aOneFileFixMeetsEveryRule() {
        let rows = PhaseSteps.minimalChange(state([.init(path: "app/users.py", added: 4, removed: 1, summary: "Fix", isNew: false)]))
        #expect(lines(rows) == ["✓ 1 file, +4 −1 lines | ONE file if possible", "✓ no new file | NO new abstractions",
                                "✓ no manifest touched | NO new dependencies"])
    }

    @Test func extraFilesNewFilesAndManifestsAreFlagged() {
        let rows = PhaseSteps.minimalChange(state([
            .init(path: "app/users.py", added: 4, removed: 1, summary: "Fix", isNew: false),
            .init(path: "app/cache.py", added: 30, removed: 0, summary: "Fix", isNew: true),
            .init(path: "requirements.txt", added: 1, removed: 0, summary: "Fix", isNew: false),
        ]))
        #expect(lines(rows) == ["! 3 files, +35 −1 lines | ONE file if possible", "! new: app/cache.py | NO new abstractions",
                                "! manifests: requirements.txt | NO new dependencies"])
    }
}
