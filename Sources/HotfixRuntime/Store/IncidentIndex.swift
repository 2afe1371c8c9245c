import Foundation
import HotfixEngine
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A cache of every journal's summary, so picking the incident costs the same with 1 or 500
/// closed incidents: one small file read and one `stat` per journal, instead of a replay of
/// every journal in the repository.
///
/// `<git-common-dir>/hotfix/incidents.index` holds one line per incident: the journal's stamp
/// (device, inode, size, modification and change times) and the summary replayed from exactly
/// those bytes. An entry is used only while the journal's stamp is still the same; otherwise
/// (an append, an edit by hand, a replaced or torn file, a crash between the journal write and
/// the index write) that journal alone is replayed again and its entry rewritten. A missing,
/// unreadable or foreign index is rebuilt the same way. The index never decides anything the
/// journals do not say: it only saves reading them.
///
/// Writers update their incident's entry under the journal lock, right after the append;
/// every update of the file happens under `incidents.index.lock` and replaces it by rename, so
/// a reader sees the old file or the new one, never half of one.
public struct IncidentIndex: Sendable {
    public let baseDirectory: String
    public var path: String { baseDirectory + "/incidents.index" }
    var lockPath: String { baseDirectory + "/incidents.index.lock" }
    static let header = "hotfix-incident-index 1"

    public init(baseDirectory: String) { self.baseDirectory = baseDirectory }

    /// One journal as the index knows it: its stamp, and its summary (nil: no start event).
    struct Entry: Equatable {
        var stamp: JournalStamp
        var summary: IncidentSummary?
    }

    // MARK: Reading

    /// Every incident whose journal starts one, in id order. Stale and missing entries are
    /// replayed from their journals, then written back.
    public func summaries() -> [IncidentSummary] { scan().summaries }

    /// The summaries, and the names of the journals that had to be replayed to get them.
    func scan() -> (summaries: [IncidentSummary], replayed: [String]) {
        let stored = read()
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: baseDirectory)) ?? [])
            .filter(IncidentID.isValid).sorted()
        var fresh: [String: Entry] = [:]
        var present: Set<String> = []
        var out: [IncidentSummary] = []
        var replayed: [String] = []
        for name in names {
            guard let stamp = JournalStamp.of(path: journalPath(name)) else { continue }
            present.insert(name)
            if let entry = stored[name], entry.stamp == stamp {
                if let s = entry.summary { out.append(s) }
                continue
            }
            replayed.append(name)
            guard let (entry, summary) = replay(name) else { continue }
            if let entry { fresh[name] = entry }
            if let summary { out.append(summary) }
        }
        let gone = Set(stored.keys).subtracting(present)
        if !fresh.isEmpty || !gone.isEmpty {
            update(wait: 0) { lines in
                // An entry a writer recorded meanwhile is newer than ours: keep only stamps still current.
                for (name, entry) in fresh where JournalStamp.of(path: journalPath(name)) == entry.stamp {
                    lines[name] = Self.encode(name, entry)
                }
                for name in gone where JournalStamp.of(path: journalPath(name)) == nil { lines[name] = nil }
            }
        }
        return (out, replayed)
    }

    func journalPath(_ name: String) -> String { baseDirectory + "/" + name + "/journal.jsonl" }

    /// Replays one journal. The entry is nil when the file changed while it was read (the
    /// summary still answers this call; the next one reads the file again).
    func replay(_ name: String) -> (entry: Entry?, summary: IncidentSummary?)? {
        let fd = open(journalPath(name), O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        guard let before = JournalStamp.of(fd: fd) else { return nil }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var offset: off_t = 0
        while true {
            let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, offset) }
            if n < 0, errno == EINTR { continue }
            if n < 0 { return nil }
            if n == 0 { break }
            bytes += buffer[0..<n]
            offset += off_t(n)
        }
        let summary = IncidentState.replay(JournalFile.parse(bytes).events).map(IncidentSummary.init)
        let unchanged = JournalStamp.of(fd: fd) == before && Int64(bytes.count) == before.size
        return (unchanged ? Entry(stamp: before, summary: summary) : nil, summary)
    }

    /// The entries of the index file; empty when it is missing or not ours. A line that does
    /// not read is left out (its journal is replayed).
    func read() -> [String: Entry] {
        var entries: [String: Entry] = [:]
        for line in storedLines() {
            if let (name, entry) = Self.decode(line) { entries[name] = entry }
        }
        return entries
    }

    /// The file's lines after its header, as bytes (no Character walk over the whole file);
    /// none when it is missing or not ours.
    func storedLines() -> ArraySlice<ArraySlice<UInt8>> {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        var lines = [UInt8](data).split(separator: 0x0A, omittingEmptySubsequences: true)[...]
        guard let first = lines.popFirst(), first.elementsEqual(Self.header.utf8) else { return [] }
        return lines
    }

    // MARK: Writing

    /// A writer's update, under its journal lock: the state it just wrote, keyed by the journal's
    /// stamp after the append. `expectedSize` is the size the append must have produced: if the
    /// file is any other size, something besides a locked writer changed it, and the entry is
    /// left for the next reader to rebuild.
    func record(name: String, state: IncidentState, fd: Int32, expectedSize: Int64) {
        guard let stamp = JournalStamp.of(fd: fd), stamp.size == expectedSize else { return }
        update(wait: 1) { $0[name] = Self.encode(name, Entry(stamp: stamp, summary: IncidentSummary(state))) }
    }

    /// Takes the index lock (waiting up to `wait` seconds, else gives up: the index is only a
    /// cache), applies `change` to the current lines by incident and replaces the file. Lines
    /// are not decoded here: a writer's update costs a read and a write of the file, no parse.
    func update(wait: Double, _ change: (inout [String: String]) -> Void) {
        let lockFD = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard lockFD >= 0 else { return }
        defer { close(lockFD) }
        let deadline = Date() + wait
        while flock(lockFD, LOCK_EX | LOCK_NB) != 0 {
            guard Date() < deadline else { return }
            usleep(5_000)
        }
        defer { flock(lockFD, LOCK_UN) }
        var lines: [String: String] = [:]
        for line in storedLines() {
            guard let tab = line.firstIndex(of: 0x09) else { continue }
            lines[String(decoding: line[..<tab], as: UTF8.self)] = String(decoding: line, as: UTF8.self)
        }
        change(&lines)
        var text = Self.header + "\n"
        for name in lines.keys.sorted() { text += lines[name]! + "\n" }
        let temporary = path + ".tmp-\(getpid())"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(text.utf8)) else { return }
        if rename(temporary, path) != 0 { unlink(temporary) }
    }

    // MARK: The line format

    static func encode(_ name: String, _ e: Entry) -> String {
        let s = e.stamp
        var fields = [name, String(s.device), String(s.inode), String(s.size), String(s.modified), String(s.changed)]
        if let m = e.summary {
            fields += [m.severity.rawValue, m.phase?.rawValue ?? "closed", time(m.startedAt), m.closedAt.map(time) ?? "-",
                       time(m.lastEventAt), escape(m.title)]
        } else {
            fields.append("-")
        }
        return fields.joined(separator: "\t")
    }

    static func decode(_ line: ArraySlice<UInt8>) -> (String, Entry)? {
        let f = line.split(separator: 0x09, omittingEmptySubsequences: false)
        guard f.count == 7 || f.count == 12 else { return nil }
        func text(_ i: Int) -> String { String(decoding: f[i], as: UTF8.self) }
        guard let id = try? IncidentID(text(0)),
              let device = UInt64(text(1)), let inode = UInt64(text(2)), let size = Int64(text(3)),
              let modified = Int64(text(4)), let changed = Int64(text(5)) else { return nil }
        let stamp = JournalStamp(device: device, inode: inode, size: size, modified: modified, changed: changed)
        if f.count == 7 { return text(6) == "-" ? (id.rawValue, Entry(stamp: stamp, summary: nil)) : nil }
        guard let severity = Severity(rawValue: text(6)),
              let started = date(text(8)), let last = date(text(10)), let title = unescape(text(11)) else { return nil }
        let phase: Phase?
        if text(7) == "closed" { phase = nil } else {
            guard let p = Phase(rawValue: text(7)) else { return nil }
            phase = p
        }
        let closedAt: Date?
        if text(9) == "-" { closedAt = nil } else {
            guard let c = date(text(9)) else { return nil }
            closedAt = c
        }
        guard (phase == nil) == (closedAt != nil) else { return nil }
        let summary = IncidentSummary(id: id, title: title, severity: severity, startedAt: started, phase: phase,
                                      closedAt: closedAt, lastEventAt: last)
        return (id.rawValue, Entry(stamp: stamp, summary: summary))
    }

    /// Seconds since the reference date, printed so that they read back to the same Date.
    static func time(_ d: Date) -> String { String(describing: d.timeIntervalSinceReferenceDate) }
    static func date(_ s: String) -> Date? { Double(s).map { Date(timeIntervalSinceReferenceDate: $0) } }

    /// Titles are free text: `%`, tab and line breaks are percent-encoded, nothing else.
    static let titleCharacters = CharacterSet(charactersIn: "%\t\n\r").inverted
    static func escape(_ s: String) -> String { s.addingPercentEncoding(withAllowedCharacters: titleCharacters) ?? "" }
    static func unescape(_ s: String) -> String? { s.contains("%") ? s.removingPercentEncoding : s }
}
