import Foundation
import Testing
@testable import HotfixEngine

/// A journal written by release 0.1.0 (before step names and outcomes were typed) still replays,
/// and every line is written back byte for byte. `scripts/make-journal-fixture` made it: every
/// event type, a deploy with its verdict and a rollback, backports with conflicts (one skipped,
/// one overridden at finish), GitHub and Telegram notifications (one queued, then sent).
@Suite("Journal written by release 0.1.0")
struct JournalReplayTests {
    static func lines() throws -> [ArraySlice<UInt8>] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/journal-0.1.0.jsonl")
        let bytes = Array(try Data(contentsOf: url))
        return bytes.split(separator: 0x0A)
    }

    static func events() throws -> [Event] {
        try lines().map { line in
            guard case .event(let e) = EventCodec.decode(line: line) else { throw HotfixError.environment("a line does not decode") }
            return e
        }
    }

    @Test("every line decodes and is encoded again to the same bytes")
    func sameJSON() throws {
        let lines = try Self.lines()
        #expect(lines.count == 91)
        for line in lines {
            guard case .event(let event) = EventCodec.decode(line: line) else {
                Issue.record("does not decode: \(String(decoding: line, as: UTF8.self))"); continue
            }
            let again = try EventCodec.line(event).dropLast()  // without the newline
            #expect(Array(again) == Array(line), "\(String(decoding: line, as: UTF8.self))")
        }
        let types = Set(try Self.events().map(\.type))
        #expect(types == ["started", "assessed", "phase", "override", "check", "note", "command", "git", "deploy", "verdict",
                          "rollback", "notification", "artifact", "warning", "changes"], "every event type is in the fixture")
    }

    @Test("the replayed state is the incident as it ended")
    func replayedState() throws {
        let s = try #require(IncidentState.replay(try Self.events()))
        #expect(s.id.rawValue == "001-api-500" && s.severity == .p0 && s.issue == 42)
        #expect(s.isClosed && s.closedAt != nil)
        #expect(s.visits.map(\.phase) == Phase.allCases)
        #expect(s.assessment.hypothesis == "repo.find returns None")
        #expect(s.notes.map(\.text) == ["paged the payments team"])
        #expect(s.checklist[.loggingAdded]?.status == .waived && s.checklist[.loggingAdded]?.reason == "the caller logs the 404")
        #expect(s.checklist[.testsPass]?.status == .passed && s.checklist[.testsPass]?.source == .auto)
        #expect(s.warnings.map(\.warning.source) == [.phase], "hotfix test run in FIX")

        // Tests and git commands, typed.
        let smoke = try #require(s.commands.last { $0.run.step == .smoke }?.run)
        #expect(smoke.passed == 3 && smoke.exitCode == 0 && smoke.step.isTest)
        #expect(s.commands.contains { $0.run.step == .mergeMain } && s.commands.contains { $0.run.step == .build })

        // Backports: two merged, one skipped with its reason, one conflict left (overridden at finish).
        #expect(s.backports["develop"]?.outcome == .merged && s.backports["feature/search"]?.outcome == .merged)
        #expect(s.backports["feature/old"]?.outcome == .skipped && s.backports["feature/old"]?.detail == "abandoned branch")
        let conflict = try #require(s.backports["feature/conflict"])
        #expect(conflict.outcome == .conflict && conflict.files == ["app/users.py"] && !conflict.isHandled)
        #expect(s.backportsChecked)
        #expect(s.overrides.filter { $0.override.rule == .backports }.count == 2, "at finish, and leaving BACKPORT")
        #expect(s.overrides.contains { $0.override.rule == .monitoring } == false)
        #expect(s.tag?.name == "hotfix-001-api-500" && s.tag?.sha != nil)
        #expect(s.isFinished)
        #expect(s.gitSteps.contains { $0.record.step == .deleteBranch && $0.record.outcome == .done })

        // DEPLOY: the baseline, the rollout, the verdict, the rollback.
        #expect(s.deploySteps.map(\.record.step) == [.baseline, .setImage, .rollout])
        #expect(s.deploySteps.first?.record.revision == 1)
        #expect(s.deployedAt != nil)
        #expect(s.verdict?.outcome == .pass && s.verifiedAt != nil)
        #expect(s.rollbacks.map(\.record.outcome) == [.done] && s.rollbacks.first?.record.revision == 1)

        // Notifications: Telegram through the script, GitHub through gh (one queued, then sent by sync).
        let sent = Set(s.notifications.filter { $0.record.status == .sent }.map { $0.record.key })
        #expect(sent.isSuperset(of: ["telegram/started", "telegram/deployed", "telegram/verdict", "telegram/complete",
                                     "github/comment-deploy", "github/comment-close", "github/close", "github/action-1"]))
        #expect(s.notifications.contains { $0.record.kind == .comment(.deploy) && $0.record.status == .queued })
        #expect(s.notifications.contains { $0.record.kind == .action(5) })
        #expect(s.outbox.isEmpty)

        // CLOSE's documents.
        #expect(s.artifacts[.report] == "docs/hotfix/001-api-500/report.md")
        #expect(s.artifacts[.postmortem] == "docs/hotfix/001-api-500/postmortem.md")
        #expect(s.postmortemDoneAt != nil)
        #expect(s.changes?.files.map(\.path) == ["app/users.py"])
    }

    @Test("a value from a newer writer is kept as written and never taken for a known one")
    func unknownValues() throws {
        let line = #"{"at":"2026-12-03T11:10:00.000Z","mono":1,"payload":{"outcome":"rebased","step":"backport","target":"feature/x"},"seq":92,"type":"git","v":1}"#
        guard case .event(let event) = EventCodec.decode(line: Array(line.utf8)) else { Issue.record("does not decode"); return }
        guard case .git(let record) = event.body else { Issue.record("not a git event"); return }
        #expect(record.outcome == .unrecognized("rebased"))
        #expect(!record.outcome.isHandled && !record.outcome.isDone)
        #expect(String(decoding: try EventCodec.line(event).dropLast(), as: UTF8.self) == line, "written back as read")
        var s = try #require(IncidentState.replay(try Self.events()))
        s.apply(event)
        #expect(s.backports["feature/x"]?.isHandled == false, "an unknown outcome leaves the target open")

        let newer = #"{"at":"2026-12-03T11:10:01.000Z","mono":1,"payload":{"attempt":1,"channel":"slack","kind":"paged","status":"queued","text":"x"},"seq":93,"type":"notification","v":1}"#
        guard case .event(let n) = EventCodec.decode(line: Array(newer.utf8)), case .notification(let rec) = n.body else {
            Issue.record("does not decode"); return
        }
        #expect(rec.channel == .unrecognized("slack") && rec.kind == .unrecognized("paged") && rec.status == .queued)
        s.apply(n)
        #expect(s.outbox.map(\.key) == ["slack/paged"], "kept in the outbox for a hotfix that knows it")
        #expect(NotificationKind(name: "comment-deploy") == .comment(.deploy) && NotificationKind(name: "action-07") == .unrecognized("action-07"))

        // A verdict this build cannot judge by is kept, and does not count as a PASS.
        for (line, check) in [
            (#"{"at":"2026-12-03T11:10:02.000Z","mono":1,"payload":{"numbers":{},"outcome":"GOOD ENOUGH","reasons":[],"windowSeconds":300},"seq":94,"type":"verdict","v":1}"#,
             { (b: EventBody) in if case .verdict(let v) = b { v.outcome == .unrecognized("GOOD ENOUGH") && v.outcome.verdict == nil && !v.outcome.isStable } else { false } }),
            (#"{"at":"2026-12-03T11:10:03.000Z","mono":1,"payload":{"automatic":false,"image":"r/app:1","outcome":"failed: timed out","revision":1},"seq":95,"type":"rollback","v":1}"#,
             { (b: EventBody) in if case .rollback(let r) = b { r.outcome == .failed("timed out") } else { false } }),
            (#"{"at":"2026-12-03T11:10:04.000Z","mono":1,"payload":{"image":"r/app:2","outcome":"paused","step":"canary"},"seq":96,"type":"deploy","v":1}"#,
             { (b: EventBody) in if case .deploy(let d) = b { d.step == .unrecognized("canary") && d.outcome == .unrecognized("paused") } else { false } }),
        ] {
            guard case .event(let e) = EventCodec.decode(line: Array(line.utf8)) else { Issue.record("does not decode: \(line)"); continue }
            #expect(check(e.body), "\(e.body)")
            #expect(String(decoding: try EventCodec.line(e).dropLast(), as: UTF8.self) == line, "written back as read")
        }
    }
}
