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
    /// The baseline step with Helm: the release and its revision before the upgrade (what
    /// `helm rollback` goes back to).
    public var release: String?
    public var releaseRevision: Int?
    /// The baseline step: how this deploy would be undone, with the exact commands (absent in older records).
    public var rollback: RollbackPlanRecord?

    public init(_ step: DeployPlan.Kind, _ outcome: Outcome, image: String? = nil, revision: Int? = nil, detail: String? = nil,
                commit: String? = nil, commits: [String]? = nil, release: String? = nil, releaseRevision: Int? = nil,
                rollback: RollbackPlanRecord? = nil) {
        self.step = step; self.outcome = outcome; self.image = image; self.revision = revision; self.detail = detail
        self.commit = commit
        self.commits = commits
        self.release = release; self.releaseRevision = releaseRevision; self.rollback = rollback
    }
}

/// How a deploy would be undone, recorded with its baseline: the way, the exact commands (a
/// GitOps revert's are printed for a person, never run), and why that way.
public struct RollbackPlanRecord: Codable, Sendable, Equatable {
    public var way: RollbackWay
    public var commands: [[String]]
    public var note: String?

    public init(way: RollbackWay, commands: [[String]], note: String? = nil) {
        self.way = way; self.commands = commands; self.note = note
    }

    /// `helm rollback app 3 --namespace prod`, then …; each command as a shell would show it.
    public var text: String {
        commands.map { $0.map(DeployPlan.quoted).joined(separator: " ") }.joined(separator: "; then ")
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
    /// How it was made (absent in older records: `kubectl rollout undo`), and the command run.
    public var way: RollbackWay?
    public var command: [String]?

    public init(revision: Int?, image: String?, outcome: Outcome, automatic: Bool = false, way: RollbackWay? = nil, command: [String]? = nil) {
        self.revision = revision; self.image = image; self.outcome = outcome; self.automatic = automatic
        self.way = way; self.command = command
    }

    /// `to revision 1`, `with helm rollback to release revision 3`, `with deploy.rollback (…)`.
    public var target: String {
        let rev = revision.map(String.init) ?? "?"
        switch way ?? .kubectlUndo {
        case .helmRollback: return "with helm rollback to release revision \(rev)"
        case .command: return "with the configured command" + (command.map { " (\($0.joined(separator: " ")))" } ?? "")
        default: return "to revision \(rev)"
        }
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
