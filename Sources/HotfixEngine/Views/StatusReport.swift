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
    public var overrides: Int
    /// Notifications and GitHub actions waiting for `hotfix sync`.
    public var queued: Int
    public var lastSeq: Int

    /// `fix` is what the hotfix branch holds, read from git while the incident is in FIX.
    public init(_ state: IncidentState, now: Date, fix: FixProgress? = nil) {
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
        checklist = ChecklistItem.allCases.map { item in
            let e = state.checklist[item] ?? CheckEntry()
            return ChecklistRow(item: item, label: item.label, status: e.status, evidence: e.evidence,
                                reason: e.reason, source: e.source, at: e.at)
        }
        blockers = Guardrails.forAdvance(in: state, fix: fix).map { Blocker(rule: $0.rule, message: $0.message, next: $0.next) }
        overrides = state.overrides.count
        queued = state.outbox.count
        lastSeq = state.lastSeq
    }
}
