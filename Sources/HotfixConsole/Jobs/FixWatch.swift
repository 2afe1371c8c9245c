import Foundation
import HotfixEngine
import HotfixWorkflow

/// Reads what the hotfix branch holds while the incident is in FIX, off the console's thread, and
/// posts it to the mailbox: `n` leaving FIX is judged on it (no empty fix), as `hotfix next` is.
/// A commit made in another terminal is seen within `interval` seconds.
public final class FixWatch: @unchecked Sendable {
    let interval: Double
    private let lock = NSLock()
    private var reading = false
    private var lastRead = -Double.infinity

    public init(interval: Double = 2) { self.interval = interval }

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
            if let progress = await session.fixProgress(state) { post(ConsoleMessage.fix(progress)) }
            lock.withLock { reading = false }
        }
    }
}
