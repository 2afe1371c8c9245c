import Foundation
import HotfixEngine
import HotfixWorkflow

/// Reads what the hotfix branch holds while the incident is in FIX, off the console's thread, and
/// posts it to the mailbox: `n` leaving FIX is judged on it (no empty fix), as `hotfix next` is,
/// and the FIX pane shows it (commits, files and lines against main, warnings). A change made in
/// another terminal is seen within `interval` seconds; one made from the console (the editor, the
/// shell) at once, through `invalidate`. The files the assessment names are posted when they change.
public final class FixWatch: @unchecked Sendable {
    let interval: Double
    private let lock = NSLock()
    private var reading = false
    private var stale = false
    private var lastRead = -Double.infinity
    private var named: [String]?

    public init(interval: Double = 2) { self.interval = interval }

    /// The next `refresh` reads at once (after the read in progress, if one is).
    public func invalidate() {
        lock.withLock {
            lastRead = -Double.infinity
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
            if let progress = await session.fixProgress(state, changes: true) { post(ConsoleMessage.fix(progress)) }
            let files = FixWorkflow(session).namedFiles(state.assessment)
            let changed = lock.withLock { () -> Bool in
                defer { named = files }
                return named != files
            }
            if changed { post(ConsoleMessage.namedFiles(files)) }
            lock.withLock {
                reading = false
                // Invalidated while this read ran: what it read may predate the change.
                if stale { lastRead = -Double.infinity; stale = false }
            }
        }
    }
}
