import Foundation

/// One line of the journal: an envelope around what happened.
public struct Event: Sendable, Equatable {
    /// The journal schema this build writes and reads.
    public static let schemaVersion = 1

    public var schema: Int
    /// 1, 2, 3, … in file order.
    public var seq: Int
    /// Wall-clock time, UTC, millisecond precision.
    public var at: Date
    /// The writer's monotonic clock in seconds (informational: orders events within one process).
    public var mono: Double
    public var body: EventBody

    public init(seq: Int, at: Date, mono: Double = 0, body: EventBody) {
        schema = Event.schemaVersion
        self.seq = seq
        self.at = Date(timeIntervalSince1970: (at.timeIntervalSince1970 * 1000).rounded() / 1000)
        self.mono = mono
        self.body = body
    }

    public var type: String { body.type }
}

/// What happened. Each case is one event type in the journal.
public enum EventBody: Sendable, Equatable {
    case started(Started)
    case assessed(Assessment)
    case phaseChanged(PhaseChange)
    case overridden(GuardrailOverride)
    case checked(Check)
    case noted(Note)
    case commandRan(CommandRun)
    case git(GitRecord)
    case deploy(DeployRecord)
    case verdict(VerdictRecord)
    case rollback(RollbackRecord)
    case notification(NotificationRecord)
    case artifact(Artifact)
    case warning(Warning)
    case changes(ChangeSet)
    case retried(RetryRecord)

    public var type: String {
        switch self {
        case .started: "started"
        case .assessed: "assessed"
        case .phaseChanged: "phase"
        case .overridden: "override"
        case .checked: "check"
        case .noted: "note"
        case .commandRan: "command"
        case .git: "git"
        case .deploy: "deploy"
        case .verdict: "verdict"
        case .rollback: "rollback"
        case .notification: "notification"
        case .artifact: "artifact"
        case .warning: "warning"
        case .changes: "changes"
        case .retried: "retry"
        }
    }
}

// MARK: - Payloads

/// The incident was opened.
public struct Started: Codable, Sendable, Equatable {
    public var id: IncidentID
    public var title: String
    public var severity: Severity
    public var detectedAt: Date
    public var budgets: Budgets
    /// The linked GitHub issue number, if any.
    public var issue: Int?

    public init(id: IncidentID, title: String, severity: Severity, detectedAt: Date, budgets: Budgets, issue: Int? = nil) {
        self.id = id; self.title = title; self.severity = severity
        self.detectedAt = detectedAt; self.budgets = budgets; self.issue = issue
    }
}

/// Answers to ASSESS; a nil field leaves the previous answer as it was.
public struct Assessment: Codable, Sendable, Equatable {
    public var broken: String?
    public var impact: String?
    public var hypothesis: String?
    /// The incident's error as the logs show it (a substring or template): what the monitoring
    /// window's "targeted error" signal follows (absent in older records).
    public var target: String?

    public init(broken: String? = nil, impact: String? = nil, hypothesis: String? = nil, target: String? = nil) {
        self.broken = broken; self.impact = impact; self.hypothesis = hypothesis; self.target = target
    }

    public var isEmpty: Bool { broken == nil && impact == nil && hypothesis == nil && target == nil }
}

/// A guardrail passed with a written reason: shown as a deviation in the report.
public struct GuardrailOverride: Codable, Sendable, Equatable {
    public var rule: Guardrail
    public var reason: String
    /// What the person was doing, e.g. `next deploy → backport`.
    public var action: String
    /// What the guardrail said.
    public var message: String

    public init(rule: Guardrail, reason: String, action: String, message: String) {
        self.rule = rule; self.reason = reason; self.action = action; self.message = message
    }
}

/// The incident moved from one phase to the next; `to == nil` closes it.
public struct PhaseChange: Codable, Sendable, Equatable {
    public var from: Phase
    public var to: Phase?
    public var overrides: [GuardrailOverride]

    public init(from: Phase, to: Phase?, overrides: [GuardrailOverride] = []) {
        self.from = from; self.to = to; self.overrides = overrides
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        from = try c.decode(Phase.self, forKey: .from)
        to = try c.decodeIfPresent(Phase.self, forKey: .to)
        overrides = try c.decodeIfPresent([GuardrailOverride].self, forKey: .overrides) ?? []
    }
}

/// A checklist item was set.
public struct Check: Codable, Sendable, Equatable {
    public var item: ChecklistItem
    public var status: CheckStatus
    public var evidence: String?
    public var reason: String?
    public var source: CheckSource
    /// The commit the result was computed on, when it depends on one.
    public var commit: String?

    public init(item: ChecklistItem, status: CheckStatus, evidence: String? = nil, reason: String? = nil,
                source: CheckSource = .manual, commit: String? = nil) {
        self.item = item; self.status = status; self.evidence = evidence
        self.reason = reason; self.source = source; self.commit = commit
    }
}

/// A free-text note.
public struct Note: Codable, Sendable, Equatable {
    public var text: String
    public init(text: String) { self.text = text }
}

/// A command that ran: git, tests, docker, kubectl, gh.
public struct CommandRun: Codable, Sendable, Equatable {
    public var phase: Phase?
    /// What the step was for: a test step, a git step, the image's build or push.
    public var step: CommandStep
    public var argv: [String]
    public var exitCode: Int32
    public var seconds: Double
    public var passed: Int?
    public var failed: Int?
    public var outputTail: [String]?
    public var commit: String?

    public init(phase: Phase?, step: CommandStep, argv: [String], exitCode: Int32, seconds: Double,
                passed: Int? = nil, failed: Int? = nil, outputTail: [String]? = nil, commit: String? = nil) {
        self.phase = phase; self.step = step; self.argv = argv; self.exitCode = exitCode
        self.seconds = seconds; self.passed = passed; self.failed = failed
        self.outputTail = outputTail; self.commit = commit
    }
}

/// A file the tool wrote (report, post-mortem) or a post-mortem marked written.
public struct Artifact: Codable, Sendable, Equatable {
    public var kind: ArtifactKind
    public var path: String

    public init(kind: ArtifactKind, path: String) { self.kind = kind; self.path = path }
}

/// Something a person should see: a minimal-change rule broken, a phase run out of order.
public struct Warning: Codable, Sendable, Equatable {
    public var source: WarningSource
    public var message: String

    public init(source: WarningSource, message: String) { self.source = source; self.message = message }
}

/// What the fix changed, read from git once and kept in the record for the report.
public struct ChangeSet: Codable, Sendable, Equatable {
    public struct File: Codable, Sendable, Equatable {
        public var path: String
        public var added: Int
        public var removed: Int
        /// The subjects of the fix commits that touched this file.
        public var summary: String
        /// True when the fix creates the file (absent in older records).
        public var isNew: Bool?

        public init(path: String, added: Int, removed: Int, summary: String, isNew: Bool? = nil) {
            self.path = path; self.added = added; self.removed = removed; self.summary = summary; self.isNew = isNew
        }
    }

    public var base: String
    public var head: String
    public var files: [File]
    public var commits: [String]

    public init(base: String, head: String, files: [File], commits: [String]) {
        self.base = base; self.head = head; self.files = files; self.commits = commits
    }
}
