import Foundation

/// The stream's beat: the inbox's lines are taken at most once per `interval`, whatever their
/// rate, so a frame takes everything that came (20,000 lines a second make ten frames, not
/// thousands). Times are monotonic seconds (`ProcessInfo.systemUptime`), not the incident's clock.
public struct StreamBeat: Sendable {
    public static let interval = 0.1
    private var last = -Double.infinity

    public init() {}

    /// Seconds until lines are due (nil: none wait).
    public func wait(pending: Bool, now: Double) -> Double? {
        pending ? max(0, last + Self.interval - now) : nil
    }

    /// Whether to take the lines now; if so, the beat starts again.
    public mutating func take(pending: Bool, now: Double) -> Bool {
        guard pending, now - last >= Self.interval else { return false }
        last = now
        return true
    }
}
