import Foundation
import HotfixEngine
import HotfixRuntime

/// What `commit` did, or in a dry run would do.
public struct CommitOutcome: Sendable {
    public var plan: CommitPlan
    public var dryRun: Bool
    /// The commit made (nil in a dry run).
    public var sha: String?
}

extension GitWorkflow {
    /// FIX: commits every change of the work tree on the hotfix branch with `message` (made
    /// `Fix: …`, the workflow's convention): `git add` of the changed paths, then `git commit -m`.
    /// Each command is journaled with its exit status, the commit with its SHA. Refused with nothing
    /// changed: the work tree on another branch or a detached HEAD, a merge or rebase in progress,
    /// unresolved conflicts, nothing to commit, and (with `expected`, the plan a person confirmed)
    /// a work tree that changed since the plan was shown.
    public func commit(_ id: IncidentID, message: String, expected: [StatusEntry]? = nil, dryRun: Bool,
                       progress: @escaping @Sendable (GitProgress) -> Void = { _ in }) async throws(HotfixError) -> CommitOutcome {
        let message = try CommitMessage.normalize(message)
        let state = try session.load(id).state
        let branch = settings.branchName(id)
        try session.warnIfOutOfPhase(state, expected: [.fix, .test], command: "hotfix commit", source: .git, journal: !dryRun)
        let journal = journal(state, dryRun: dryRun, progress: progress)
        let git = journal.client()
        let untouched = "nothing was committed"
        guard let here = try await git.currentBranch() else {
            throw HotfixError.refused("the work tree is on a detached HEAD, not on \(branch)", untouched: untouched,
                                      next: "git switch \(branch) (! in the console opens a shell), then commit")
        }
        guard here == branch else {
            throw HotfixError.refused("the work tree is on \(Sanitize.inline(here)), not on \(branch)", untouched: untouched,
                                      next: "git switch \(branch) (! in the console opens a shell), then commit the fix there")
        }
        if let operation = try await git.operationInProgress() {
            throw HotfixError.refused("a \(operation) is in progress on \(branch)", untouched: untouched,
                                      next: "finish or abort it in a shell (git \(operation) --continue or --abort), then commit")
        }
        let entries = try await git.statusEntries()
        let conflicts = entries.filter(\.isUnmerged).map(\.path)
        guard conflicts.isEmpty else {
            throw HotfixError.refused("unresolved conflicts in \(Guardrails.names(conflicts.map(Sanitize.inline)))", untouched: untouched,
                                      next: "resolve them (edit, then git add), then commit")
        }
        guard !entries.isEmpty else {
            throw HotfixError.refused("nothing to commit: \(branch) has no change in the work tree", untouched: untouched,
                                      next: "make the fix first (E in the console's FIX view opens a file), then commit")
        }
        if let expected, expected != entries {
            throw HotfixError.refused("the work tree changed since the plan was shown (now: \(Guardrails.names(entries.map { Sanitize.inline($0.path) })))",
                                      untouched: untouched, next: "look at the new plan and confirm it (c again)")
        }
        let plan = CommitPlan(branch: branch, message: message, entries: entries)
        guard !dryRun else { return CommitOutcome(plan: plan, dryRun: true) }
        let sha = try await journal.journaled { () async throws(HotfixError) -> String? in
            if !plan.addPaths.isEmpty {
                let add = try await git.change(["git", "add", "--"] + plan.addPaths, step: .commit)
                guard add.succeeded else { throw GitClient.failure(add, untouched: untouched) }
            }
            let made = try await git.change(["git", "commit", "-m", message], step: .commit, headAfter: true)
            guard made.succeeded else { throw Self.commitFailure(made, staged: !plan.addPaths.isEmpty) }
            return try await git.resolve("HEAD")
        }
        return CommitOutcome(plan: plan, dryRun: false, sha: sha)
    }

    /// `git commit` failed: what git (or a hook) said, what state it left, what to do.
    static func commitFailure(_ r: ProcessResult, staged: Bool) -> HotfixError {
        let said = r.tail(4).joined(separator: " / ")
        let text = r.stdout + r.stderr
        let untouched = "nothing was committed" + (staged ? "; the changes stay staged" : "")
        if text.contains("Please tell me who you are") || text.contains("user.email") {
            return .refused("git does not know who you are (no user.email)", untouched: untouched,
                            next: "set git config user.name and user.email (! in the console opens a shell), then commit again")
        }
        if text.contains("nothing to commit") || text.contains("nothing added to commit") || text.contains("no changes added to commit") {
            return .refused("git found nothing to commit on the branch (the changes went away since they were read)", untouched: untouched,
                            next: "look at the FIX view (or git status) and commit again when there is a change")
        }
        // git prints nothing of its own when a pre-commit or commit-msg hook exits non-zero: what
        // is shown is the hook's output.
        return .refused("git commit failed (exit \(r.exitCode))\(said.isEmpty ? " and said nothing (a hook may have refused it)" : ": \(said)")",
                        untouched: untouched, next: "fix what it says, then commit again (in the console E opens a file, ! a shell)")
    }
}
