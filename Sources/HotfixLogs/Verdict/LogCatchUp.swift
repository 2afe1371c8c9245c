import Foundation

/// Whether the verdict waits, once the window's clock has run out, for the new pods' lines still
/// on their way. A stream behind (a loaded machine, a slow link to the API server, a bastion over
/// SSH) delivers lines stamped inside the window after the window's end: judged at once, those
/// lines would be missing and the new pods would look quieter than they are (INCONCLUSIVE "too
/// little traffic", or a targeted error too rare to judge). The wait lasts while lines keep coming
/// and are stamped before the window's end, at most `limit` seconds; a stream that has gone quiet
/// (a hung pod, a version that stopped serving) is not waited for: its silence is the finding.
public struct LogCatchUp: Sendable, Equatable {
    /// How long lines may have stopped arriving before the streams count as quiet, not behind.
    public var quietAfter: Double
    /// The longest wait after the window's end.
    public var limit: Double

    public init(quietAfter: Double = 2, limit: Double = 60) {
        self.quietAfter = quietAfter
        self.limit = limit
    }

    /// What the window's end does now.
    public enum Decision: Sendable, Equatable {
        /// Judge: the lines are in (or none are coming, or the wait is over).
        case judge
        /// Wait: the newest line received is `behind` seconds before the window's end and lines are still arriving.
        case wait(behind: Double)
    }

    /// - Parameters:
    ///   - end: the window's end (seconds since 1970, the lines' own clock).
    ///   - newest: the newest timestamp among the new pods' lines received, nil for none.
    ///   - sinceArrival: seconds since the latest of them arrived.
    ///   - overFor: seconds since the window's clock ran out.
    public func decide(end: Double, newest: Double?, sinceArrival: Double, overFor: Double) -> Decision {
        guard let newest, newest < end - 0.5 else { return .judge }
        guard sinceArrival < quietAfter, overFor < limit else { return .judge }
        return .wait(behind: end - newest)
    }
}
