import Foundation
import HotfixEngine
import HotfixRuntime
import HotfixTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite struct JournalTests {
    let t0 = Date(timeIntervalSince1970: 1_795_000_000)

    func started(_ id: String = "001-api-500") -> EventBody {
        .started(Started(id: try! IncidentID(id), title: "API 500", severity: .p0, detectedAt: t0, budgets: .workflow))
    }

    @Test func appendsReplaysAndNumbersEvents() throws {
        let dir = TempDir()
        let journal = JournalFile(directory: dir.path + "/001")
        let clock = ManualClock(t0)
        try journal.transact(clock: clock) { _ in [started()] }
        clock.advance(by: 61)
        let written = try journal.transact(clock: clock) { state in
            #expect(state?.id.rawValue == "001-api-500")
            return [.noted(Note(text: "a")), .noted(Note(text: "b"))]
        }
        #expect(written.map(\.seq) == [2, 3])
        let contents = try journal.read()
        #expect(contents.problems.isEmpty)
        #expect(contents.events.map(\.seq) == [1, 2, 3])
        #expect(contents.events[1].at == t0 + 61)
        #expect(IncidentState.replay(contents.events)?.notes.map(\.text) == ["a", "b"])
    }

    @Test func aRefusedDecisionWritesNothing() throws {
        let dir = TempDir()
        let journal = JournalFile(directory: dir.path + "/001")
        try journal.transact(clock: ManualClock(t0)) { _ in [started()] }
        let before = try String(contentsOfFile: journal.path, encoding: .utf8)
        #expect(throws: HotfixError.self) {
            try journal.transact(clock: ManualClock(t0)) { _ throws(HotfixError) in throw HotfixError.refused("no") }
        }
        #expect(try String(contentsOfFile: journal.path, encoding: .utf8) == before)
    }

    func appendRaw(_ journal: JournalFile, _ events: [Event]) throws {
        let handle = FileHandle(forWritingAtPath: journal.path)!
        handle.seekToEndOfFile()
        for event in events { handle.write(Data(try EventCodec.line(event))) }
        try handle.close()
    }

    /// A writer keeps its replayed state between transactions; what another process appended
    /// in between must still reach its next decision, and numbering must go on from it.
    @Test func eventsAppendedByAnotherProcessReachTheNextDecision() throws {
        let dir = TempDir()
        let journal = JournalFile(directory: dir.path + "/001")
        let clock = ManualClock(t0)
        try journal.transact(clock: clock) { _ in [started(), .noted(Note(text: "mine"))] }
        try appendRaw(journal, [Event(seq: 3, at: t0 + 5, body: .noted(Note(text: "from another terminal")))])
        let written = try journal.transact(clock: clock) { state in
            #expect(state?.notes.map(\.text) == ["mine", "from another terminal"])
            return [.noted(Note(text: "mine again"))]
        }
        #expect(written.map(\.seq) == [4])
        #expect(try journal.read().events.map(\.seq) == [1, 2, 3, 4])
    }

    /// A journal moved aside and started again under the same path is read whole, not patched.
    @Test func aJournalReplacedUnderTheSamePathIsReadWhole() throws {
        let dir = TempDir()
        let journal = JournalFile(directory: dir.path + "/001")
        let clock = ManualClock(t0)
        try journal.transact(clock: clock) { _ in [started(), .noted(Note(text: "old"))] }
        try FileManager.default.moveItem(atPath: journal.path, toPath: journal.directory + "/journal.old")
        #expect(FileManager.default.createFile(atPath: journal.path, contents: nil))
        try appendRaw(journal, [Event(seq: 1, at: t0, body: started("002-other"))]
                       + (2...6).map { Event(seq: $0, at: t0 + Double($0), body: .noted(Note(text: "new \($0)"))) })
        let written = try journal.transact(clock: clock) { state in
            #expect(state?.id.rawValue == "002-other")
            #expect(state?.notes.count == 5)
            return [.noted(Note(text: "next"))]
        }
        #expect(written.map(\.seq) == [7])
    }

    /// A journal edited in place to the same size (a hand fix of a typo) is read again too.
    @Test func aJournalEditedInPlaceIsReadAgain() throws {
        let dir = TempDir()
        let journal = JournalFile(directory: dir.path + "/001")
        let clock = ManualClock(t0)
        try journal.transact(clock: clock) { _ in [started(), .noted(Note(text: "paged teh team"))] }
        usleep(20_000)
        let text = try String(contentsOfFile: journal.path, encoding: .utf8)
        let handle = FileHandle(forWritingAtPath: journal.path)!
        handle.write(Data(text.replacingOccurrences(of: "teh", with: "the").utf8))
        try handle.close()
        try journal.transact(clock: clock) { state in
            #expect(state?.notes.map(\.text) == ["paged the team"])
            return []
        }
    }

    @Test func aTornLastLineIsReportedSkippedAndKeptAside() throws {
        let dir = TempDir()
        let journal = JournalFile(directory: dir.path + "/001")
        let clock = ManualClock(t0)
        try journal.transact(clock: clock) { _ in [started(), .noted(Note(text: "before the crash"))] }
        // A crash mid-write: half a line, no newline.
        let handle = FileHandle(forWritingAtPath: journal.path)!
        handle.seekToEndOfFile()
        handle.write(Data(#"{"v":1,"seq":3,"at":"2026-11-26T10:0"#.utf8))
        try handle.close()

        let read = try journal.read()
        #expect(read.events.count == 2)
        #expect(read.problems.count == 1)
        #expect(read.problems[0].contains("incomplete"))

        // The next writer repairs the tail, keeps the torn bytes aside, and numbers on from 3.
        let next = try journal.transact(clock: clock) { _ in [.noted(Note(text: "after"))] }
        #expect(next.map(\.seq) == [3])
        let after = try journal.read()
        #expect(after.problems.isEmpty)
        #expect(after.events.map(\.seq) == [1, 2, 3])
        let aside = try FileManager.default.contentsOfDirectory(atPath: journal.directory).filter { $0.hasPrefix("journal.torn-") }
        #expect(aside.count == 1)
        #expect(try String(contentsOfFile: journal.directory + "/" + aside[0], encoding: .utf8).hasPrefix(#"{"v":1,"seq":3"#))
    }

    @Test func aSecondWriterWaitsThenNamesTheHolder() throws {
        let dir = TempDir()
        var journal = JournalFile(directory: dir.path + "/001", lockTimeout: 0.3)
        try journal.transact(clock: ManualClock(t0)) { _ in [started()] }
        // Hold the lock through another open file description, as another process would.
        let fd = open(journal.directory + "/journal.lock", O_RDWR)
        #expect(fd >= 0)
        defer { close(fd) }
        #expect(flock(fd, LOCK_EX | LOCK_NB) == 0)
        _ = ftruncate(fd, 0)
        _ = "4242\n".withCString { write(fd, $0, 5) }
        do {
            try journal.transact(clock: ManualClock(t0)) { _ in [.noted(Note(text: "x"))] }
            Issue.record("wrote while the lock was held")
        } catch {
            #expect(error.kind == .environment)
            #expect(error.exitCode == 3)
            #expect(error.message.contains("pid 4242"))
        }
        flock(fd, LOCK_UN)
        journal.lockTimeout = 1
        try journal.transact(clock: ManualClock(t0)) { _ in [.noted(Note(text: "x"))] }
        #expect(try journal.read().events.count == 2)
    }

    @Test func aFollowerSeesOnlyCompleteNewEvents() throws {
        let dir = TempDir()
        let journal = JournalFile(directory: dir.path + "/001")
        try journal.transact(clock: ManualClock(t0)) { _ in [started()] }
        let follower = JournalFollower(path: journal.path)
        #expect(follower.poll().count == 1)
        #expect(follower.poll().isEmpty)
        try journal.transact(clock: ManualClock(t0)) { _ in [.noted(Note(text: "from the CLI"))] }
        let new = follower.poll()
        #expect(new.count == 1)
        #expect(new.first?.seq == 2)
        // Half a line stays pending until its newline arrives.
        let handle = FileHandle(forWritingAtPath: journal.path)!
        handle.seekToEndOfFile()
        let line = try EventCodec.line(Event(seq: 3, at: t0, body: .noted(Note(text: "slow"))))
        handle.write(Data(line.prefix(10)))
        #expect(follower.poll().isEmpty)
        handle.write(Data(line.dropFirst(10)))
        try handle.close()
        #expect(follower.poll().map(\.seq) == [3])
    }
}
