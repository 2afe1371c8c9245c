/// What the plan says about one step, given the facts.
public enum StepDecision: Sendable, Equatable {
    /// Run these actions; on success the step ends with `outcome`.
    case act([GitAction], outcome: GitOutcome)
    /// Already done: nothing to run.
    case already(GitOutcome, sha: String?, detail: String?)
    /// Not run, on purpose (skipped by the person, --no-push, --keep-branch, no remote).
    case skip(String)
    /// This backport target conflicts: left as it was, the others continue.
    case conflict([String])
    /// This backport target cannot be merged now; the others continue.
    case fail(String)
    /// The plan cannot go on; everything after this step is left as it is.
    case stop(HotfixError)
}

/// How far a run goes and what it may change.
public struct FinishOptions: Sendable, Equatable {
    /// `backport` stops after the backport targets; `finish` merges, tags, pushes and deletes.
    public enum Scope: Sendable, Equatable { case backport, finish }
    public var scope: Scope
    public var push: Bool
    public var keepBranch: Bool

    public init(scope: Scope, push: Bool = true, keepBranch: Bool = false) {
        self.scope = scope; self.push = push; self.keepBranch = keepBranch
    }
}

/// The backport and finish flow as a state machine over `RepoFacts`: each step first checks
/// whether it is already done (ancestry, tag target), so a rerun after a crash or a conflict
/// continues where the last run stopped and never merges twice or moves the tag.
public enum FinishPlan {
    /// The steps in the order they run.
    public static func steps(_ facts: RepoFacts, _ options: FinishOptions) -> [FinishStep] {
        var steps: [FinishStep] = [.prepare, .preflight] + facts.targets.map { .backport($0.name) }
        if options.scope == .finish {
            steps += [.mergeMain, .tag, .push, .deleteRemoteBranch, .deleteLocalBranch]
        }
        return steps
    }

    /// Reasons to touch nothing at all, checked before the first step.
    public static func refusal(_ facts: RepoFacts, _ options: FinishOptions) -> HotfixError? {
        let branch = facts.branchName
        if let op = facts.operationInProgress {
            return .refused("a \(op) is in progress in this repository",
                            next: "finish it (git \(op) --continue) or abort it (git \(op) --abort), then run this again")
        }
        if !facts.dirtyFiles.isEmpty {
            return .refused("the work tree has uncommitted changes: \(list(facts.dirtyFiles))",
                            next: "commit them on \(branch) if they belong to the fix, or stash them (git stash), then run this again")
        }
        guard facts.fixTip != nil else {
            return .refused("\(branch) is found neither locally nor on \(facts.remoteName), and tag \(facts.tagName) does not exist",
                            next: "create it with hotfix branch, or check the incident id")
        }
        if facts.fixCommits == 0, facts.mainMerge == nil {
            return .refused("\(branch) has no commits that \(facts.settings.main) lacks: there is no fix to merge",
                            next: "commit the fix on \(branch) first (git commit), then run this again")
        }
        if options.scope == .finish {
            if facts.main.relation == .diverged {
                return .refused("local \(facts.settings.main) and \(facts.remoteName)/\(facts.settings.main) have diverged",
                                next: "reconcile \(facts.settings.main) with \(facts.remoteName) (git pull --rebase on \(facts.settings.main)), then run hotfix finish again")
            }
            if facts.main.relation == .missing {
                return .refused("branch \(facts.settings.main) does not exist locally or on \(facts.remoteName)",
                                next: "check git.main in .hotfix.yml")
            }
            if let path = facts.main.checkedOutElsewhere, facts.mainMerge == nil {
                return .refused("\(facts.settings.main) is checked out in another work tree (\(path))",
                                next: "switch that work tree to another branch, then run hotfix finish again")
            }
            if let problem = tagProblem(facts, on: facts.tagCommit) { return problem }
        }
        return nil
    }

    /// An existing tag is kept only when it is on the commit that merged the fix into main.
    static func tagProblem(_ facts: RepoFacts, on commit: String?) -> HotfixError? {
        let tag = facts.tagName
        for (place, existing) in [("locally", facts.localTag), ("on \(facts.remoteName)", facts.remoteTag)] {
            guard let existing, existing.commit != commit else { continue }
            let expected = commit.map { "the merge of the fix into \(facts.settings.main) (\(short($0)))" }
                ?? "the merge of the fix into \(facts.settings.main), which does not exist yet"
            return .refused("tag \(tag) already exists \(place) on \(short(existing.commit)), not on \(expected)",
                            untouched: "nothing was changed and the tag was not moved",
                            next: "if that tag is wrong, delete it (git tag -d \(tag); git push \(facts.remoteName) --delete refs/tags/\(tag)) and run hotfix finish again")
        }
        return nil
    }

    /// The branches (besides main) whose merge result gets pushed: handled, local, and ahead of the remote.
    public static func branchesToPush(_ facts: RepoFacts) -> [String] {
        var names: [String] = []
        if facts.main.relation == .localAhead { names.append(facts.main.name) }
        for t in facts.targets where t.relation == .localAhead && t.localHasFix && facts.skipped[t.name] == nil {
            names.append(t.name)
        }
        return names
    }

    public static func decide(_ step: FinishStep, _ facts: RepoFacts, _ options: FinishOptions) -> StepDecision {
        let branch = facts.branchName
        guard let fix = facts.fixTip else {
            return .stop(.refused("the fix's commit is unknown (\(branch) is gone and there is no tag)"))
        }
        switch step {
        case .prepare:
            guard let head = facts.head, needsUpdate(head, facts, options) else {
                return .already(.done, sha: nil, detail: "HEAD is on no branch this run updates")
            }
            if facts.hotfix.local == nil, facts.hotfix.remote == nil {
                return .stop(.refused("\(head) is checked out and needs updating, but \(branch) is gone",
                                      next: "check out another branch (git checkout --detach), then run this again"))
            }
            return .act([.checkout(branch)], outcome: .done)

        case .preflight:
            var actions: [GitAction] = []
            for t in facts.targets where facts.skipped[t.name] == nil && !t.baseHasFix && t.checkedOutElsewhere == nil {
                if let base = t.base { actions.append(.predict(target: t.name, base: base, fix: fix)) }
            }
            if options.scope == .finish, facts.mainMerge == nil, let base = facts.main.base {
                actions.append(.predict(target: facts.main.name, base: base, fix: fix))
            }
            return actions.isEmpty ? .already(.done, sha: fix, detail: "every target already has the fix")
                                   : .act(actions, outcome: .planned)

        case .backport(let name):
            guard let t = facts.target(name) else { return .fail("branch \(name) no longer exists") }
            return decideMerge(t, facts, fix: fix, message: facts.settings.backportMessage)

        case .backportsDone:
            return .already(.done, sha: fix, detail: nil)

        case .mergeMain:
            if let merge = facts.mainMerge {
                return .already(.merged, sha: merge, detail: "\(facts.settings.main) already has the merge")
            }
            switch decideMerge(facts.main, facts, fix: fix, message: facts.settings.mainMessage) {
            case .conflict(let files):
                return .stop(.refused("\(branch) conflicts with \(facts.settings.main) in \(list(files))",
                                      untouched: "\(facts.settings.main) was not changed; the backports made so far stay",
                                      next: "merge \(facts.settings.main) into \(branch), resolve, commit, then run hotfix finish again"))
            case .fail(let why):
                return .stop(.refused("cannot merge into \(facts.settings.main): \(why)"))
            case .already(_, let sha, _):
                // The fix reached main without a merge commit (a fast-forward by hand): tag where it is.
                return .already(.upToDate, sha: sha, detail: "\(facts.settings.main) already contains the fix")
            case let other:
                return other
            }

        case .tag:
            let name = facts.tagName
            guard let commit = facts.tagCommit else {
                return .stop(.refused("\(facts.settings.main) does not contain the fix, so there is nothing to tag"))
            }
            if let problem = tagProblem(facts, on: commit) { return .stop(problem) }
            if let local = facts.localTag, local.commit == commit {
                return .already(.done, sha: commit, detail: "\(name) is already on \(short(commit))")
            }
            if facts.remoteTag?.commit == commit {
                return .act([.fetchTag(remote: facts.remoteName, name: name)], outcome: .done)
            }
            let message = MergeMessage.render(facts.settings.tagMessage, id: facts.id, branch: branch,
                                              target: facts.settings.main, title: facts.title, tag: name)
            return .act([.tag(name: name, commit: commit, message: message)], outcome: .done)

        case .push:
            if !options.push { return .skip("--no-push: nothing was pushed") }
            if !facts.hasRemote { return .skip("no remote '\(facts.remoteName)': the result stays local") }
            var refspecs = branchesToPush(facts).map { "refs/heads/\($0):refs/heads/\($0)" }
            if facts.remoteTag == nil, facts.localTag != nil {
                refspecs.append("refs/tags/\(facts.tagName):refs/tags/\(facts.tagName)")
            }
            if refspecs.isEmpty {
                return .already(.done, sha: facts.main.local, detail: "\(facts.remoteName) already has everything")
            }
            return .act([.push(remote: facts.remoteName, refspecs: refspecs)], outcome: .done)

        case .deleteRemoteBranch:
            if options.keepBranch { return .skip("--keep-branch: \(facts.remoteName)/\(branch) kept") }
            if !options.push { return .skip("--no-push: \(facts.remoteName)/\(branch) kept") }
            if !facts.hasRemote { return .skip("no remote '\(facts.remoteName)'") }
            guard facts.hotfix.remote != nil else {
                return .already(.done, sha: nil, detail: "\(facts.remoteName)/\(branch) does not exist")
            }
            guard facts.main.remoteHasFix || (facts.main.relation == .same && facts.main.localHasFix) else {
                return .stop(.refused("\(facts.remoteName)/\(facts.settings.main) does not have the fix yet, so \(facts.remoteName)/\(branch) is kept",
                                      next: "run hotfix finish again to push"))
            }
            return .act([.deleteRemoteBranch(remote: facts.remoteName, branch: branch)], outcome: .done)

        case .deleteLocalBranch:
            if options.keepBranch { return .skip("--keep-branch: \(branch) kept") }
            guard facts.hotfix.local != nil else {
                return .already(.done, sha: nil, detail: "\(branch) does not exist locally")
            }
            guard facts.main.localHasFix || facts.mainMerge != nil else {
                return .stop(.refused("\(facts.settings.main) does not have the fix, so \(branch) is kept"))
            }
            var actions: [GitAction] = []
            if facts.head == branch { actions.append(.checkout(facts.settings.main)) }
            actions.append(.deleteLocalBranch(branch))
            return .act(actions, outcome: .done)
        }
    }

    /// The merge of the fix into one branch, or why not.
    static func decideMerge(_ t: BranchTip, _ facts: RepoFacts, fix: String, message template: String) -> StepDecision {
        let remote = facts.remoteName
        if t.baseHasFix {
            // A tip whose second parent is the fix is a merge this tool (or a person) made.
            let outcome: GitOutcome = t.baseParents.count > 1 && t.baseParents[1] == fix ? .merged : .upToDate
            return .already(outcome, sha: t.base, detail: outcome == .merged ? "merged earlier" : "already contains the fix")
        }
        if let reason = facts.skipped[t.name] { return .skip(reason) }
        switch t.relation {
        case .missing:
            return .fail("branch \(t.name) exists neither locally nor on \(remote)")
        case .diverged:
            return .fail("local \(t.name) and \(remote)/\(t.name) have diverged; reconcile them (git pull on \(t.name)) and rerun")
        default:
            break
        }
        if let path = t.checkedOutElsewhere {
            return .fail("\(t.name) is checked out in another work tree (\(path)); merge there by hand or skip it")
        }
        guard let base = t.base, let prediction = facts.predictions[t.name], prediction.base == base else {
            return .fail("no conflict prediction for \(t.name) (preflight did not run)")
        }
        guard let tree = prediction.tree, prediction.conflicts.isEmpty else {
            return .conflict(prediction.conflicts)
        }
        let text = MergeMessage.render(template, id: facts.id, branch: facts.branchName, target: t.name,
                                       title: facts.title, tag: facts.tagName)
        let spec = MergeSpec(target: t.name, base: base, expected: t.local, fix: fix, tree: tree, message: text)
        return .act([.merge(spec)], outcome: .merged)
    }

    /// True when this run may move `branch`: HEAD must not stay on it, or the work tree would go stale.
    static func needsUpdate(_ branch: String, _ facts: RepoFacts, _ options: FinishOptions) -> Bool {
        if branch == facts.main.name { return options.scope == .finish && facts.mainMerge == nil }
        guard let t = facts.targets.first(where: { $0.name == branch }) else { return false }
        return !t.baseHasFix && facts.skipped[branch] == nil
    }

    static func short(_ sha: String) -> String { String(sha.prefix(10)) }

    static func list(_ items: [String]) -> String {
        let shown = items.prefix(8).map { Sanitize.inline($0) }.joined(separator: ", ")
        return items.count > 8 ? "\(shown) and \(items.count - 8) more" : shown
    }
}
