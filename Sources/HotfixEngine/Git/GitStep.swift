/// A step of the git flow, as recorded in the journal (`GitRecord.step`).
public enum GitStepName: String, Sendable, Codable, CaseIterable {
    case branch, preflight, backport
    case mergeMain = "merge-main"
    case tag, push
    case deleteBranch = "delete-branch"
}

/// How a git step ended (`GitRecord.outcome`).
public enum GitOutcome: String, Sendable, Codable, CaseIterable {
    case done, merged
    case upToDate = "up-to-date"
    case conflict, skipped, failed, planned

    /// Nothing left to do for a backport target with this outcome.
    public var isHandled: Bool { self == .merged || self == .upToDate || self == .skipped }
}

/// One step of the finish plan, in the order it runs.
public enum FinishStep: Sendable, Hashable, CustomStringConvertible {
    /// Moves HEAD off a branch the plan will update, so the work tree never goes stale.
    case prepare
    case preflight
    case backport(String)
    /// Every backport target has been looked at (a summary record; not a step that acts).
    case backportsDone
    case mergeMain
    case tag
    case push
    case deleteRemoteBranch
    case deleteLocalBranch

    public var name: GitStepName {
        switch self {
        case .prepare, .preflight: .preflight
        case .backport, .backportsDone: .backport
        case .mergeMain: .mergeMain
        case .tag: .tag
        case .push: .push
        case .deleteRemoteBranch, .deleteLocalBranch: .deleteBranch
        }
    }

    public var description: String {
        switch self {
        case .prepare: "prepare"
        case .preflight: "preflight"
        case .backport(let t): "backport[\(t)]"
        case .backportsDone: "backports"
        case .mergeMain: "merge main"
        case .tag: "tag"
        case .push: "push"
        case .deleteRemoteBranch: "delete remote branch"
        case .deleteLocalBranch: "delete local branch"
        }
    }
}
