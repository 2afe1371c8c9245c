import Foundation
import HotfixEngine
@testable import HotfixRuntime
import HotfixTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Picking the incident reads the index, replays only journals that changed, and never answers
/// differently from a replay of every journal.
@Suite struct IncidentIndexTests {
    let t0 = Date(timeIntervalSince1970: 1_795_000_000)

    /// A repository folder with its incident store (no git needed below the store).
    final class Repo: @unchecked Sendable {
        let dir = TempDir("hotfix-index")
        var store: IncidentStore { IncidentStore(repository: Repository(root: dir.path, commonDir: dir.path + "/git")) }
        var index: IncidentIndex { store.index }
    }

    func started(_ id: String, title: String = "API 500") -> EventBody {
        .started(Started(id: try! IncidentID(id), title: title, severity: .p1, detectedAt: t0, budgets: .workflow))
    }

    /// Every phase change up to closed.
    var closing: [EventBody] {
        let phases = Phase.allCases
        return phases.indices.map { i in .phaseChanged(PhaseChange(from: phases[i], to: i + 1 < phases.count ? phases[i + 1] : nil)) }
    }

    @discardableResult
    func open(_ repo: Repo, _ id: String, at: Date? = nil) throws -> JournalFile {
        let journal = repo.store.journal(try IncidentID(id))
        try journal.transact(clock: ManualClock(at ?? t0)) { _ in [started(id)] }
        return journal
    }

    func close(_ journal: JournalFile, at: Date) throws {
        try journal.transact(clock: ManualClock(at)) { _ in closing }
    }

    /// What the old code answered: a replay of every journal.
    func selectedByReplay(_ repo: Repo) throws -> IncidentID {
        let states = repo.store.ids().compactMap { try? repo.store.load($0).state }
        let open = states.filter { !$0.isClosed }
        if open.count == 1 { return open[0].id }
        return try #require(states.max { ($0.closedAt ?? $0.lastEventAt) < ($1.closedAt ?? $1.lastEventAt) }?.id)
    }

    /// Appends events the way another process without the index would (an older binary, or a
    /// crash between the journal write and the index write).
    func appendRaw(_ journal: JournalFile, _ bodies: [EventBody], at: Date) throws {
        let last = try journal.read().events.last?.seq ?? 0
        let handle = try #require(FileHandle(forWritingAtPath: journal.path))
        handle.seekToEndOfFile()
        for (i, body) in bodies.enumerated() { handle.write(Data(try EventCodec.line(Event(seq: last + 1 + i, at: at, body: body)))) }
        try handle.close()
    }

    @Test func theOpenIncidentIsPickedAmongManyClosedOnesWithoutReplayingThem() throws {
        let repo = Repo()
        for i in 1...60 { try close(try open(repo, String(format: "c-%03d", i)), at: t0 + Double(i)) }
        try open(repo, "z-open")
        // Writers keep the index: nothing has to be replayed, even the first time.
        let first = repo.index.scan()
        #expect(first.replayed == [], "every writer recorded its entry under its lock")
        #expect(first.summaries.count == 61)
        #expect(try repo.store.select(nil, environment: [:]).rawValue == "z-open")
        #expect(try selectedByReplay(repo).rawValue == "z-open")
        #expect(repo.index.scan().replayed == [])
    }

    @Test func aMissingOrCorruptIndexIsRebuiltFromTheJournals() throws {
        let repo = Repo()
        for i in 1...5 { try close(try open(repo, "c-\(i)"), at: t0 + Double(i)) }
        try open(repo, "open-1")
        for garbage in [nil, "not an index\n", IncidentIndex.header + "\nopen-1\t1\t2\tbroken\n", IncidentIndex.header + "\n\u{0}\u{1}"] {
            if let garbage { try garbage.write(toFile: repo.index.path, atomically: true, encoding: .utf8) } else { unlink(repo.index.path) }
            let scan = repo.index.scan()
            #expect(Set(scan.replayed) == ["c-1", "c-2", "c-3", "c-4", "c-5", "open-1"], "\(String(describing: garbage))")
            #expect(try repo.store.select(nil, environment: [:]).rawValue == "open-1")
            #expect(repo.index.scan().replayed == [], "the rebuilt index is written back")
        }
    }

    /// An entry whose stamp is not the journal's is never believed, whatever it says.
    @Test func aStaleEntryIsReplayedNotBelieved() throws {
        let repo = Repo()
        try close(try open(repo, "a-1"), at: t0 + 10)
        let b = try open(repo, "b-2")
        _ = repo.index.scan()
        // The index claims b-2 is closed, with a stamp of another size.
        let text = try String(contentsOfFile: repo.index.path, encoding: .utf8)
        let forged = text.split(separator: "\n").map { line -> String in
            guard line.hasPrefix("b-2\t") else { return String(line) }
            var f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            f[3] = String(Int(f[3])! + 1)
            f[7] = "closed"; f[9] = f[10]
            return f.joined(separator: "\t")
        }.joined(separator: "\n") + "\n"
        try forged.write(toFile: repo.index.path, atomically: true, encoding: .utf8)
        #expect(try repo.store.select(nil, environment: [:]).rawValue == "b-2")
        #expect(repo.index.scan().replayed == [], "the replayed entry replaced the forged one")
        #expect(try b.read().events.count == 1)
    }

    @Test func anIncidentClosedByAnotherProcessIsSeen() throws {
        let repo = Repo()
        try close(try open(repo, "a-1"), at: t0 + 10)
        let b = try open(repo, "b-2", at: t0 + 20)
        #expect(try repo.store.select(nil, environment: [:]).rawValue == "b-2")
        // Closed behind the index's back: the latest closed incident is now b-2 (closed after a-1).
        try appendRaw(b, closing, at: t0 + 30)
        let scan = repo.index.scan()
        #expect(scan.replayed == ["b-2"], "only the changed journal is read")
        #expect(scan.summaries.allSatisfy { $0.isClosed })
        #expect(try repo.store.select(nil, environment: [:]).rawValue == "b-2")
        #expect(try selectedByReplay(repo).rawValue == "b-2")
    }

    @Test func anIncidentStartedByAnotherProcessMakesTwoOpenOnesAndTheErrorNamesThem() throws {
        let repo = Repo()
        for i in 1...3 { try close(try open(repo, "c-\(i)"), at: t0 + Double(i)) }
        try open(repo, "m-1")
        _ = repo.index.scan()
        // Another process starts one without touching the index.
        let other = JournalFile(directory: repo.store.baseDirectory + "/n-2")
        try other.transact(clock: ManualClock(t0 + 50)) { _ in [started("n-2")] }
        #expect(repo.index.scan().replayed == ["n-2"])
        let error = #expect(throws: HotfixError.self) { try repo.store.select(nil, environment: [:]) }
        #expect(error?.message == "2 incidents are open: m-1, n-2")
        #expect(error?.next == "choose one with --incident ID")
        // --incident still picks either; closing one by hand leaves the other.
        #expect(try repo.store.select("n-2", environment: [:]).rawValue == "n-2")
        try appendRaw(other, closing, at: t0 + 60)
        #expect(try repo.store.select(nil, environment: [:]).rawValue == "m-1")
    }

    @Test func aJournalRemovedOrReplacedIsNotRemembered() throws {
        let repo = Repo()
        try close(try open(repo, "a-1"), at: t0 + 10)
        try open(repo, "b-2", at: t0 + 20)
        _ = repo.index.scan()
        try FileManager.default.removeItem(atPath: repo.store.baseDirectory + "/b-2")
        #expect(try repo.store.select(nil, environment: [:]).rawValue == "a-1", "only a-1 is left: the latest closed")
        #expect(!((try? String(contentsOfFile: repo.index.path, encoding: .utf8)) ?? "").contains("b-2\t"), "the entry is dropped")
        // A journal replaced by another file of the same size (a restore from a copy) is read again:
        // here the same bytes with the last line (the close) blanked, written to a new file.
        let a = repo.store.journal(try IncidentID("a-1"))
        try Data(Self.blankingLastLine(try #require(FileManager.default.contents(atPath: a.path)))).write(to: URL(fileURLWithPath: a.path), options: .atomic)
        #expect(repo.index.scan().replayed == ["a-1"])
        #expect(repo.index.summaries().first?.isClosed == false, "the close event is gone from the replaced file")
    }

    /// The same bytes with the last line's text turned into spaces (same size, still one line).
    static func blankingLastLine(_ data: Data) -> [UInt8] {
        var bytes = [UInt8](data)
        let start = (bytes.dropLast().lastIndex(of: 0x0A) ?? -1) + 1
        for i in start..<(bytes.count - 1) { bytes[i] = 0x20 }
        return bytes
    }

    @Test func anEditInPlaceToTheSameSizeIsReadAgain() throws {
        let repo = Repo()
        let a = try open(repo, "a-1")
        try close(a, at: t0 + 10)
        _ = repo.index.scan()
        // Past the file system's timestamp granularity (a few ms), so the edit has a newer change time.
        usleep(20_000)
        let bytes = Self.blankingLastLine(try #require(FileManager.default.contents(atPath: a.path)))
        let fd = Glibc.open(a.path, O_WRONLY)
        #expect(fd >= 0)
        _ = bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        Glibc.close(fd)
        #expect(repo.index.scan().replayed == ["a-1"])
        #expect(repo.index.summaries().first?.isClosed == false, "the blanked close event no longer closes it")
    }

    @Test func titlesWithTabsLineBreaksAndPercentSignsSurviveTheIndex() throws {
        let repo = Repo()
        let title = "50%\tof /pay\nfails \\ 100% — ünïcode"
        let journal = repo.store.journal(try IncidentID("t-1"))
        try journal.transact(clock: ManualClock(t0)) { _ in [started("t-1", title: title)] }
        let summary = try #require(repo.index.summaries().first)
        #expect(summary.title == title)
        #expect(summary == IncidentSummary(try repo.store.load(try IncidentID("t-1")).state))
    }
}
