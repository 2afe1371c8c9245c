import Foundation

/// The workflow's pre-deploy checklist items.
public enum ChecklistItem: String, Codable, Sendable, CaseIterable {
    case testsPass = "tests-pass"
    case typeHints = "type-hints"
    case noNewDeps = "no-new-deps"
    case loggingAdded = "logging-added"
    case rollbackPlan = "rollback-plan"

    public var label: String {
        switch self {
        case .testsPass: "Tests pass"
        case .typeHints: "Type hints present"
        case .noNewDeps: "No new dependencies"
        case .loggingAdded: "Logging added"
        case .rollbackPlan: "Rollback plan ready"
        }
    }

    public init(parsing raw: String) throws(HotfixError) {
        guard let item = ChecklistItem(rawValue: raw.lowercased()) else {
            throw HotfixError.usage(
                "unknown checklist item '\(Sanitize.inline(raw))': expected one of \(ChecklistItem.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self = item
    }
}

/// Where a checklist result came from.
public enum CheckSource: String, Codable, Sendable {
    case manual, auto
}

/// The state of one checklist item.
public enum CheckStatus: String, Codable, Sendable {
    case unchecked, passed, failed, waived

    /// Passed or waived: the deploy gate lets it through.
    public var clearsGate: Bool { self == .passed || self == .waived }
}

/// One item's current result with its evidence.
public struct CheckEntry: Codable, Sendable, Equatable {
    public var status: CheckStatus
    public var evidence: String?
    public var reason: String?
    public var source: CheckSource
    public var at: Date?

    public init(status: CheckStatus = .unchecked, evidence: String? = nil, reason: String? = nil,
                source: CheckSource = .manual, at: Date? = nil) {
        self.status = status
        self.evidence = evidence
        self.reason = reason
        self.source = source
        self.at = at
    }
}
