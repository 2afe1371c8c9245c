import Foundation
import Testing
@testable import HotfixEngine

/// The report and the post-mortem of a scripted incident with a fixed clock, against golden files.
/// Re-record with HOTFIX_RECORD=1 swift test --filter CloseDocumentTests, then read the diff.
@Suite struct CloseDocumentTests {
    static let goldenDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden").path

    func golden(_ name: String, _ actual: String) {
        let path = Self.goldenDir + "/" + name
        if ProcessInfo.processInfo.environment["HOTFIX_RECORD"] == "1" {
            try? actual.write(toFile: path, atomically: true, encoding: .utf8)
            return
        }
        let expected = (try? String(contentsOfFile: path, encoding: .utf8)) ?? "<missing golden file \(name)>"
        #expect(actual == expected, "differs from Golden/\(name); rerun with HOTFIX_RECORD=1 to re-record after checking")
    }

    /// A whole incident as the journal would hold it: 09:00 detected, 09:10 started, every phase.
    static func incident() throws -> Scripted {
        let start = Durations.parseISO("2026-11-26T09:10:00Z")!
        var s = Scripted(at: start)
        s.state.detectedAt = start - 600
        func at(_ minutes: Double) -> Date { start + minutes * 60 }
        try s.perform(.assess(Assessment(broken: "GET /users/{id} returns 500 for deleted users", impact: "all API clients, ~30% of /users requests",
                                         hypothesis: "repository returns None and get_user dereferences it")), at: at(3))
        try s.perform(.advance(override: nil), at: at(4.2))
        s.record(.git(GitRecord(step: .branch, target: "hotfix/001-api-500", outcome: .done, sha: "1111111111aaaa")), at: at(5))
        try s.perform(.advance(override: nil), at: at(5.5))
        s.record(.warning(Warning(source: .unrecognized("fix"), message: "2 files changed (rule: ONE file if possible)")), at: at(20))
        try s.perform(.advance(override: nil, fix: committedFix), at: at(31))
        s.record(.commandRan(CommandRun(phase: .test, step: .smoke, argv: ["pytest", "tests/integration", "-m", "smoke", "-v"],
                                        exitCode: 0, seconds: 3.4, passed: 12, failed: 0)), at: at(35))
        s.passAll(at: at(40))
        try s.perform(.check(Check(item: .typeHints, status: .waived, reason: "only a JSON fixture changed besides users.py")), at: at(41))
        try s.perform(.advance(override: nil), at: at(42))
        s.record(.deploy(DeployRecord(.setImage, .done, image: "registry/app:hotfix-001-api-500", revision: 5)), at: at(50))
        s.record(.deploy(DeployRecord(.rollout, .done, image: "registry/app:hotfix-001-api-500", revision: 5)), at: at(52))
        s.record(.verdict(VerdictRecord(outcome: .pass, reasons: ["targeted error dropped 100% (6.1% → 0.0%, p < 0.001)", "p99 182 ms (baseline 190 ms)", "no new error templates"],
                                        windowSeconds: 300, numbers: ["errorRate": 0, "baselineErrorRate": 0.061])), at: at(57))
        try s.perform(.advance(override: nil), at: at(58))
        s.record(.git(GitRecord(step: .backport, target: "develop", outcome: .merged, sha: "2222222222")), at: at(60))
        s.record(.git(GitRecord(step: .backport, target: "feature/billing", outcome: .merged, sha: "3333333333")), at: at(60.5))
        s.record(.git(GitRecord(step: .backport, target: "feature/search", outcome: .conflict, files: ["app/users.py"])), at: at(61))
        s.record(.git(GitRecord(step: .backport, target: "feature/search", outcome: .merged, sha: "4444444444")), at: at(72))
        try s.perform(.advance(override: nil), at: at(73))
        s.record(.changes(ChangeSet(base: "1111111111aaaa", head: "5555555555", files: [
            .init(path: "app/users.py", added: 4, removed: 1, summary: "Fix: handle None from repo"),
            .init(path: "tests/fixtures/users.json", added: 3, removed: 0, summary: "Fix: handle None from repo"),
        ], commits: ["5555555 Fix: handle None from repo"])), at: at(74))
        s.record(.git(GitRecord(step: .tag, target: "hotfix-001-api-500", outcome: .done, sha: "6666666666abcdef")), at: at(75))
        s.record(.git(GitRecord(step: .deleteBranch, target: "hotfix/001-api-500", outcome: .done)), at: at(76))
        try s.perform(.advance(override: nil), at: at(77))
        return s
    }

    @Test func reportMatchesGolden() throws {
        let s = try Self.incident()
        let facts = CloseFacts(state: s.state, now: s.state.closedAt! + 60)
        let report = Report.markdown(facts)
        golden("report.md", report)
        #expect(report.hasPrefix("## ✅ Hotfix Complete: 001-API-500"))
        #expect(report.contains("**Time to Fix:** 1 hours 7 min"), "09:00 detected → 10:07 verified stable")
        #expect(report.contains("feature/search: conflict (app/users.py), resolved by hand at 10:22"))
    }

    @Test func postmortemMatchesGoldenAndCarriesTheWholeTimeline() throws {
        let s = try Self.incident()
        let facts = CloseFacts(state: s.state, now: s.state.closedAt! + 60)
        let pm = Postmortem.markdown(facts, events: s.events)
        golden("postmortem.md", pm)
        for entry in Timeline.entries(s.events) {
            #expect(pm.contains("\(Durations.hhmm(entry.at)) \(MD.cell(entry.summary))"), "missing from the post-mortem: \(entry.summary)")
        }
        #expect(pm.contains("- 09:00 Issue detected"))
        #expect(pm.contains("- 09:10 Hotfix started"))
        #expect(pm.contains("- 10:02 Fix deployed"))
        #expect(pm.contains("- 10:07 Verified stable"))
        #expect(pm.contains("- [ ] Follow up on fix warning: 2 files changed"))
    }

    @Test func anUnfinishedIncidentSaysWhatDidNotHappen() {
        var s = Scripted()
        s.record(.git(GitRecord(step: .backport, target: "develop", outcome: .conflict, files: ["a.py"])), at: t0 + 60)
        let report = Report.markdown(CloseFacts(state: s.state, now: t0 + 120))
        #expect(report.hasPrefix("## ⏳ Hotfix In Progress"))
        #expect(report.contains("| – | no changes recorded |"))
        #expect(report.contains("- ❌ Production: not deployed"))
        #expect(report.contains("- ❌ develop: conflict in a.py, not resolved"))
        #expect(report.contains("- Tag: `hotfix-001-api-500` (not created)"))
        #expect(report.contains("(not deleted)"))
        #expect(report.contains("- ❌ Smoke tests: no test run recorded"))
        #expect(report.contains("- ❌ Production not monitored yet"))
    }

    @Test func anOverrideShowsAsADeviationWithItsReason() throws {
        var s = Scripted()
        for i in 1...4 { try s.perform(.advance(override: i == 4 ? "deploying through CI/CD" : nil, fix: i == 3 ? committedFix : nil), at: t0 + Double(i) * 60) }
        let report = Report.markdown(CloseFacts(state: s.state, now: t0 + 600))
        #expect(report.contains("### Deviations"))
        #expect(report.contains("Guardrail 'checklist' overridden (next TEST → DEPLOY): deploying through CI/CD"))
    }
}
