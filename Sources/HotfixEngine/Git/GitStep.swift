/// A step of the git flow, as recorded in the journal (`GitRecord.step`).
public enum GitStepName: JournalName {
    case branch, preflight, backport, mergeMain, tag, push, deleteBranch
    /// FIX: `git add` and `git commit` of the fix on the hotfix branch (`hotfix commit`, `c` in the console).
    case commit
    case unrecognized(String)

    public static let known: [GitStepName] = [.branch, .preflight, .backport, .mergeMain, .tag, .push, .deleteBranch, .commit]

    public var name: String {
        switch self {
        case .branch: "branch"
        case .preflight: "preflight"
        case .backport: "backport"
        case .mergeMain: "merge-main"
        case .tag: "tag"
        case .push: "push"
        case .deleteBranch: "delete-branch"
        case .commit: "commit"
        case .unrecognized(let name): name
        }
    }
}

/// How a git step ended (`GitRecord.outcome`).
public enum GitOutcome: JournalName {
    case done, merged, upToDate, conflict, skipped, failed, planned
    case unrecognized(String)

    public static let known: [GitOutcome] = [.done, .merged, .upToDate, .conflict, .skipped, .failed, .planned]

    public var name: String {
        switch self {
        case .done: "done"
        case .merged: "merged"
        case .upToDate: "up-to-date"
        case .conflict: "conflict"
        case .skipped: "skipped"
        case .failed: "failed"
        case .planned: "planned"
        case .unrecognized(let name): name
        }
    }

    /// Nothing left to do for a backport target with this outcome (an unrecognized one is not handled).
    public var isHandled: Bool { self == .merged || self == .upToDate || self == .skipped }

    /// The step did not go through: a conflict or a failure.
    public var isFailure: Bool { self == .conflict || self == .failed }

    /// The step's work is there: done now, or found already done.
    public var isDone: Bool { self == .done || self == .upToDate }
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
