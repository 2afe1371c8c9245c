import Foundation
import HotfixEngine
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What reading a journal found: the events, and anything it had to skip.
public struct JournalContents: Sendable {
    public var events: [Event]
    /// Lines that could not be read, in words (a torn last line, a line from a newer schema).
    public var problems: [String]
}

/// One incident's append-only JSON Lines file, with an exclusive writer lock.
///
/// Writers lock `journal.lock` with `flock`, re-read the journal, decide against that fresh
/// state, append and fsync, then unlock: a command typed in another terminal is never lost or
/// interleaved. A second writer waits up to `lockTimeout` seconds, then gets an error naming
/// the holder's pid. Readers never lock.
public struct JournalFile: Sendable {
    public let directory: String
    public var path: String { directory + "/journal.jsonl" }
    var lockPath: String { directory + "/journal.lock" }
    public var lockTimeout: Double
    /// The repository's incident index, told of every append while the lock is held.
    public var index: IncidentIndex?

    public init(directory: String, lockTimeout: Double = 10, index: IncidentIndex? = nil) {
        self.directory = directory
        self.lockTimeout = lockTimeout
        self.index = index
    }

    public var exists: Bool { FileManager.default.fileExists(atPath: path) }

    // MARK: Reading

    /// Reads every complete event. A torn last line (a crash mid-write) is reported and skipped.
    public func read() throws(HotfixError) -> JournalContents {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw HotfixError.environment("cannot read the journal at \(path)")
        }
        return JournalFile.parse(Array(data))
    }

    static func parse(_ bytes: [UInt8]) -> JournalContents {
        var events: [Event] = []
        var problems: [String] = []
        var start = 0
        var lineNumber = 0
        while start < bytes.count {
            lineNumber += 1
            guard let nl = bytes[start...].firstIndex(of: 0x0A) else {
                problems.append("line \(lineNumber) is incomplete (\(bytes.count - start) bytes, a crash while writing?); it was ignored")
                break
            }
            let line = bytes[start..<nl]
            start = nl + 1
            if line.isEmpty { continue }
            switch EventCodec.decode(line: line) {
            case .event(let e): events.append(e)
            case .invalid(let why): problems.append("line \(lineNumber) was skipped: \(why)")
            }
        }
        return JournalContents(events: events, problems: problems)
    }

    // MARK: Writing

    /// Locks, replays, lets `decide` turn the fresh state into event bodies, appends them with
    /// fsync and unlocks. Returns the written events. `decide` receives nil for a new journal.
    @discardableResult
    public func transact(clock: any Clock,
                         _ decide: (IncidentState?) throws(HotfixError) -> [EventBody]) throws(HotfixError) -> [Event] {
        try ensureDirectory()
        let lockFD = try acquireLock()
        defer { flock(lockFD, LOCK_UN); close(lockFD) }

        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw HotfixError.environment("cannot open the journal at \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }

        // The state as of the last transaction in this process, brought up to date with what
        // other processes appended since (append-only under this lock); else the whole file.
        var state: IncidentState?
        var lastSeq = 0
        if let cached = JournalFile.replayCache.upToDate(path: path, fd: fd) {
            state = cached
            lastSeq = cached.lastSeq
        } else {
            var bytes = try readAll(fd)
            try repairTornTail(fd, &bytes)
            let contents = JournalFile.parse(bytes)
            state = IncidentState.replay(contents.events)
            if state == nil, !contents.events.isEmpty {
                throw HotfixError.environment("the journal at \(path) does not begin with a started event",
                                              untouched: "the file was left as it is", next: "move it aside and start again")
            }
            lastSeq = contents.events.last?.seq ?? 0
            JournalFile.replayCache.store(path: path, fd: fd, state: state)
        }
        let bodies = try decide(state)
        guard !bodies.isEmpty else { return [] }

        let now = clock.now
        let mono = ProcessInfo.processInfo.systemUptime
        var seq = lastSeq
        var out: [UInt8] = []
        var written: [Event] = []
        for body in bodies {
            seq += 1
            let event = Event(seq: seq, at: now, mono: mono, body: body)
            do { out += try EventCodec.line(event) } catch {
                throw HotfixError.environment("cannot encode a \(body.type) event: \(error)")
            }
            written.append(event)
        }
        let end = lseek(fd, 0, SEEK_END)
        guard end >= 0 else { throw HotfixError.environment("cannot seek the journal: \(String(cString: strerror(errno)))") }
        try writeAll(fd, out)
        guard fsync(fd) == 0 else {
            JournalFile.replayCache.forget(path: path)
            throw HotfixError.environment("fsync of the journal failed: \(String(cString: strerror(errno)))",
                                          untouched: "the event may not be on disk", next: "check the disk and run the command again")
        }
        var after: IncidentState?
        if var next = state {
            for event in written { next.apply(event) }
            JournalFile.replayCache.store(path: path, fd: fd, state: next)
            after = next
        } else {
            JournalFile.replayCache.forget(path: path)
            after = IncidentState.replay(written)
        }
        // Still under the lock: the index entry describes exactly the bytes now on disk.
        if let index, let after {
            index.record(name: (directory as NSString).lastPathComponent, state: after, fd: fd, expectedSize: Int64(end) + Int64(out.count))
        }
        return written
    }

    /// Replayed states of the journals this process wrote, so a writer reads only what other
    /// processes appended since (a backport writes dozens of events: each re-read the file).
    static let replayCache = ReplayCache()

    func ensureDirectory() throws(HotfixError) {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw HotfixError.environment("cannot create \(directory): \(error.localizedDescription)")
        }
    }

    /// Takes the writer lock, waiting up to `lockTimeout`; records our pid for whoever waits next.
    func acquireLock() throws(HotfixError) -> Int32 {
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw HotfixError.environment("cannot open the journal lock \(lockPath): \(String(cString: strerror(errno)))") }
        let deadline = Date() + lockTimeout
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            if Date() >= deadline {
                let holder = (try? String(contentsOfFile: lockPath, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "?"
                close(fd)
                throw HotfixError.environment(
                    "the incident journal is locked by another hotfix process (pid \(holder.isEmpty ? "?" : holder)) for more than \(Int(lockTimeout)) s",
                    next: "wait for that command to finish, or stop it (kill \(holder)) and run this again")
            }
            usleep(20_000)
        }
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = pid.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        return fd
    }

    func readAll(_ fd: Int32) throws(HotfixError) -> [UInt8] {
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var offset: off_t = 0
        while true {
            let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, offset) }
            if n < 0 { throw HotfixError.environment("cannot read the journal: \(String(cString: strerror(errno)))") }
            if n == 0 { break }
            result += buffer[0..<n]
            offset += off_t(n)
        }
        return result
    }

    /// A crash mid-write leaves a last line without its newline. Keep those bytes in a side file
    /// (nothing is lost) and cut them from the journal so the next event starts a clean line.
    func repairTornTail(_ fd: Int32, _ bytes: inout [UInt8]) throws(HotfixError) {
        guard let last = bytes.last, last != 0x0A else { return }
        let keep = (bytes.lastIndex(of: 0x0A) ?? -1) + 1
        let torn = Array(bytes[keep...])
        let side = directory + "/journal.torn-\(Int(Date().timeIntervalSince1970 * 1000))"
        _ = FileManager.default.createFile(atPath: side, contents: Data(torn))
        guard ftruncate(fd, off_t(keep)) == 0 else {
            throw HotfixError.environment("cannot repair the torn last line of the journal: \(String(cString: strerror(errno)))")
        }
        bytes.removeSubrange(keep...)
    }

    func writeAll(_ fd: Int32, _ bytes: [UInt8]) throws(HotfixError) {
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + done, $0.count - done) }
            if n < 0 {
                if errno == EINTR { continue }
                throw HotfixError.environment("cannot write the journal: \(String(cString: strerror(errno)))",
                                              untouched: "earlier events are intact", next: "check free disk space and run the command again")
            }
            done += n
        }
    }
}

/// The state of each journal as of a known size; used only under the writer lock.
final class ReplayCache: @unchecked Sendable {
    private struct Entry {
        var device: UInt64, inode: UInt64, size: Int
        /// Modification time (ns): the same size but a newer time is an edit in place.
        var modified: Int
        var state: IncidentState
    }

    private static func modified(_ st: stat) -> Int { Int(st.st_mtim.tv_sec) &* 1_000_000_000 &+ Int(st.st_mtim.tv_nsec) }
    private let lock = NSLock()
    private var entries: [String: Entry] = [:]

    /// The cached state of `path` with the events appended after the cached size applied, or
    /// nil when the file is not the one cached (replaced, truncated, torn at its end, unreadable).
    func upToDate(path: String, fd: Int32) -> IncidentState? {
        guard let entry = lock.withLock({ entries[path] }) else { return nil }
        var st = stat()
        guard fstat(fd, &st) == 0, UInt64(st.st_dev) == entry.device, UInt64(st.st_ino) == entry.inode else { return nil }
        let size = Int(st.st_size)
        if size == entry.size { return Self.modified(st) == entry.modified ? entry.state : nil }
        guard size > entry.size else { return nil }
        var added = [UInt8](repeating: 0, count: size - entry.size)
        let got = added.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(entry.size)) }
        // Only whole lines: a torn tail goes through the full read, which repairs it.
        guard got == added.count, added.last == 0x0A else { return nil }
        let contents = JournalFile.parse(added)
        guard contents.problems.isEmpty else { return nil }
        var state = entry.state
        for event in contents.events {
            guard event.seq > state.lastSeq else { return nil }
            state.apply(event)
        }
        store(path: path, fd: fd, state: state)
        return state
    }

    func store(path: String, fd: Int32, state: IncidentState?) {
        var st = stat()
        guard let state, fstat(fd, &st) == 0 else { forget(path: path); return }
        let entry = Entry(device: UInt64(st.st_dev), inode: UInt64(st.st_ino), size: Int(st.st_size),
                          modified: Self.modified(st), state: state)
        lock.withLock { entries[path] = entry }
    }

    func forget(path: String) {
        _ = lock.withLock { entries.removeValue(forKey: path) }
    }
}

/// Follows a journal that other processes append to: each `poll()` returns the new events.
public final class JournalFollower: @unchecked Sendable {
    public let path: String
    private var offset: UInt64 = 0
    private var partial: [UInt8] = []

    public init(path: String) { self.path = path }

    /// New complete events since the last call (a half-written line waits for its newline).
    public func poll() -> [Event] {
        guard let handle = FileHandle(forReadingAtPath: path) else { return [] }
        defer { try? handle.close() }
        guard let size = try? handle.seekToEnd() else { return [] }
        if size < offset { offset = 0; partial = [] }  // truncated (torn tail repaired): read again
        guard size > offset else { return [] }
        try? handle.seek(toOffset: offset)
        let data = (try? handle.readToEnd()) ?? Data()
        offset += UInt64(data.count)
        partial += data
        guard let lastNL = partial.lastIndex(of: 0x0A) else { return [] }
        let complete = Array(partial[...lastNL])
        partial.removeSubrange(...lastNL)
        return JournalFile.parse(complete).events
    }
}
