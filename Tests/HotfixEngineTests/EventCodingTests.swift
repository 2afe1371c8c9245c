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
        .commandRan(CommandRun(phase: .test, step: .smoke, argv: ["pytest", "-v"], exitCode: 1, seconds: 2.5, passed: 3, failed: 1, outputTail: ["E boom"])),
        .git(GitRecord(step: .backport, target: "feature/a", outcome: .conflict, files: ["a.py"])),
        .deploy(DeployRecord(.setImage, .done, image: "r/app:hotfix-1", revision: 5)),
        .verdict(VerdictRecord(outcome: .fail, reasons: ["new error"], windowSeconds: 300, numbers: ["errorRate": 0.1])),
        .rollback(RollbackRecord(revision: 4, image: "r/app:1", outcome: .done, automatic: true)),
        .notification(NotificationRecord(channel: .telegram, kind: .deployed, status: .failed, attempt: 2, detail: "HTTP 502")),
        .artifact(Artifact(kind: .report, path: "docs/hotfix/001/report.md")),
        .warning(Warning(source: .unrecognized("fix"), message: "2 files changed")),
        .changes(ChangeSet(base: "a", head: "b", files: [.init(path: "app.py", added: 3, removed: 1, summary: "Fix: null")], commits: ["b Fix: null"])),
        .notification(NotificationRecord(channel: .github, kind: .close, status: .queued, text: "Fixed in hotfix-1", target: "42")),
        .assessed(Assessment(target: "AttributeError: 'NoneType' object has no attribute 'id'")),
        .deploy(DeployRecord(.baseline, .done, image: "r/app:1", revision: 4, detail: "selector app=api", commit: "abc123", commits: ["abc123 Fix: null"])),
        .deploy(DeployRecord(.rollout, .stopped, image: "r/app:hotfix-1", detail: "stopped 6 s after set image: the window failed at once")),
        .retried(RetryRecord(attempt: 2, after: .fail)),
        .retried(RetryRecord(attempt: 1, after: nil)),
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

    @Test func journalTimesAreWrittenAsCalendarArithmeticWouldWriteThem() {
        // The reference: Foundation's calendar in UTC (what the journal used to call per event).
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "UTC")!
        var state: UInt64 = 3
        for k in 0..<3_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            // From 1901 to 2099 and a few fixed edges: leap days, the epoch, just before it.
            let edges: [Double] = [0, -0.0004, -1, 951_782_400, 4_107_542_399.9996, 1_796_083_199.5]
            let t = k < edges.count ? edges[k] : Double(Int64(state >> 33) % 6_200_000_000_000 - 2_200_000_000_000) / 1000
            let ms = Int64((t * 1000).rounded())
            let whole = ms >= 0 ? ms / 1000 : (ms - 999) / 1000
            let c = cal.dateComponents([.year, .month, .day, .hour, .minute, .second], from: Date(timeIntervalSince1970: Double(whole)))
            let want = String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!,
                              Int(ms - whole * 1000))
            #expect(Durations.iso(Date(timeIntervalSince1970: t)) == want, "\(t)")
            let s = cal.dateComponents([.year, .month, .day, .hour, .minute, .second], from: Date(timeIntervalSince1970: t.rounded(.down)))
            #expect(Durations.isoSeconds(Date(timeIntervalSince1970: t))
                    == String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", s.year!, s.month!, s.day!, s.hour!, s.minute!, s.second!))
        }
    }
}
