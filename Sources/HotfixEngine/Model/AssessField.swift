/// The three ASSESS questions, in the order the workflow asks them.
public enum AssessField: Int, CaseIterable, Sendable {
    case broken, impact, hypothesis

    public var question: String {
        switch self {
        case .broken: "What is broken?"
        case .impact: "Impact scope?"
        case .hypothesis: "Quick hypothesis?"
        }
    }

    public func answer(in a: Assessment) -> String? {
        switch self {
        case .broken: a.broken
        case .impact: a.impact
        case .hypothesis: a.hypothesis
        }
    }

    /// An assessment that answers this question only (the others stay as they were).
    public func assessment(_ text: String) -> Assessment {
        switch self {
        case .broken: Assessment(broken: text)
        case .impact: Assessment(impact: text)
        case .hypothesis: Assessment(hypothesis: text)
        }
    }
}
