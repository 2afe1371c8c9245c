import Foundation

/// A git step of the branch or finish plan and its result.
public struct GitRecord: Codable, Sendable, Equatable {
    public var step: GitStepName
    /// The target branch for backports and merges.
    public var target: String?
    public var outcome: GitOutcome
    public var sha: String?
    public var files: [String]?
    public var detail: String?

    public init(step: GitStepName, target: String? = nil, outcome: GitOutcome, sha: String? = nil,
                files: [String]? = nil, detail: String? = nil) {
        self.step = step; self.target = target; self.outcome = outcome
        self.sha = sha; self.files = files; self.detail = detail
    }
}

/// A deploy step: build, push, baseline, set-image, rollout.
public struct DeployRecord: Codable, Sendable, Equatable {
    public var step: DeployPlan.Kind
    public var outcome: Outcome
    public var image: String?
    public var revision: Int?
    public var detail: String?
    /// The baseline step: the commit deployed (the repository's HEAD) and the fix's commits not
    /// on main, `sha subject`, newest first (absent in older records).
    public var commit: String?
    public var commits: [String]?

    public init(_ step: DeployPlan.Kind, _ outcome: Outcome, image: String? = nil, revision: Int? = nil, detail: String? = nil,
                commit: String? = nil, commits: [String]? = nil) {
        self.step = step; self.outcome = outcome; self.image = image; self.revision = revision; self.detail = detail
        self.commit = commit
        self.commits = commits
    }
}

/// The monitoring window's verdict.
public struct VerdictRecord: Codable, Sendable, Equatable {
    public var outcome: Outcome
    public var reasons: [String]
    public var windowSeconds: Double
    public var numbers: [String: Double]

    public init(outcome: Outcome, reasons: [String], windowSeconds: Double, numbers: [String: Double] = [:]) {
        self.outcome = outcome; self.reasons = reasons; self.windowSeconds = windowSeconds; self.numbers = numbers
    }
}

/// `hotfix retry`: DEPLOY went back to FIX for another attempt, on the same branch and clock.
public struct RetryRecord: Codable, Sendable, Equatable {
    /// The attempt that begins (2, 3, …).
    public var attempt: Int
    /// The verdict of the attempt left behind (`FAIL`, …); nil when it had none.
    public var after: VerdictRecord.Outcome?

    public init(attempt: Int, after: VerdictRecord.Outcome?) { self.attempt = attempt; self.after = after }
}

/// A rollback of the deployment.
public struct RollbackRecord: Codable, Sendable, Equatable {
    public var revision: Int?
    public var image: String?
    public var outcome: Outcome
    public var automatic: Bool

    public init(revision: Int?, image: String?, outcome: Outcome, automatic: Bool = false) {
        self.revision = revision; self.image = image; self.outcome = outcome; self.automatic = automatic
    }
}

/// A notification or GitHub action: queued, sent or failed.
public struct NotificationRecord: Codable, Sendable, Equatable {
    public var channel: NotificationChannel
    public var kind: NotificationKind
    public var status: NotificationStatus
    public var attempt: Int
    public var detail: String?
    /// The message as sent (never a secret), so a queued one can be delivered later by `hotfix sync`.
    public var text: String?
    /// The issue number or chat the message is for (never a token).
    public var target: String?

    public init(channel: NotificationChannel, kind: NotificationKind, status: NotificationStatus, attempt: Int = 1, detail: String? = nil,
                text: String? = nil, target: String? = nil) {
        self.channel = channel; self.kind = kind; self.status = status; self.attempt = attempt; self.detail = detail
        self.text = text; self.target = target
    }

    /// One outbox slot: a later record with the same key supersedes an earlier one.
    public var key: String { "\(channel.name)/\(kind.name)" }
}
