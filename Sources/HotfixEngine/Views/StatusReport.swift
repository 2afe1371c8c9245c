import Foundation

/// The stable `hotfix status --json` shape: the incident, its clock and what blocks the next step.
public struct StatusReport: Codable, Sendable, Equatable {
    public struct PhaseRow: Codable, Sendable, Equatable {
        public var phase: Phase
        public var state: PhaseProgress
        public var usedSeconds: Double?
        public var targetSeconds: Double
        public var limitSeconds: Double
        public var pace: Pace
    }

    public struct ChecklistRow: Codable, Sendable, Equatable {
        public var item: ChecklistItem
        public var label: String
        public var status: CheckStatus
        public var evidence: String?
        public var reason: String?
        public var source: CheckSource
        public var at: Date?
    }

    public struct Blocker: Codable, Sendable, Equatable {
        public var rule: Guardrail
        public var message: String
        public var next: String
    }

    /// The latest monitoring verdict and the attempt it judged.
    public struct VerdictRow: Codable, Sendable, Equatable {
        public var attempt: Int
        public var outcome: VerdictRecord.Outcome
        public var reasons: [String]
        public var windowSeconds: Double
        public var at: Date
        /// The attempt was rolled back afterwards.
        public var rolledBack: Bool
    }

    /// One attempt: its deploy, verdict, rollback and the checklist it was deployed with.
    public struct AttemptRow: Codable, Sendable, Equatable {
        public struct Step: Codable, Sendable, Equatable {
            public var step: DeployPlan.Kind
            public var outcome: DeployRecord.Outcome
            public var at: Date
            public var detail: String?
        }
        public struct Rollback: Codable, Sendable, Equatable {
            public var revision: Int?
            public var outcome: RollbackRecord.Outcome
            public var automatic: Bool
            public var at: Date
        }
        public var attempt: Int
        public var startedAt: Date
        public var image: String?
        public var commit: String?
        public var commits: [String]
        public var baselineRevision: Int?
        public var rolledOutAt: Date?
        public var steps: [Step]
        /// `PASS`, `MARGINAL`, `FAIL`, `INCONCLUSIVE`; null while not judged.
        public var verdict: VerdictRecord.Outcome?
        public var verdictAt: Date?
        public var reasons: [String]
        public var rollbacks: [Rollback]
        /// When `hotfix retry` went back to FIX after it.
        public var retriedAt: Date?
        public var checklist: [ChecklistRow]
    }

    public var schema = 1
    public var id: IncidentID
    public var title: String
    public var severity: Severity
    /// The active phase; null once closed.
    public var phase: Phase?
    public var closed: Bool
    public var issue: Int?
    public var detectedAt: Date
    public var startedAt: Date
    public var now: Date
    public var elapsedSeconds: Double
    public var totalSeconds: Double
    public var remainingSeconds: Double
    public var pace: Pace
    public var phaseUsedSeconds: Double?
    public var phaseRemainingSeconds: Double?
    public var detectionToDeploySeconds: Double
    public var deployed: Bool
    public var postmortemDue: Date?
    public var assessment: Assessment
    public var phases: [PhaseRow]
    public var checklist: [ChecklistRow]
    /// What refuses `hotfix next` right now (empty when the next step is allowed).
    public var blockers: [Blocker]
    /// The latest monitoring verdict; null before any.
    public var verdict: VerdictRow?
    /// What may follow the latest attempt's verdict (`hotfix deploy` again or not, rollback,
    /// retry, next) and what comes next in commands; null before a verdict and after `hotfix retry`.
    public var afterVerdict: AfterVerdict?
    /// DEPLOY's steps as configured (`build`, `push`, `set image`, `roll out`, `monitor`); null
    /// when the report was made without the configuration.
    public var deploySteps: [String]?
    /// The attempt in play (1 until `hotfix retry`).
    public var attempt: Int
    /// Every deploy of the fix, in order.
    public var attempts: [AttemptRow]
    public var overrides: Int
    /// Notifications and GitHub actions waiting for `hotfix sync`.
    public var queued: Int
    public var lastSeq: Int

    /// `fix` is what the hotfix branch holds, read from git while the incident is in FIX.
    public init(_ state: IncidentState, now: Date, fix: FixProgress? = nil, deploySteps: [String]? = nil) {
        let timing = Timing(state, now: now)
        id = state.id
        title = state.title
        severity = state.severity
        phase = state.phase
        closed = state.isClosed
        issue = state.issue
        detectedAt = state.detectedAt
        startedAt = state.startedAt
        self.now = now
        elapsedSeconds = timing.elapsed
        totalSeconds = timing.total
        remainingSeconds = timing.remaining
        pace = timing.pace
        let active = state.phase.map { timing.timing(of: $0) }
        phaseUsedSeconds = active?.used
        phaseRemainingSeconds = active?.remaining
        detectionToDeploySeconds = timing.detectionToDeploy
        deployed = timing.deployed
        postmortemDue = timing.postmortemDue
        assessment = state.assessment
        phases = timing.phases.map {
            PhaseRow(phase: $0.phase, state: $0.progress, usedSeconds: $0.used, targetSeconds: $0.budget.target,
                     limitSeconds: $0.budget.limit, pace: $0.pace)
        }
        checklist = Self.rows(state.checklist)
        blockers = Guardrails.forAdvance(in: state, fix: fix).map { Blocker(rule: $0.rule, message: $0.message, next: $0.next) }
        let judged = state.attempts.last { $0.verdict != nil }
        verdict = judged.flatMap { a in
            a.verdict.map { VerdictRow(attempt: a.number, outcome: $0.record.outcome, reasons: $0.record.reasons,
                                       windowSeconds: $0.record.windowSeconds, at: $0.at, rolledBack: a.rollback != nil) }
        }
        afterVerdict = AfterVerdict.of(state)
        self.deploySteps = deploySteps
        attempt = state.attemptNumber
        attempts = state.attempts.map(Self.row)
        overrides = state.overrides.count
        queued = state.outbox.count
        lastSeq = state.lastSeq
    }

    static func rows(_ checklist: [ChecklistItem: CheckEntry]) -> [ChecklistRow] {
        ChecklistItem.allCases.map { item in
            let e = checklist[item] ?? CheckEntry()
            return ChecklistRow(item: item, label: item.label, status: e.status, evidence: e.evidence,
                                reason: e.reason, source: e.source, at: e.at)
        }
    }

    static func row(_ a: Attempt) -> AttemptRow {
        AttemptRow(attempt: a.number, startedAt: a.startedAt, image: a.image, commit: a.commit, commits: a.commits,
                   baselineRevision: a.step(.baseline)?.record.revision, rolledOutAt: a.rolledOutAt,
                   steps: a.steps.map { AttemptRow.Step(step: $0.record.step, outcome: $0.record.outcome, at: $0.at, detail: $0.record.detail) },
                   verdict: a.verdict?.record.outcome, verdictAt: a.verdict?.at, reasons: a.verdict?.record.reasons ?? [],
                   rollbacks: a.rollbacks.map { AttemptRow.Rollback(revision: $0.record.revision, outcome: $0.record.outcome,
                                                                  automatic: $0.record.automatic, at: $0.at) },
                   retriedAt: a.retriedAt, checklist: rows(a.checklist))
    }
}
