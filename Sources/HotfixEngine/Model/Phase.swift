/// The seven phases of the workflow, in order.
public enum Phase: String, Codable, Sendable, CaseIterable, Comparable {
    case assess, branch, fix, test, deploy, backport, close

    public var title: String { rawValue.uppercased() }

    public var index: Int { Phase.allCases.firstIndex(of: self)! }

    /// The phase after this one, or nil after CLOSE.
    public var next: Phase? {
        let all = Phase.allCases
        return index + 1 < all.count ? all[index + 1] : nil
    }

    /// What the workflow expects in this phase, in one line; DEPLOY names the configured
    /// monitoring window (`deploy.window`, the workflow's 5 minutes unless changed).
    public func purpose(monitorWindow: Double) -> String {
        switch self {
        case .assess: "What is broken, impact scope, quick hypothesis"
        case .branch: "Cut hotfix/{id} from an up-to-date main"
        case .fix: "Minimal change: one file if possible, no refactoring"
        case .test: "Smoke tests and the critical path only"
        case .deploy: "Checklist, build, push, roll out, monitor \(Durations.words(monitorWindow))"
        case .backport: "Merge the fix into develop and every feature branch"
        case .close: "Merge to main, tag, push, close the issue, notify"
        }
    }

    public init(parsing raw: String) throws(HotfixError) {
        guard let p = Phase(rawValue: raw.lowercased()) else {
            throw HotfixError.usage("unknown phase '\(Sanitize.inline(raw))': expected one of \(Phase.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self = p
    }

    public static func < (a: Phase, b: Phase) -> Bool { a.index < b.index }
}

/// A time budget: warn past `target`, overrun past `limit` (seconds).
public struct Budget: Codable, Sendable, Equatable {
    public var target: Double
    public var limit: Double

    public init(target: Double, limit: Double) {
        self.target = target
        self.limit = max(limit, target)
    }

    public static func minutes(_ target: Double, _ limit: Double? = nil) -> Budget {
        Budget(target: target * 60, limit: (limit ?? target) * 60)
    }

    /// `5` or `30–60`, in minutes.
    public var minutesLabel: String {
        let t = Int((target / 60).rounded()), l = Int((limit / 60).rounded())
        return t == l ? "\(t)" : "\(t)–\(l)"
    }
}

/// The budgets of all phases and of the whole incident.
public struct Budgets: Codable, Sendable, Equatable {
    public var phases: [Phase: Budget]
    public var total: Double

    public init(phases: [Phase: Budget], total: Double) {
        self.phases = phases
        self.total = total
    }

    /// The workflow's own budgets: 5, 2, 30–60, 15–20, 15–20, 10, 5 minutes; 2 hours in all.
    public static let workflow = Budgets(phases: [
        .assess: .minutes(5), .branch: .minutes(2), .fix: .minutes(30, 60), .test: .minutes(15, 20),
        .deploy: .minutes(15, 20), .backport: .minutes(10), .close: .minutes(5),
    ], total: 120 * 60)

    public subscript(phase: Phase) -> Budget { phases[phase] ?? Budgets.workflow.phases[phase]! }

    enum CodingKeys: String, CodingKey { case phases, total }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let raw = try c.decode([String: Budget].self, forKey: .phases)
        var phases: [Phase: Budget] = [:]
        for (k, v) in raw { if let p = Phase(rawValue: k) { phases[p] = v } }
        self.phases = phases
        total = try c.decode(Double.self, forKey: .total)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(Dictionary(uniqueKeysWithValues: phases.map { ($0.key.rawValue, $0.value) }), forKey: .phases)
        try c.encode(total, forKey: .total)
    }
}
