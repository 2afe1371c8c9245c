import HotfixLogs

/// What a journaled command ran for (`CommandRun.step`): a test step, a git step, a deploy step.
public enum CommandStep: JournalName {
    /// TEST's commands.
    case smoke, critical, manual
    /// The git flow's steps (`GitStepName`).
    case branch, preflight, backport, mergeMain, tag, push, deleteBranch, commit
    /// DEPLOY's image build (its push is `push`), the command run instead of set image
    /// (`deploy.rollout`), and a rollback command (helm rollback, `deploy.rollback`).
    case build, rolloutCommand, rollback
    case unrecognized(String)

    public static let known: [CommandStep] = [.smoke, .critical, .manual, .branch, .preflight, .backport, .mergeMain, .tag, .push, .deleteBranch,
                                              .commit, .build, .rolloutCommand, .rollback]

    public var name: String {
        switch self {
        case .smoke: "smoke"
        case .critical: "critical"
        case .manual: "manual"
        case .branch: "branch"
        case .preflight: "preflight"
        case .backport: "backport"
        case .mergeMain: "merge-main"
        case .tag: "tag"
        case .push: "push"
        case .deleteBranch: "delete-branch"
        case .commit: "commit"
        case .build: "build"
        case .rolloutCommand: "rollout-command"
        case .rollback: "rollback"
        case .unrecognized(let name): name
        }
    }

    /// The git step's command: the same name.
    public init(_ git: GitStepName) { self.init(name: git.name) }

    /// The deploy step's command (its build or push): the same name.
    public init(_ deploy: DeployPlan.Kind) { self.init(name: deploy.name) }

    /// One of TEST's commands: it counts for TEST whichever phase it ran in.
    public var isTest: Bool { self == .smoke || self == .critical || self == .manual }
}

/// A notification's channel (`NotificationRecord.channel`).
public enum NotificationChannel: JournalName {
    case telegram, github
    case unrecognized(String)

    public static let known: [NotificationChannel] = [.telegram, .github]

    public var name: String {
        switch self {
        case .telegram: "telegram"
        case .github: "github"
        case .unrecognized(let name): name
        }
    }
}

/// What a notification is about (`NotificationRecord.kind`): Telegram's messages, and GitHub's
/// phase comments, the issue close and the post-mortem's action items.
public enum NotificationKind: JournalName {
    case started, deployed, verdict, complete
    /// The comment after a phase (`comment-<phase>`).
    case comment(Phase)
    /// Closing the linked issue.
    case close
    /// The post-mortem's action item N as an issue (`action-N`).
    case action(Int)
    case unrecognized(String)

    public static let known: [NotificationKind] = [.started, .deployed, .verdict, .complete, .close]

    public init(name: String) {
        if name.hasPrefix("comment-"), let phase = Phase(rawValue: String(name.dropFirst(8))) {
            self = .comment(phase)
        } else if name.hasPrefix("action-"), let n = Int(name.dropFirst(7)), n > 0, "action-\(n)" == name {
            self = .action(n)
        } else {
            self = Self.known.first { $0.name == name } ?? .unrecognized(name)
        }
    }

    public var name: String {
        switch self {
        case .started: "started"
        case .deployed: "deployed"
        case .verdict: "verdict"
        case .complete: "complete"
        case .comment(let phase): "comment-\(phase.rawValue)"
        case .close: "close"
        case .action(let n): "action-\(n)"
        case .unrecognized(let name): name
        }
    }
}

/// Where a notification stands (`NotificationRecord.status`).
public enum NotificationStatus: JournalName {
    case queued, sent, failed, skipped
    case unrecognized(String)

    public static let known: [NotificationStatus] = [.queued, .sent, .failed, .skipped]

    public var name: String {
        switch self {
        case .queued: "queued"
        case .sent: "sent"
        case .failed: "failed"
        case .skipped: "skipped"
        case .unrecognized(let name): name
        }
    }

    /// Still to deliver: what `hotfix sync` retries. An unrecognized status is left alone.
    public var isPending: Bool { self == .queued || self == .failed }
}

/// A file the tool wrote, or the post-mortem marked written (`Artifact.kind`).
public enum ArtifactKind: JournalName {
    case report, postmortem, postmortemDone
    case unrecognized(String)

    public static let known: [ArtifactKind] = [.report, .postmortem, .postmortemDone]

    public var name: String {
        switch self {
        case .report: "report"
        case .postmortem: "postmortem"
        case .postmortemDone: "postmortem-done"
        case .unrecognized(let name): name
        }
    }
}

/// Who raised a warning (`Warning.source`).
public enum WarningSource: JournalName {
    /// The git flow (a step's warning, or a git command run out of phase).
    case git
    /// A command run outside the phase the workflow expects it in.
    case phase
    /// The FIX watch's minimal-change rules.
    case fixWatch
    /// The diff review (older records).
    case diff
    /// DEPLOY's runner (a step that could not be journaled as it happened).
    case deploy
    case unrecognized(String)

    public static let known: [WarningSource] = [.git, .phase, .fixWatch, .diff, .deploy]

    public var name: String {
        switch self {
        case .git: "git"
        case .phase: "phase"
        case .fixWatch: "fix-watch"
        case .diff: "diff"
        case .deploy: "deploy"
        case .unrecognized(let name): name
        }
    }
}

extension DeployRecord {
    /// How a deploy step ended (`DeployRecord.outcome`).
    public enum Outcome: JournalName {
        case done, failed
        /// Ended by hotfix before it finished (`rollout status` once the window had failed, or
        /// on a rollback); `detail` says why.
        case stopped
        case unrecognized(String)

        public static let known: [Outcome] = [.done, .failed, .stopped]

        public var name: String {
            switch self {
            case .done: "done"
            case .failed: "failed"
            case .stopped: "stopped"
            case .unrecognized(let name): name
            }
        }
    }
}

extension VerdictRecord {
    /// The monitoring window's verdict as journaled (`VerdictRecord.outcome`, `RetryRecord.after`).
    public enum Outcome: JournalName {
        case pass, marginal, fail, inconclusive
        case unrecognized(String)

        public static let known: [Outcome] = [.pass, .marginal, .fail, .inconclusive]

        public init(_ verdict: VerdictOutcome) { self.init(name: verdict.rawValue) }

        public var name: String {
            switch self {
            case .pass: "PASS"
            case .marginal: "MARGINAL"
            case .fail: "FAIL"
            case .inconclusive: "INCONCLUSIVE"
            case .unrecognized(let name): name
            }
        }

        /// The verdict this build judges with; nil for a newer writer's outcome.
        public var verdict: VerdictOutcome? { VerdictOutcome(rawValue: name) }

        /// The fix counts as verified stable.
        public var isStable: Bool { self == .pass || self == .marginal }
    }
}

extension RollbackRecord {
    /// How a rollback ended (`RollbackRecord.outcome`): `done`, or `failed: <why>`.
    public enum Outcome: JournalName {
        case done
        case failed(String)
        case unrecognized(String)

        public static let known: [Outcome] = [.done]

        public init(name: String) {
            if name.hasPrefix("failed: ") {
                self = .failed(String(name.dropFirst("failed: ".count)))
            } else {
                self = name == "done" ? .done : .unrecognized(name)
            }
        }

        public var name: String {
            switch self {
            case .done: "done"
            case .failed(let why): "failed: \(why)"
            case .unrecognized(let name): name
            }
        }
    }
}
