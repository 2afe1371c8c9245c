import Foundation

/// One visit of a phase: when it started and, once left, when it ended.
public struct PhaseVisit: Sendable, Equatable, Codable {
    public var phase: Phase
    public var start: Date
    public var end: Date?
}

/// A backport target's latest result.
public struct BackportStatus: Sendable, Equatable, Codable {
    public var branch: String
    public var outcome: GitOutcome
    public var sha: String?
    public var files: [String]
    public var detail: String?
    public var at: Date

    /// Merged, up to date, or skipped with a reason: nothing left to do for this branch.
    public var isHandled: Bool { outcome.isHandled }
}

/// The incident as the journal says it is: a fold over its events, nothing stored besides.
public struct IncidentState: Sendable, Equatable {
    public var id: IncidentID
    public var title: String
    public var severity: Severity
    public var detectedAt: Date
    public var startedAt: Date
    public var budgets: Budgets
    public var issue: Int?
    public var assessment = Assessment()
    /// The active phase; nil once the incident is closed.
    public var phase: Phase?
    public var closedAt: Date?
    public var visits: [PhaseVisit] = []
    public var checklist: [ChecklistItem: CheckEntry] = [:]
    public var notes: [(at: Date, text: String)] = []
    public var overrides: [(at: Date, override: GuardrailOverride)] = []
    public var commands: [(at: Date, run: CommandRun)] = []
    public var gitSteps: [(at: Date, record: GitRecord)] = []
    public var backports: [String: BackportStatus] = [:]
    /// A backport run finished (even one that found no targets): an empty `backports` then means "none to do".
    public var backportsChecked = false
    public var tag: (name: String, sha: String?)?
    public var deploySteps: [(at: Date, record: DeployRecord)] = []
    /// When the latest rollout finished (the fix in production, unless rolled back since).
    public var deployedAt: Date?
    /// Every deploy and what came of it, in order (see `Attempt`).
    public var attempts: [Attempt] = []
    public var verdicts: [(at: Date, record: VerdictRecord)] = []
    public var rollbacks: [(at: Date, record: RollbackRecord)] = []
    public var notifications: [(at: Date, record: NotificationRecord)] = []
    public var artifacts: [ArtifactKind: String] = [:]
    public var postmortemDoneAt: Date?
    public var warnings: [(at: Date, warning: Warning)] = []
    /// The latest record of what the fix changed.
    public var changes: ChangeSet?
    public var lastSeq = 0
    public var lastEventAt: Date

    public init(started: Started, at: Date) {
        id = started.id
        title = started.title
        severity = started.severity
        detectedAt = started.detectedAt
        startedAt = at
        budgets = started.budgets
        issue = started.issue
        phase = .assess
        visits = [PhaseVisit(phase: .assess, start: at)]
        lastEventAt = at
        for item in ChecklistItem.allCases { checklist[item] = CheckEntry() }
    }

    public var isClosed: Bool { phase == nil }

    /// Notifications whose latest record is not `sent` or `skipped`: what `hotfix sync` retries.
    public var outbox: [NotificationRecord] {
        var latest: [String: NotificationRecord] = [:]
        var order: [String] = []
        for (_, n) in notifications {
            if latest[n.key] == nil { order.append(n.key) }
            latest[n.key] = n
        }
        return order.compactMap { latest[$0] }.filter { $0.status.isPending }
    }

    /// The latest verdict of a monitoring window, if any.
    public var verdict: VerdictRecord? { verdicts.last?.record }

    /// When the fix was judged stable: the latest judged attempt's verdict, when it is PASS or
    /// MARGINAL (an earlier attempt's verdict does not vouch for a later deploy).
    public var verifiedAt: Date? {
        guard let judged = attempts.last(where: { $0.verdict != nil })?.verdict else { return nil }
        return judged.record.outcome.isStable ? judged.at : nil
    }

    /// Merged, tagged and pushed: what is left in CLOSE is the report.
    public var isFinished: Bool {
        tag != nil && gitSteps.contains { $0.record.step == .push && $0.record.outcome == .done }
    }

    public static func == (a: IncidentState, b: IncidentState) -> Bool {
        a.id == b.id && a.lastSeq == b.lastSeq && a.phase == b.phase && a.checklist == b.checklist
            && a.assessment == b.assessment && a.visits == b.visits
    }
}

extension IncidentState {
    /// Applies one event. Events are facts: nothing here refuses; refusals happen before writing.
    public mutating func apply(_ event: Event) {
        lastSeq = event.seq
        lastEventAt = event.at
        let at = event.at
        switch event.body {
        case .started:
            break  // only the first event starts an incident; a repeat is ignored
        case .assessed(let a):
            if let v = a.broken { assessment.broken = v }
            if let v = a.impact { assessment.impact = v }
            if let v = a.hypothesis { assessment.hypothesis = v }
            if let v = a.target { assessment.target = v.isEmpty ? nil : v }
        case .phaseChanged(let change):
            if let i = visits.indices.last, visits[i].end == nil { visits[i].end = at }
            for o in change.overrides { overrides.append((at, o)) }
            phase = change.to
            if let to = change.to {
                visits.append(PhaseVisit(phase: to, start: at))
            } else {
                closedAt = at
            }
        case .overridden(let o):
            overrides.append((at, o))
        case .checked(let c):
            checklist[c.item] = CheckEntry(status: c.status, evidence: c.evidence, reason: c.reason, source: c.source, at: at)
        case .noted(let n):
            notes.append((at, n.text))
        case .commandRan(let run):
            commands.append((at, run))
        case .git(let g):
            gitSteps.append((at, g))
            if g.step == .backport, let target = g.target {
                backports[target] = BackportStatus(branch: target, outcome: g.outcome, sha: g.sha,
                                                   files: g.files ?? [], detail: g.detail, at: at)
            }
            if g.step == .backport, g.target == nil, g.outcome == .done { backportsChecked = true }
            if g.step == .tag, g.outcome.isDone {
                tag = (g.target ?? "hotfix-\(id)", g.sha)
            }
        case .deploy(let d):
            deploySteps.append((at, d))
            attemptForDeploy(d, at: at)
            if d.step == .rollout, d.outcome == .done { deployedAt = at }
        case .verdict(let v):
            verdicts.append((at, v))
            if attempts.isEmpty { attempts.append(Attempt(number: 1, startedAt: at, checklist: checklist)) }
            attempts[attempts.count - 1].verdict = (at, v)
        case .rollback(let r):
            rollbacks.append((at, r))
            if !attempts.isEmpty { attempts[attempts.count - 1].rollbacks.append((at, r)) }
        case .retried:
            // Back to FIX on the same branch and clock; the checklist is earned again for the new
            // code (the attempt keeps what it had), except what a person waived with a reason.
            if let i = visits.indices.last, visits[i].end == nil { visits[i].end = at }
            phase = .fix
            visits.append(PhaseVisit(phase: .fix, start: at))
            if let last = attempts.last, last.retriedAt == nil { attempts[attempts.count - 1].retriedAt = at }
            for (item, entry) in checklist where entry.status != .waived { checklist[item] = CheckEntry() }
        case .notification(let n):
            notifications.append((at, n))
        case .artifact(let a):
            artifacts[a.kind] = a.path
            if a.kind == .postmortemDone, postmortemDoneAt == nil { postmortemDoneAt = at }
        case .warning(let w):
            warnings.append((at, w))
        case .changes(let c):
            changes = c
        }
    }

    /// Folds a whole journal. Returns nil when the first event is not `started`.
    public static func replay(_ events: [Event]) -> IncidentState? {
        guard let first = events.first, case .started(let s) = first.body else { return nil }
        var state = IncidentState(started: s, at: first.at)
        state.lastSeq = first.seq
        for e in events.dropFirst() { state.apply(e) }
        return state
    }
}
