import Foundation
import HotfixEngine
import HotfixWorkflow

/// Reads what the hotfix branch holds while the incident is in FIX, off the console's thread, and
/// posts it to the mailbox: `n` leaving FIX is judged on it (no empty fix), as `hotfix next` is,
/// and the FIX pane shows it. A change made in another terminal is seen within `interval` seconds;
/// one made from the console (the editor, the shell, a commit) at once, through `invalidate`.
///
/// Each read is `git status` and `git log main..branch` (what the guardrail needs). The diff
/// against main (the pane's files, lines and warnings: a few more passes over the work tree) is
/// read again only when those changed, when the console invalidated the watch, or at every
/// `fullEvery`th read anyway (an edit to a file that was already modified changes no status):
/// `scripts/bench-fixwatch` has the figures. The files the assessment names are posted when they change.
public final class FixWatch: @unchecked Sendable {
    let interval: Double
    /// Every this many reads the diff is read, whatever the status says (5: every 10 s).
    let fullEvery: Int
    private let lock = NSLock()
    private var reading = false
    private var stale = false
    private var lastRead = -Double.infinity
    private var named: [String]?
    /// The diff last read, and what the status and log said then.
    private var diff: (key: [String], changes: DiffReview?)?
    private var quietReads = 0

    public init(interval: Double = 2, fullEvery: Int = 5) {
        self.interval = interval
        self.fullEvery = fullEvery
    }

    /// The next `refresh` reads at once and reads the diff too (after the read in progress, if one is).
    public func invalidate() {
        lock.withLock {
            lastRead = -Double.infinity
            diff = nil
            stale = reading
        }
    }

    /// Starts a read unless one is going or the last one is recent; only in FIX.
    public func refresh(_ state: IncidentState, session: Session, post: @escaping @Sendable (ConsoleMessage) -> Void) {
        guard state.phase == .fix else { return }
        let now = ProcessInfo.processInfo.systemUptime  // not the incident's clock, which HOTFIX_NOW may fix
        let start = lock.withLock { () -> Bool in
            guard !reading, now - lastRead >= interval else { return false }
            reading = true
            lastRead = now
            return true
        }
        guard start else { return }
        Task.detached { [self] () async -> Void in
            var messages: [ConsoleMessage] = []
            if var progress = await session.fixProgress(state) {
                progress.changes = await changes(progress, state, session)
                messages.append(.fix(progress))
            }
            let files = FixWorkflow(session).namedFiles(state.assessment)
            lock.withLock {
                if named != files { messages.append(.namedFiles(files)) }
                named = files
                reading = false
                // Invalidated while this read ran: what it read may predate the change.
                if stale { lastRead = -Double.infinity; diff = nil; stale = false }
            }
            // Posted once the watch is free again: the batch they start may ask for the next read.
            for message in messages { post(message) }
        }
    }

    /// The diff against main: the last one while the status and log say the same (and not too
    /// many reads ago), else read now.
    func changes(_ progress: FixProgress, _ state: IncidentState, _ session: Session) async -> DiffReview? {
        let key = progress.commits + ["--"] + progress.uncommitted + ["--", progress.checkedOut ?? "", progress.problem ?? ""]
        let kept = lock.withLock { () -> DiffReview?? in
            guard let diff, diff.key == key, quietReads < fullEvery - 1 else { return nil }
            quietReads += 1
            return .some(diff.changes)
        }
        if let kept { return kept }
        let fresh = await session.fixChanges(state)
        lock.withLock {
            diff = (key, fresh)
            quietReads = 0
        }
        return fresh
    }
}
