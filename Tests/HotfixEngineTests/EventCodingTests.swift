import Foundation
import Testing
@testable import HotfixEngine

@Suite struct EventCodingTests {
    static let bodies: [EventBody] = [
        .started(Started(id: try! IncidentID("001-api-500"), title: "API 500", severity: .p1, detectedAt: t0, budgets: .workflow, issue: 42)),
        .assessed(Assessment(broken: "b", impact: nil, hypothesis: "h")),
        .phaseChanged(PhaseChange(from: .test, to: .deploy, overrides: [GuardrailOverride(rule: .checklist, reason: "CI/CD", action: "next", message: "m")])),
        .phaseChanged(PhaseChange(from: .close, to: nil)),
        .overridden(GuardrailOverride(rule: .backports, reason: "r", action: "finish", message: "m")),
        .checked(Check(item: .noNewDeps, status: .failed, evidence: "requests added", source: .auto, commit: "abc")),
        .noted(Note(text: "quote \" and newline \n and emoji 🚒")),
        .commandRan(CommandRun(phase: .test, step: "smoke", argv: ["pytest", "-v"], exitCode: 1, seconds: 2.5, passed: 3, failed: 1, outputTail: ["E boom"])),
        .git(GitRecord(step: "backport", target: "feature/a", outcome: "conflict", files: ["a.py"])),
        .deploy(DeployRecord(step: "set-image", outcome: "done", image: "r/app:hotfix-1", revision: 5)),
        .verdict(VerdictRecord(outcome: "FAIL", reasons: ["new error"], windowSeconds: 300, numbers: ["errorRate": 0.1])),
        .rollback(RollbackRecord(revision: 4, image: "r/app:1", outcome: "done", automatic: true)),
        .notification(NotificationRecord(channel: "telegram", kind: "deployed", status: "failed", attempt: 2, detail: "HTTP 502")),
        .artifact(Artifact(kind: "report", path: "docs/hotfix/001/report.md")),
        .warning(Warning(source: "fix", message: "2 files changed")),
        .changes(ChangeSet(base: "a", head: "b", files: [.init(path: "app.py", added: 3, removed: 1, summary: "Fix: null")], commits: ["b Fix: null"])),
        .notification(NotificationRecord(channel: "github", kind: "close", status: "queued", text: "Fixed in hotfix-1", target: "42")),
    ]

    @Test(arguments: bodies)
    func everyEventTypeRoundTripsThroughOneLine(_ body: EventBody) throws {
        let event = Event(seq: 7, at: t0 + 0.1234, mono: 12.5, body: body)
        let line = try EventCodec.line(event)
        #expect(line.last == 0x0A)
        #expect(line.dropLast().firstIndex(of: 0x0A) == nil, "one event is exactly one line")
        guard case .event(let back) = EventCodec.decode(line: line.dropLast()) else {
            Issue.record("did not decode: \(String(decoding: line, as: UTF8.self))"); return
        }
        #expect(back == event)
        #expect(Durations.iso(back.at).hasSuffix(".123Z"), "millisecond precision")
    }

    @Test func newerSchemaAndGarbageAreReportedNotCrashed() {
        let newer = #"{"v":99,"seq":1,"at":"2026-11-26T10:00:00.000Z","mono":0,"type":"note","payload":{"text":"x"}}"#
        guard case .invalid(let why) = EventCodec.decode(line: Array(newer.utf8)) else { Issue.record("accepted"); return }
        #expect(why.contains("newer"))
        guard case .invalid = EventCodec.decode(line: Array("{\"v\":1,".utf8)) else { Issue.record("accepted"); return }
        guard case .invalid = EventCodec.decode(line: Array(#"{"v":1,"seq":1,"at":"2026-11-26T10:00:00.000Z","type":"alien","payload":{}}"#.utf8)) else { Issue.record("accepted"); return }
    }

    @Test func whenParsing() throws {
        let now = t0
        #expect(try Durations.parseWhen("15m ago", now: now) == now - 900)
        #expect(try Durations.parseWhen("1h30m ago", now: now) == now - 5400)
        #expect(try Durations.parseWhen("2026-11-26T09:40:00Z", now: now) == Durations.parseISO("2026-11-26T09:40:00Z"))
        #expect(throws: HotfixError.self) { try Durations.parseWhen("yesterday-ish", now: now) }
    }
}
