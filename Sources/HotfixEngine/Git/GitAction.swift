/// A change the runtime makes to the repository, described as data; `argv` is what it runs.
public enum GitAction: Sendable, Equatable {
    /// `git checkout` a branch (to move HEAD off a branch the plan updates, or onto main at the end).
    case checkout(String)
    /// Ask `git merge-tree --write-tree` what merging the fix into `target` gives.
    case predict(target: String, base: String, fix: String)
    /// A `--no-ff` merge of the fix on top of `base`, written without touching the work tree:
    /// `commit-tree` with the predicted tree, then `update-ref` that only moves `target` from `expected`.
    case merge(MergeSpec)
    /// An annotated tag on `commit`.
    case tag(name: String, commit: String, message: String)
    /// Copies a tag that is already on the remote (and on the right commit).
    case fetchTag(remote: String, name: String)
    /// One atomic push of named refs.
    case push(remote: String, refspecs: [String])
    case deleteRemoteBranch(remote: String, branch: String)
    case deleteLocalBranch(String)

    /// The commands this action runs, in order. `<tree>`, `<commit>` stand for values git prints
    /// while it runs; the runtime fills them in.
    public var argv: [[String]] {
        switch self {
        case .checkout(let b):
            return [["git", "checkout", "-q", b, "--"]]
        case .predict(_, let base, let fix):
            return [GitArgv.mergeTree(base: base, fix: fix)]
        case .merge(let m):
            return [GitArgv.commitTree(tree: m.tree, base: m.base, fix: m.fix, message: m.message),
                    GitArgv.updateRef(m.target, to: "<commit>", from: m.expected)]
        case .tag(let name, let commit, let message):
            return [["git", "tag", "-a", name, "-m", message, commit]]
        case .fetchTag(let remote, let name):
            return [["git", "fetch", "--no-tags", remote, "refs/tags/\(name):refs/tags/\(name)"]]
        case .push(let remote, let refspecs):
            return [["git", "push", "--atomic", "--porcelain", remote] + refspecs]
        case .deleteRemoteBranch(let remote, let branch):
            return [["git", "push", "--porcelain", remote, "--delete", "refs/heads/\(branch)"]]
        case .deleteLocalBranch(let b):
            // -D: the plan deletes only once main contains the branch's tip, whatever HEAD is
            // (-d would judge against HEAD, which may be an unrelated branch).
            return [["git", "branch", "-D", b]]
        }
    }
}

/// A merge of the fix into one branch.
public struct MergeSpec: Sendable, Equatable {
    public var target: String
    /// The first parent: the branch's tip (local or remote, whichever is newer).
    public var base: String
    /// What the local branch must still point at for the update to apply; nil: it must not exist yet.
    public var expected: String?
    public var fix: String
    public var tree: String
    public var message: String

    public init(target: String, base: String, expected: String?, fix: String, tree: String, message: String) {
        self.target = target; self.base = base; self.expected = expected
        self.fix = fix; self.tree = tree; self.message = message
    }
}

/// The git command lines the flow uses, in one place.
public enum GitArgv {
    public static func mergeTree(base: String, fix: String) -> [String] {
        ["git", "merge-tree", "--write-tree", "--name-only", "--no-messages", "-z", base, fix]
    }

    public static func commitTree(tree: String, base: String, fix: String, message: String) -> [String] {
        ["git", "commit-tree", tree, "-p", base, "-p", fix, "-m", message]
    }

    /// `update-ref` with the old value: it refuses if the branch moved meanwhile (an empty old value: must not exist).
    public static func updateRef(_ branch: String, to new: String, from old: String?) -> [String] {
        ["git", "update-ref", "-m", "hotfix: merge", "refs/heads/\(branch)", new, old ?? ""]
    }
}
