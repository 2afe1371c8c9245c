import Foundation
import HotfixEngine

/// What picking and listing incidents need of one journal: open or closed, and the row `hotfix
/// list` prints. Derived from a full replay; kept in the repository's incident index.
public struct IncidentSummary: Sendable, Equatable {
    public var id: IncidentID
    public var title: String
    public var severity: Severity
    public var startedAt: Date
    /// The active phase; nil once closed.
    public var phase: Phase?
    public var closedAt: Date?
    public var lastEventAt: Date

    public var isClosed: Bool { phase == nil }

    /// Time from the start to the close, or to `now` while open (as the status report counts it).
    public func elapsed(now: Date) -> TimeInterval { max(0, (closedAt ?? now).timeIntervalSince(startedAt)) }
}

extension IncidentSummary {
    // In an extension, so the memberwise initializer (used when reading the index) stays.
    public init(_ s: IncidentState) {
        self.init(id: s.id, title: s.title, severity: s.severity, startedAt: s.startedAt, phase: s.phase,
                  closedAt: s.closedAt, lastEventAt: s.lastEventAt)
    }
}

/// The identity of a journal's content as the file system reports it. Any write changes the
/// size or the change time (which no user can set back), a replaced file has another inode:
/// an index entry with the journal's current stamp describes exactly the bytes on disk.
struct JournalStamp: Equatable, Sendable {
    var device: UInt64, inode: UInt64, size: Int64, modified: Int64, changed: Int64

    init(_ st: stat) {
        device = UInt64(st.st_dev)
        inode = UInt64(st.st_ino)
        size = Int64(st.st_size)
        modified = Int64(st.st_mtim.tv_sec) &* 1_000_000_000 &+ Int64(st.st_mtim.tv_nsec)
        changed = Int64(st.st_ctim.tv_sec) &* 1_000_000_000 &+ Int64(st.st_ctim.tv_nsec)
    }

    init(device: UInt64, inode: UInt64, size: Int64, modified: Int64, changed: Int64) {
        (self.device, self.inode, self.size, self.modified, self.changed) = (device, inode, size, modified, changed)
    }

    static func of(path: String) -> JournalStamp? {
        var st = stat()
        return stat(path, &st) == 0 ? JournalStamp(st) : nil
    }

    static func of(fd: Int32) -> JournalStamp? {
        var st = stat()
        return fstat(fd, &st) == 0 ? JournalStamp(st) : nil
    }
}
