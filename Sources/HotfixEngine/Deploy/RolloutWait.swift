import Foundation
import HotfixLogs

/// DEPLOY waiting for a rollout it did not make (`deploy.rollout: external`, `hotfix watch`, or a
/// command such as `helm upgrade`): what it waits for, since when and until when, and what it has
/// seen. The CLI prints it now and then, the console's DEPLOY pane shows it live.
public struct RolloutWait: Sendable, Equatable {
    public enum State: Sendable, Equatable {
        case waiting
        /// The rollout to judge was found: in words (its ReplicaSet, revision and image).
        case found(String)
        case timedOut
        /// Stopped before a rollout was seen (Ctrl-C, SIGTERM, the console quit, a rollback elsewhere).
        case stopped(String)
    }

    public var deployment: String
    /// The image the rollout must have (`deploy.expect_image`, expanded), or nil for any new one.
    public var expectImage: String?
    /// What makes the rollout: `helm upgrade app …` (already run), or a rollout made elsewhere.
    public var trigger: String
    /// The deployment as the wait began: `revision 2, registry/app:1.4.2`.
    public var baseline: String
    /// Seconds since 1970.
    public var startedAt: Double
    /// `deploy.wait`, seconds.
    public var limit: Double
    /// Rollouts seen and ignored (`revision 8: registry/app:other`, `revision 9: the baseline's
    /// template again`), oldest first.
    public var ignored: [String]
    public var state: State
    /// When it stopped waiting (found, timed out or stopped); the time used stops there.
    public var endedAt: Double?

    public init(deployment: String, expectImage: String?, trigger: String, baseline: String, startedAt: Double, limit: Double,
                ignored: [String] = [], state: State = .waiting) {
        self.deployment = deployment; self.expectImage = expectImage; self.trigger = trigger; self.baseline = baseline
        self.startedAt = startedAt; self.limit = limit; self.ignored = ignored; self.state = state
    }

    /// Seconds used at `now` (up to when the wait ended), whole seconds as a countdown shows them.
    public func elapsed(at now: Double) -> Double { max(0, (min(now, endedAt ?? now) - startedAt).rounded(.down)) }
    /// Seconds left of `limit` at `now`.
    public func remaining(at now: Double) -> Double { max(0, limit - elapsed(at: now)) }

    /// What it waits for, in few words: `image *:hotfix-1 on deployment/app`.
    public var shortLookingFor: String {
        (expectImage.map { "image \($0)" } ?? "any new image") + " on deployment/\(deployment)"
    }

    /// What it waits for, in words.
    public var lookingFor: String {
        "a new ReplicaSet of deployment/\(deployment)" + (expectImage.map { " with an image matching \($0)" } ?? " (any image)")
    }

    /// One line for a log or a terminal: where the wait stands at `now`.
    public func line(at now: Double) -> String {
        switch state {
        case .waiting:
            return "waiting \(Durations.clock(elapsed(at: now))) of \(Durations.clock(limit)) for \(lookingFor); still \(baseline)"
                + (ignored.isEmpty ? "" : "; ignored \(ignored.count) other rollout\(ignored.count == 1 ? "" : "s")")
        case .found(let what): return "rollout seen after \(Durations.clock(elapsed(at: now))): \(what)"
        case .timedOut: return "no rollout seen in \(Durations.words(limit)) (deploy.wait): still \(baseline)"
        case .stopped(let why): return "stopped waiting after \(Durations.clock(elapsed(at: now))): \(why)"
        }
    }
}

extension Verdict {
    /// The verdict of a deploy whose rollout never came (or whose wait was stopped): nothing was
    /// judged, so INCONCLUSIVE, saying what was waited for and what was seen instead.
    public static func noRollout(_ wait: RolloutWait, at now: Double) -> Verdict {
        var reasons = [wait.line(at: now)]
        if let last = wait.ignored.last {
            let why = wait.expectImage.map { " (not \($0))" } ?? ""
            reasons.append("ignored\(why): \(wait.ignored.count == 1 ? last : "\(wait.ignored.count) rollouts, the latest \(last)")")
        }
        return Verdict(outcome: .inconclusive, note: "no rollout was judged: " + reasons.joined(separator: "; "))
    }
}
