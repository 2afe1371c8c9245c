/// How a branch's local tip relates to its remote-tracking tip.
public enum TipRelation: String, Sendable, Equatable {
    case missing, same, localOnly, remoteOnly, localAhead, remoteAhead, diverged
}

/// One branch as git shows it: local and remote tips, whether each holds the fix.
public struct BranchTip: Sendable, Equatable {
    public var name: String
    public var local: String?
    public var remote: String?
    /// Decided by the runtime (ancestry) when both tips exist and differ.
    public var relation: TipRelation
    /// Parents of each tip, to recognise a merge of the fix made by an earlier run.
    public var localParents: [String]
    public var remoteParents: [String]
    public var localHasFix: Bool
    public var remoteHasFix: Bool
    /// Another work tree that has this branch checked out (updating it there would leave that tree stale).
    public var checkedOutElsewhere: String?

    public init(name: String, local: String? = nil, remote: String? = nil, relation: TipRelation? = nil,
                localParents: [String] = [], remoteParents: [String] = [], localHasFix: Bool = false,
                remoteHasFix: Bool = false, checkedOutElsewhere: String? = nil) {
        self.name = name; self.local = local; self.remote = remote
        self.relation = relation ?? BranchTip.relation(local: local, remote: remote)
        self.localParents = localParents; self.remoteParents = remoteParents
        self.localHasFix = localHasFix; self.remoteHasFix = remoteHasFix
        self.checkedOutElsewhere = checkedOutElsewhere
    }

    /// The relation that needs no ancestry question; differing tips default to diverged until asked.
    public static func relation(local: String?, remote: String?) -> TipRelation {
        switch (local, remote) {
        case (nil, nil): .missing
        case (_?, nil): .localOnly
        case (nil, _?): .remoteOnly
        case let (l?, r?): l == r ? .same : .diverged
        }
    }

    /// The tip a merge builds on: the newer of local and remote; nil when missing or diverged.
    public var base: String? {
        switch relation {
        case .same, .localOnly, .localAhead: local
        case .remoteOnly, .remoteAhead: remote
        case .missing, .diverged: nil
        }
    }

    public var baseHasFix: Bool {
        switch relation {
        case .same, .localOnly, .localAhead: localHasFix
        case .remoteOnly, .remoteAhead: remoteHasFix
        case .missing, .diverged: false
        }
    }

    var baseParents: [String] {
        switch relation {
        case .remoteOnly, .remoteAhead: remoteParents
        default: localParents
        }
    }
}

/// An annotated or lightweight tag: its own object and the commit it points at.
public struct TagFact: Sendable, Equatable {
    public var object: String
    public var commit: String
    public init(object: String, commit: String) { self.object = object; self.commit = commit }
}

/// What `git merge-tree --write-tree` predicted for merging the fix into a branch.
public struct MergePrediction: Sendable, Equatable {
    public var base: String
    /// The merged tree, when the merge is clean.
    public var tree: String?
    public var conflicts: [String]
    public init(base: String, tree: String?, conflicts: [String]) {
        self.base = base; self.tree = tree; self.conflicts = conflicts
    }
}

/// Everything the finish plan needs to know about the repository, gathered by the runtime.
/// The plan decides from these facts alone; the runtime updates them as actions succeed.
public struct RepoFacts: Sendable, Equatable {
    public var id: IncidentID
    public var title: String
    public var settings: GitSettings
    /// The remote exists in this repository.
    public var hasRemote: Bool
    /// The checked-out branch; nil on a detached HEAD.
    public var head: String?
    /// Tracked files with uncommitted changes.
    public var dirtyFiles: [String]
    /// A merge, rebase, cherry-pick or revert in progress, if any.
    public var operationInProgress: String?
    public var hotfix: BranchTip
    /// The fix's last commit: the hotfix branch, or the tagged merge's second parent once it is gone.
    public var fixTip: String?
    /// Commits on the fix that main did not have when it was cut (0 means an empty fix).
    public var fixCommits: Int
    public var main: BranchTip
    /// The commit on main's first-parent line that merged `fixTip`.
    public var mainMerge: String?
    /// Develop first, then the branches matching the backport patterns, sorted.
    public var targets: [BranchTip]
    public var localTag: TagFact?
    public var remoteTag: TagFact?
    public var predictions: [String: MergePrediction] = [:]
    /// Targets skipped by the person, with their reasons (from the journal).
    public var skipped: [String: String] = [:]

    public init(id: IncidentID, title: String, settings: GitSettings, hasRemote: Bool, head: String?,
                dirtyFiles: [String] = [], operationInProgress: String? = nil, hotfix: BranchTip, fixTip: String?,
                fixCommits: Int, main: BranchTip, mainMerge: String?, targets: [BranchTip],
                localTag: TagFact? = nil, remoteTag: TagFact? = nil, skipped: [String: String] = [:]) {
        self.id = id; self.title = title; self.settings = settings; self.hasRemote = hasRemote
        self.head = head; self.dirtyFiles = dirtyFiles; self.operationInProgress = operationInProgress
        self.hotfix = hotfix; self.fixTip = fixTip; self.fixCommits = fixCommits; self.main = main
        self.mainMerge = mainMerge; self.targets = targets; self.localTag = localTag
        self.remoteTag = remoteTag; self.skipped = skipped
    }

    public var branchName: String { settings.branchName(id) }
    public var tagName: String { settings.tagName(id) }
    public var remoteName: String { settings.remote ?? "origin" }

    /// Where the tag belongs: the merge into main, or the fix itself if it reached main without one.
    public var tagCommit: String? { mainMerge ?? (main.baseHasFix ? fixTip : nil) }

    public func target(_ name: String) -> BranchTip? {
        name == main.name ? main : targets.first { $0.name == name }
    }

    mutating func update(_ name: String, _ change: (inout BranchTip) -> Void) {
        if name == main.name { change(&main) }
        if let i = targets.firstIndex(where: { $0.name == name }) { change(&targets[i]) }
        if name == hotfix.name { change(&hotfix) }
    }

    // MARK: - Results of actions

    /// `branch` now points at `commit`, a merge of the fix made on top of its base.
    public mutating func merged(_ name: String, into commit: String) {
        let fix = fixTip
        update(name) { tip in
            let base = tip.base
            tip.local = commit
            tip.localParents = [base, fix].compactMap { $0 }
            tip.localHasFix = true
            tip.relation = tip.remote == nil ? .localOnly : .localAhead
        }
        if name == main.name { mainMerge = commit }
    }

    public mutating func tagged(_ tag: TagFact) { localTag = tag }

    /// The remote accepted `branches` (and the tag when `tag` is true).
    public mutating func pushed(branches: [String], tag: Bool) {
        for name in branches {
            update(name) { tip in
                tip.remote = tip.local; tip.remoteParents = tip.localParents
                tip.remoteHasFix = tip.localHasFix; tip.relation = .same
            }
        }
        if tag { remoteTag = localTag }
    }

    public mutating func deletedRemoteBranch() {
        hotfix.remote = nil
        hotfix.relation = BranchTip.relation(local: hotfix.local, remote: nil)
    }

    public mutating func deletedLocalBranch() {
        hotfix.local = nil
        hotfix.relation = BranchTip.relation(local: nil, remote: hotfix.remote)
    }

    public mutating func checkedOut(_ name: String) { head = name }
}
