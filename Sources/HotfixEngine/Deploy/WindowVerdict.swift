import Foundation
import HotfixLogs

/// Why a monitoring window is stopped before its end.
public enum WindowStop: Sendable, Equatable {
    /// The operator asked for a rollback: the deploy rolls back in place of its remaining steps.
    case rollback
    /// The deployment was rolled back from elsewhere (`hotfix rollback` in another terminal).
    case rolledBackElsewhere

    public var cause: String {
        switch self {
        case .rollback: "the operator rolled back"
        case .rolledBackElsewhere: "the deployment was rolled back from elsewhere (hotfix rollback)"
        }
    }
}

/// The monitoring window's verdict as the incident records it: a window cut short, and the
/// journal's `VerdictRecord`.
extension Verdict {
    /// How the first reason of a window cut short begins.
    public static let endedEarlyPrefix = "window ended early"

    /// The verdict of a window stopped `seconds` after the rollout began, before its `warmup` + `window`
    /// were over. A window cut short proves nothing good: a FAIL so far stays FAIL, anything else is
    /// INCONCLUSIVE, and the first reason says why it ended and what the verdict was so far.
    public func endedEarly(_ stop: WindowStop, after seconds: Double, warmup: Double, window: Double) -> Verdict {
        var v = self
        v.outcome = outcome == .fail ? .fail : .inconclusive
        v.note = Self.endedEarlyPrefix + ", \(Durations.words(seconds)) after the rollout began (of \(Durations.words(warmup)) warm-up "
            + "+ \(Durations.words(window))): \(stop.cause); verdict so far \(outcome.rawValue)"
        return v
    }

    /// What the journal keeps of the verdict.
    public func record(windowSeconds: Double) -> VerdictRecord {
        VerdictRecord(outcome: VerdictRecord.Outcome(outcome), reasons: reasons, windowSeconds: windowSeconds, numbers: numbers)
    }
}
