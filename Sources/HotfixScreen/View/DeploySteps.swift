import Foundation
import HotfixEngine

/// One of the deploy's own steps (build, push, set image or the rollout's way, the rollout), as the
/// DEPLOY pane lists it: in the Rollout section and in the stream's one-line summary. Derived by
/// the controller from the journal and the configured plan (`DeployWords.listed`).
public struct DeployStep: Equatable, Sendable {
    public enum State: Equatable, Sendable {
        case done, failed, warning, pending
        /// Not part of this repository's deploy (`deploy.build` or `deploy.push` is empty): it will
        /// not run, so nothing waits for it. `key` is the setting that would make it run.
        case notConfigured(key: String)
    }

    public var kind: DeployPlan.Kind
    public var state: State
    /// `done · registry/app:hotfix-1 · rev 8`, or empty while pending.
    public var detail: String

    public init(kind: DeployPlan.Kind, state: State, detail: String = "") {
        self.kind = kind; self.state = state; self.detail = detail
    }
}

/// What DEPLOY's keys offer now (derived by the controller from the latest attempt): enter's deploy
/// before anything was judged; once a verdict stands, only what makes sense after it (n after a
/// PASS; r and b after a FAIL; b after a rollback), and a second deploy only when the judged attempt
/// rolled nothing out or its PASS was rolled back (shown with its plan first, as a new attempt).
public struct DeployNext: Equatable, Sendable {
    public enum Enter: Equatable, Sendable {
        /// Nothing judged yet: the plan (hotfix deploy --dry-run), then y/n.
        case deploy
        /// Deploy again as attempt `attempt`, after the plan and y/n.
        case again(attempt: Int)
        /// A verdict stands: enter deploys nothing and says what comes next instead.
        case judged
    }

    public enum Advance: Equatable, Sendable {
        /// n is refused now (it asks for a reason to override): not offered.
        case refused
        /// n moves on (PASS).
        case moves
        /// n moves on with a written reason (MARGINAL, INCONCLUSIVE).
        case withReason
    }

    public var enter: Enter
    /// r (rollback) offered: something of this attempt is rolled out and not rolled back yet.
    public var rollback: Bool
    /// b (hotfix retry) offered: the verdict is not a PASS still in production.
    public var retry: Bool
    public var advance: Advance
    /// The judged attempt's number and verdict (`FAIL`; nil before a verdict).
    public var attempt: Int?
    public var outcome: String?
    /// Said on the status row when enter deploys nothing, and under the DEPLOY pane's rollout.
    public var words: String?

    public init(enter: Enter, rollback: Bool, retry: Bool, advance: Advance, attempt: Int? = nil, outcome: String? = nil,
                words: String? = nil) {
        self.enter = enter; self.rollback = rollback; self.retry = retry; self.advance = advance
        self.attempt = attempt; self.outcome = outcome; self.words = words
    }

    /// Before any verdict: enter deploys, r rolls back (once there is something to roll back).
    public static let beforeVerdict = DeployNext(enter: .deploy, rollback: true, retry: false, advance: .refused)
}
