import Foundation
import HotfixEngine

/// What `hotfix branch` did or, in a dry run, would do.
public struct BranchResult: Sendable, Equatable {
    public var branch: String
    /// The commit the branch starts from (main after fast-forwarding).
    public var base: String
    public var commands: [[String]]
    public var warnings: [String]
    /// The branch already existed from an earlier run of this incident: nothing was created.
    public var alreadyCreated: Bool
}

/// BRANCH: fetch, bring main up to date (fast-forward only), cut `hotfix/{id}` from it.
/// Every refusal happens before anything changes.
public struct BranchStart: Sendable {
    let survey: RepoSurvey
    var git: GitClient { survey.git }

    public init(git: GitClient, settings: GitSettings) {
        survey = RepoSurvey(git: git, settings: settings)
    }

    /// `createdBefore`: the journal already records this branch as created by this incident, so
    /// finding it is a rerun, not a clash. The settings are validated by the caller, before this runs.
    public func run(id: IncidentID, createdBefore: Bool = false, dryRun: Bool) async throws(HotfixError) -> BranchResult {
        let settings = survey.settings
        let branch = settings.branchName(id), tag = settings.tagName(id), main = settings.main
        var commands: [[String]] = []
        var warnings: [String] = []

        if let op = try await git.operationInProgress() {
            throw .refused("a \(op) is in progress", next: "finish it (git \(op) --continue) or abort it (git \(op) --abort), then run hotfix branch again")
        }
        guard let head = try await git.currentBranch() else {
            throw .refused("HEAD is detached (no branch is checked out)", next: "check out \(main) (git checkout \(main)), then run hotfix branch again")
        }
        let dirty = try await git.dirtyFiles()
        if !dirty.isEmpty {
            throw .refused("the work tree has uncommitted changes: \(dirty.prefix(10).map { Sanitize.inline($0) }.joined(separator: ", "))\(dirty.count > 10 ? " and \(dirty.count - 10) more" : "")",
                           next: "commit or stash them (git stash), then run hotfix branch again")
        }

        let hasRemote = try await survey.hasRemote()
        let remote = settings.remote ?? "origin"
        if !hasRemote {
            warnings.append(settings.remote == nil ? "no remote configured: working locally, nothing is fetched or pushed"
                                                   : "no remote '\(remote)' in this repository: working locally, nothing is fetched or pushed")
        } else if dryRun {
            commands.append(["git", "fetch", "--prune", "--no-tags", remote])
        } else {
            try await survey.fetch(step: GitStepName.branch)
        }

        // An earlier run of this incident made the branch: switch to it and stop there.
        let localBranch = try await git.resolve("refs/heads/\(branch)")
        if createdBefore, let existing = localBranch {
            if head != branch {
                let argv = ["git", "checkout", "-q", branch, "--"]
                commands.append(argv)
                if !dryRun { try await mustChange(argv) }
            }
            return BranchResult(branch: branch, base: existing, commands: commands, warnings: warnings, alreadyCreated: true)
        }
        if localBranch != nil {
            throw .refused("branch \(branch) already exists locally", next: "pick another incident id, or delete the branch if it is stale (git branch -D \(branch))")
        }
        if hasRemote, try await survey.remoteHasBranch(branch) {
            throw .refused("branch \(branch) already exists on \(remote)", next: "pick another incident id, or check who else is working on this incident")
        }
        if try await git.resolve("refs/tags/\(tag)") != nil {
            throw .refused("tag \(tag) already exists locally", next: "pick another incident id: this one was already released")
        }
        if hasRemote, try await survey.remoteTag(tag) != nil {
            throw .refused("tag \(tag) already exists on \(remote)", next: "pick another incident id: this one was already released")
        }

        // Main: equal to the remote, or behind it (fast-forwarded). Ahead or diverged is refused.
        let localMain = try await git.resolve("refs/heads/\(main)")
        let remoteMain = hasRemote ? try await git.resolve("refs/remotes/\(remote)/\(main)") : nil
        var base: String
        switch (localMain, remoteMain) {
        case (nil, nil):
            throw .refused("branch \(main) does not exist", next: "check git.main in .hotfix.yml")
        case let (l?, nil):
            base = l
        case let (nil, r?):
            base = r
            let argv = ["git", "branch", "--no-track", main, r]
            commands.append(argv)
            if !dryRun { try await mustChange(argv) }
        case let (l?, r?):
            base = l
            if l != r {
                if try await git.isAncestor(l, of: r) {
                    base = r
                    warnings.append("\(main) was behind \(remote)/\(main): fast-forwarded to \(r.prefix(10))")
                    let argv = head == main ? ["git", "merge", "--ff-only", "-q", "refs/remotes/\(remote)/\(main)"]
                                            : GitArgv.updateRef(main, to: r, from: l)
                    commands.append(argv)
                    if !dryRun { try await mustChange(argv) }
                } else if try await git.isAncestor(r, of: l) {
                    throw .refused("local \(main) has commits that \(remote)/\(main) does not: a hotfix must start from what production runs",
                                   next: "push them (git push \(remote) \(main)) or move them off \(main), then run hotfix branch again")
                } else {
                    throw .refused("local \(main) and \(remote)/\(main) have diverged",
                                   next: "reconcile them (git checkout \(main); git pull --rebase), then run hotfix branch again")
                }
            }
        }

        let create = ["git", "checkout", "-q", "--no-track", "-b", branch, base]
        commands.append(create)
        if !dryRun { try await mustChange(create, sha: base) }
        return BranchResult(branch: branch, base: base, commands: commands, warnings: warnings, alreadyCreated: false)
    }

    func mustChange(_ argv: [String], sha: String? = nil) async throws(HotfixError) {
        let r = try await git.change(argv, step: GitStepName.branch) { _ in sha }
        guard r.succeeded else { throw GitClient.failure(r) }
    }
}
