import Foundation

/// What the record says happened, in the shape the report and the post-mortem need.
/// Everything here is read from the state; nothing is assumed.
public struct CloseFacts: Sendable {
    public struct BranchResult: Sendable, Equatable {
        public var branch: String
        public var outcome: GitOutcome
        public var files: [String]
        /// When a conflict was later resolved by hand and merged.
        public var resolvedAt: Date?
    }

    public struct Deviation: Sendable, Equatable {
        public var at: Date
        public var text: String
    }

    public var state: IncidentState
    public var now: Date
    public var mainBranch: String
    public var developBranch: String
    public var hotfixBranch: String
    public var tagName: String

    public init(state: IncidentState, now: Date, mainBranch: String = "main", developBranch: String = "develop",
                hotfixBranch: String? = nil, tagName: String? = nil) {
        self.state = state
        self.now = now
        self.mainBranch = mainBranch
        self.developBranch = developBranch
        self.hotfixBranch = hotfixBranch ?? "hotfix/\(state.id)"
        self.tagName = tagName ?? "hotfix-\(state.id)"
    }

    /// Detection to verified stable; or to now/closed while not yet verified.
    public var timeToFix: (seconds: TimeInterval, verified: Bool) {
        if let v = state.verifiedAt { return (v.timeIntervalSince(state.detectedAt), true) }
        return ((state.closedAt ?? now).timeIntervalSince(state.detectedAt), false)
    }

    /// Every backport target with its latest outcome, develop first.
    public var backports: [BranchResult] {
        let names = state.backports.keys.sorted { a, b in
            if a == developBranch { return true }
            if b == developBranch { return false }
            return a < b
        }
        return names.map { name in
            let latest = state.backports[name]!
            let history = state.gitSteps.filter { $0.record.step == .backport && $0.record.target == name }
            let hadConflict = history.contains { $0.record.outcome == .conflict }
            let conflictFiles = history.last { $0.record.outcome == .conflict }?.record.files ?? []
            let resolved = hadConflict && latest.outcome == .merged ? latest.at : nil
            return BranchResult(branch: name, outcome: latest.outcome,
                                files: latest.outcome == .conflict ? latest.files : conflictFiles, resolvedAt: resolved)
        }
    }

    public var branchDeleted: Bool {
        state.gitSteps.contains { $0.record.step == .deleteBranch && $0.record.outcome.isDone }
    }

    /// Test commands run in TEST (or named smoke/critical), latest run of each step.
    public var testRuns: [CommandRun] {
        var latest: [CommandStep: CommandRun] = [:]
        var order: [CommandStep] = []
        for (_, run) in state.commands where run.phase == .test || run.step.isTest {
            if latest[run.step] == nil { order.append(run.step) }
            latest[run.step] = run
        }
        return order.compactMap { latest[$0] }
    }

    /// Overrides, overruns and FAIL verdicts, in time order: what did not go by the book.
    public var deviations: [Deviation] {
        var out: [Deviation] = []
        for (at, o) in state.overrides {
            out.append(Deviation(at: at, text: "Guardrail '\(o.rule.rawValue)' overridden (\(o.action)): \(o.reason)"))
        }
        let timing = Timing(state, now: now)
        for p in timing.phases {
            guard let used = p.used, p.pace == .overrun else { continue }
            let at = state.visits.first { $0.phase == p.phase }?.start ?? state.startedAt
            out.append(Deviation(at: at, text: "\(p.phase.title) overran its budget: \(Durations.clock(used)) against \(p.budget.minutesLabel) min"))
        }
        let several = state.attempts.count > 1
        for a in state.attempts {
            guard let (at, v) = a.verdict, v.outcome == .fail else { continue }
            out.append(Deviation(at: at, text: "\(several ? "Attempt \(a.number): m" : "M")onitoring verdict FAIL: \(v.reasons.joined(separator: "; "))"))
        }
        for (at, r) in state.rollbacks {
            out.append(Deviation(at: at, text: "\(r.automatic ? "Automatic rollback" : "Rollback") \(r.target): \(r.outcome)"))
        }
        return out.sorted { $0.at < $1.at }
    }

    /// One attempt in words, for the report and the post-mortem: its verdict, what it rolled out
    /// (image, commit, when), its rollback and the way back to FIX.
    public static func attemptSummary(_ a: Attempt) -> String {
        let outcome = a.verdict?.record.outcome
        let mark = switch outcome {
        case .pass: "✅"
        case .fail: "❌"
        case nil: "➖"
        default: "⚠️"
        }
        var parts: [String] = []
        var what = a.image.map { "`\(MD.cell($0))`" } ?? "the fix"
        if let commit = a.commit { what += " (commit \(commit.prefix(7)))" }
        if let rolled = a.rolledOutAt {
            parts.append("\(what) rolled out at \(Durations.hhmm(rolled))")
        } else if let set = a.rolledOut {
            let rollout = a.step(.rollout).map { "rollout \($0.record.outcome)" } ?? "rollout not finished"
            parts.append("\(what) \(set.record.step == .setImage ? "set" : "seen rolling out") at \(Durations.hhmm(set.at)), \(rollout)")
        } else {
            parts.append("nothing rolled out (\(what))")
        }
        if let (at, r) = a.rollback {
            parts.append("\(r.automatic ? "rolled back automatically" : "rolled back") \(r.target) at \(Durations.hhmm(at))")
        }
        if let back = a.retriedAt { parts.append("back to FIX at \(Durations.hhmm(back))") }
        return "\(mark) Attempt \(a.number): \(outcome?.name ?? "no verdict") — " + parts.joined(separator: "; ")
    }

    /// The first time an event of a kind happened.
    public func firstPhaseStart(_ phase: Phase) -> Date? { state.visits.first { $0.phase == phase }?.start }
}

/// Markdown helpers shared by the report and the post-mortem.
enum MD {
    /// Text from the record, safe inside Markdown tables and lines.
    static func cell(_ text: String) -> String {
        Sanitize.inline(text).replacingOccurrences(of: "|", with: "\\|")
    }

    static func hoursMinutes(_ seconds: TimeInterval) -> String {
        let s = max(0, Int(seconds))
        return "\(s / 3600) hours \(s % 3600 / 60) min"
    }
}
