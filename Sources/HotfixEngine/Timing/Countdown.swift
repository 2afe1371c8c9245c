import Foundation

/// Where a phase or the incident stands against its budget.
public enum Pace: String, Codable, Sendable {
    case onTrack = "on track"
    case pastTarget = "past target"
    case overrun

    public static func of(used: TimeInterval, budget: Budget) -> Pace {
        if used > budget.limit { return .overrun }
        if used > budget.target { return .pastTarget }
        return .onTrack
    }
}

/// Whether a phase is behind, at or ahead of the incident.
public enum PhaseProgress: String, Codable, Sendable {
    case pending, active, done
}

/// A phase's time against its budget, derived from event times and the clock.
public struct PhaseTiming: Sendable, Equatable {
    public var phase: Phase
    public var progress: PhaseProgress
    /// Seconds spent in the phase across all its visits; nil when never entered.
    public var used: TimeInterval?
    public var budget: Budget
    public var pace: Pace

    /// Seconds until the limit (negative when overrun); nil when never entered.
    public var remaining: TimeInterval? { used.map { budget.limit - $0 } }
}

/// The whole incident's clock at one instant.
public struct Timing: Sendable, Equatable {
    public var now: Date
    public var elapsed: TimeInterval
    public var total: TimeInterval
    public var pace: Pace
    public var phases: [PhaseTiming]
    /// Detection to the end of the rollout (the workflow's target: under 2 hours); running until deployed.
    public var detectionToDeploy: TimeInterval
    public var deployed: Bool
    /// The post-mortem is due 24 h after the fix was verified stable (or the incident closed).
    public var postmortemDue: Date?

    public var remaining: TimeInterval { total - elapsed }

    /// Computes every countdown from the state's event times and `now`; never from ticks.
    public init(_ state: IncidentState, now: Date) {
        self.now = now
        let end = state.closedAt ?? now
        elapsed = max(0, end.timeIntervalSince(state.startedAt))
        total = state.budgets.total
        pace = Pace.of(used: elapsed, budget: Budget(target: total, limit: total))
        phases = Phase.allCases.map { phase in
            let visits = state.visits.filter { $0.phase == phase }
            let used: TimeInterval? = visits.isEmpty ? nil : visits.reduce(0) { sum, v in
                sum + max(0, (v.end ?? end).timeIntervalSince(v.start))
            }
            // After `hotfix retry` the phases past the active one were visited but are to be done again.
            let ahead = state.phase.map { phase > $0 } ?? false
            let progress: PhaseProgress = state.phase == phase ? .active
                : (visits.isEmpty || ahead ? .pending : .done)
            let budget = state.budgets[phase]
            return PhaseTiming(phase: phase, progress: progress, used: used, budget: budget,
                               pace: used.map { Pace.of(used: $0, budget: budget) } ?? .onTrack)
        }
        deployed = state.deployedAt != nil
        detectionToDeploy = max(0, (state.deployedAt ?? end).timeIntervalSince(state.detectedAt))
        if state.postmortemDoneAt == nil, let stable = state.verifiedAt ?? state.closedAt {
            postmortemDue = stable + 24 * 3600
        } else {
            postmortemDue = nil
        }
    }

    public func timing(of phase: Phase) -> PhaseTiming { phases[phase.index] }
}
