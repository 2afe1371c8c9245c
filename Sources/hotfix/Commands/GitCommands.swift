import ArgumentParser
import Foundation
import HotfixEngine
import HotfixRuntime
import HotfixWorkflow

struct BranchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "branch",
        abstract: "BRANCH: fetch, bring main up to date (fast-forward only), create hotfix/{id}.",
        discussion: """
        Refused with nothing changed: uncommitted changes (listed), the branch or tag already \
        there (locally or on the remote), main diverged from or ahead of the remote, a merge or \
        rebase in progress, a detached HEAD. Main behind the remote is fast-forwarded. Without \
        the remote it works locally and warns. Rerun after success: switches to the branch.

        Example:
          hotfix branch --dry-run
        """)

    @OptionGroup var options: IncidentOptions
    @Flag(help: "Print the commands in order and change nothing.") var dryRun = false

    func run() async throws {
        let session = try await Wiring.session()
        let outcome = try await GitWorkflow(session).branch(try session.select(options.incident), dryRun: dryRun, progress: GitOutput.progress(session))
        for line in GitText.branch(outcome) { print(line) }
        GitOutput.moved(outcome.moved, session)
    }
}

struct Backport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backport",  // named, not derived from the type: deriving costs ~1 ms at every start
        abstract: "BACKPORT: merge hotfix/{id} into develop and every feature/* (and release/* when configured).",
        discussion: """
        Conflicts are predicted first (git merge-tree). Each merge is --no-ff with a templated \
        message, written without touching the work tree. A conflicting branch is left exactly as \
        it was, its files listed, and the others continue; resolve it by hand (merge hotfix/{id} \
        into it and commit) or skip it with a reason, then run this again: only what is left is \
        retried. Nothing is pushed here: hotfix finish pushes everything in one atomic push.

        Example:
          hotfix backport --skip feature/old-ui --reason "abandoned branch"
        """)

    @OptionGroup var options: IncidentOptions
    @Flag(help: "Print the plan and every command in order; change nothing.") var dryRun = false
    @Option(help: ArgumentHelp("Mark a target as skipped (needs --reason).", valueName: "branch")) var skip: String?
    @Option(help: ArgumentHelp("Why the skipped branch does not need the fix.", valueName: "text")) var reason: String?
    @Flag(help: "Print the steps as JSON.") var json = false

    func validate() throws {
        if skip != nil, (reason ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("--skip needs --reason TEXT: a skipped backport is a deviation the report shows (hotfix backport --skip BRANCH --reason \"why it does not need the fix\")")
        }
        if skip == nil, reason != nil { throw ValidationError("--reason goes with --skip BRANCH") }
    }

    func run() async throws {
        let session = try await Wiring.session()
        let skipped = skip.map { GitWorkflow.Skip(branch: $0, reason: reason ?? "") }
        let outcome = try await GitWorkflow(session).backport(try session.select(options.incident), dryRun: dryRun, skip: skipped,
                                                              progress: GitOutput.progress(session))
        try GitOutput.show(outcome, json: json)
        if !dryRun, !json { print(GitText.nothingPushed) }
        GitOutput.moved(outcome.moved, session)
    }
}

struct Finish: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "finish",  // named, not derived from the type: deriving costs ~1 ms at every start
        abstract: "Backport, merge into main --no-ff, tag hotfix-{id} on that merge, push by name (--atomic), delete the branch.",
        discussion: """
        One journaled plan: preflight → backport[develop] → backport[feature/*]… → merge main → \
        annotated tag on the merge commit → one atomic push of main, the tag and the backported \
        branches by name (never --tags) → delete the branch on the remote and locally.

        Each step checks whether it is already done, so after a crash or a conflict running \
        this again continues where it stopped: no second merge, the tag never moves.

        Refused while a backport target is unhandled (a conflict not resolved, not skipped), \
        unless --override REASON; and when a tag hotfix-{id} exists on another commit.

        Example:
          hotfix finish --dry-run
        """)

    @OptionGroup var options: IncidentOptions
    @Flag(help: "Print the plan and every command in order; change nothing.") var dryRun = false
    @Flag(help: "Merge and tag locally; push nothing and keep the remote branch.") var noPush = false
    @Flag(help: "Keep the hotfix branch (locally and on the remote).") var keepBranch = false
    @Option(help: ArgumentHelp("Finish despite unhandled backport targets, with a written reason.", valueName: "reason")) var override: String?
    @Flag(help: "Print the steps as JSON.") var json = false

    func run() async throws {
        let session = try await Wiring.session()
        let outcome = try await GitWorkflow(session).finish(try session.select(options.incident), dryRun: dryRun, push: !noPush,
                                                            keepBranch: keepBranch, override: override, progress: GitOutput.progress(session))
        try GitOutput.show(outcome, json: json)
        if !dryRun, !json { print(GitText.finished(outcome)) }
        GitOutput.moved(outcome.moved, session)
    }
}

struct DiffCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "FIX watch: the diff of hotfix/{id} against main, with the minimal-change warnings.",
        discussion: """
        Files, lines added and removed (uncommitted edits and new files included when the branch \
        is checked out), the Python functions changed (what the type-hints item judges, with what \
        their signatures lack), and the workflow's rules the diff breaks: more than one file, new \
        files, dependency manifests, a large diff. New warnings are journaled.

        Example:
          hotfix diff --json
        """)

    @OptionGroup var options: IncidentOptions
    @Flag(help: "Print the review as JSON.") var json = false

    func run() async throws {
        let session = try await Wiring.session()
        let id = try session.select(options.incident)
        let workflow = try GitWorkflow(session)
        let review = try await workflow.diff(id)
        if json { try Output.json(review); return }
        for line in GitText.diff(review, branch: workflow.settings.branchName(id), main: workflow.settings.main) { print(line) }
    }
}

struct CommitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "commit",
        abstract: "FIX: commit every change of the work tree on hotfix/{id} as \"Fix: …\".",
        discussion: """
        Prints the files and the commands (git add of the changed paths, then git commit -m), \
        then runs them; each is journaled, the commit with its SHA. The message gets the \
        workflow's "Fix: " prefix when it lacks it. Refused with nothing changed: the work tree \
        on another branch, a merge or rebase in progress, unresolved conflicts, nothing to \
        commit. When git or a hook refuses the commit, its words are shown and nothing is \
        committed.

        Example:
          hotfix commit -m "return 404 for an unknown user"
        """)

    @OptionGroup var options: IncidentOptions
    @Option(name: .shortAndLong, help: ArgumentHelp("What the fix does (\"Fix: \" is added when missing).", valueName: "text"))
    var message: String
    @Flag(help: "Print the files and the commands; change nothing.") var dryRun = false

    func run() async throws {
        let session = try await Wiring.session()
        let outcome = try await GitWorkflow(session).commit(try session.select(options.incident), message: message, dryRun: dryRun,
                                                            progress: GitOutput.progress(session))
        for line in GitText.commit(outcome) { print(line) }
    }
}
