import ArgumentParser
import Foundation
import HotfixEngine
import HotfixRuntime

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
        let ctx = try await GitContext.open(options, dryRun: dryRun)
        try ctx.warnIfOutOfPhase("hotfix branch", expected: [.branch])
        let createdBefore = ctx.state.gitSteps.contains { $0.record.step == GitStepName.branch.rawValue && $0.record.outcome == GitOutcome.done.rawValue }
        let start = BranchStart(git: GitClient(directory: ctx.directory, observer: ctx.observer()), settings: ctx.settings)
        let result = try await ctx.journaled { () async throws(HotfixError) -> BranchResult in
            try await start.run(id: ctx.id, createdBefore: createdBefore, dryRun: dryRun)
        }
        for w in result.warnings { Output.warn(w) }
        if dryRun {
            print("Dry run: nothing was changed. The commands, in order:")
            for argv in result.commands { print("  $ " + GitText.shellWords(argv)) }
            return
        }
        try ctx.record(result.warnings.map { .warning(Warning(source: "git", message: $0)) })
        if result.alreadyCreated {
            print("\(result.branch) already exists from this incident (at \(GitText.short(result.base))); checked out.")
        } else {
            try ctx.record([.git(GitRecord(step: GitStepName.branch.rawValue, target: result.branch, outcome: GitOutcome.done.rawValue,
                                           sha: result.base, detail: "cut from \(ctx.settings.main)"))])
            print("Created \(result.branch) from \(ctx.settings.main) at \(GitText.short(result.base)) and checked it out.")
        }
        try await ctx.advance(from: .branch)
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
        var ctx = try await GitContext.open(options, dryRun: dryRun)
        try ctx.warnIfOutOfPhase("hotfix backport", expected: [.backport])
        if let skip {
            if let problem = RefName.problem(skip) { throw HotfixError.usage("--skip '\(Sanitize.inline(skip))' is not a branch name: \(problem)") }
            let branch = ctx.settings.branchName(ctx.id)
            guard skip == ctx.settings.develop || ctx.settings.isBackportTarget(skip, hotfixBranch: branch) else {
                throw HotfixError.usage("\(Sanitize.inline(skip)) is not a backport target (develop or \(ctx.settings.backport.joined(separator: ", ")))")
            }
            let text = try Engine.decide(.note(reason ?? ""), state: ctx.state)  // trims and bounds the text
            guard case .noted(let note) = text.first else { return }
            try ctx.record([.git(GitRecord(step: GitStepName.backport.rawValue, target: skip, outcome: GitOutcome.skipped.rawValue, detail: note.text))])
            if !dryRun { print("\(skip): skipped (\(Sanitize.inline(note.text))).") }
            ctx = try await GitContext.open(options, dryRun: dryRun)
        }
        let flow = ctx.flow()
        var memory = ctx.memory
        if dryRun, let skip { memory.skipped[skip] = reason }  // not journaled in a dry run, but planned as skipped
        let run = try await ctx.journaled { () async throws(HotfixError) -> FinishRun in
            try await flow.backport(id: ctx.id, title: ctx.state.title, memory: memory, dryRun: dryRun)
        }
        try ctx.show(run, json: json)
        let open = GitFlow.unhandled(run)
        if !open.isEmpty, !dryRun {
            throw HotfixError.refused("\(open.count) backport target\(open.count == 1 ? "" : "s") need\(open.count == 1 ? "s" : "") attention: \(open.map { "\($0.target) (\($0.outcome))" }.joined(separator: ", "))",
                                      untouched: "those branches were left exactly as they were; the others are merged",
                                      next: "merge \(ctx.settings.branchName(ctx.id)) into each by hand and commit, or hotfix backport --skip BRANCH --reason TEXT; then run hotfix backport again")
        }
        if !dryRun, !json { print("Nothing pushed yet: hotfix finish pushes the backported branches with main and the tag.") }
        try await ctx.advance(from: .backport)
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
        let ctx = try await GitContext.open(options, dryRun: dryRun)
        try ctx.warnIfOutOfPhase("hotfix finish", expected: [.backport, .close])
        let options = FinishOptions(scope: .finish, push: !noPush, keepBranch: keepBranch)
        let reason = override?.trimmingCharacters(in: .whitespacesAndNewlines)
        let flow = ctx.flow()
        let run = try await ctx.journaled { () async throws(HotfixError) -> FinishRun in
            try await flow.finish(id: ctx.id, title: ctx.state.title, memory: ctx.memory,
                                  options: options, dryRun: dryRun) { backports throws(HotfixError) in
                try ctx.flush()
                try judgeBackports(backports, ctx: ctx, reason: reason)
            }
        }
        try ctx.show(run, json: json)
        if !dryRun, !json {
            let tag = ctx.settings.tagName(ctx.id)
            print(noPush ? "Merged and tagged \(tag) locally; nothing pushed (--no-push)."
                         : "Finished: \(tag) on \(GitText.short(run.facts.mainMerge ?? run.facts.tagCommit)), pushed to \(ctx.settings.remote ?? "nowhere").")
        }
        try await ctx.advance(from: .backport)
    }

    /// The backports guardrail, judged on the journal the backport steps just wrote: refuses to go on
    /// to main while a target is unhandled, unless overridden with a reason (journaled).
    func judgeBackports(_ backports: FinishRun, ctx: GitContext, reason: String?) throws(HotfixError) {
        var state = try ctx.session.store.load(ctx.id).state
        if dryRun {
            // A planned merge counts as merged: the question is what the real run would refuse.
            for r in backports.reports {
                guard var rec = r.record else { continue }
                if rec.outcome == GitOutcome.planned.rawValue { rec.outcome = GitOutcome.merged.rawValue }
                state.apply(Event(seq: state.lastSeq + 1, at: state.lastEventAt, body: .git(rec)))
            }
        }
        let refusals = Guardrails.check(.enter(.close), in: state).filter { $0.rule == .backports }
        guard !refusals.isEmpty else { return }
        let message = refusals.map(\.message).joined(separator: "; ")
        if dryRun { Output.warn("the real run would stop here: \(message)"); return }
        guard let reason, !reason.isEmpty else {
            GitText.printRun(backports, dryRun: false)
            throw HotfixError.refused("not finishing: \(message)", untouched: "main, the tag and the remote were not touched",
                                      next: refusals.map(\.next).joined(separator: "; "))
        }
        Output.warn("override of 'backports': \(message) — reason: \(reason)")
        try ctx.record([.overridden(GuardrailOverride(rule: .backports, reason: reason, action: "hotfix finish", message: message))])
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
        let ctx = try await GitContext.open(options, dryRun: false)
        let review = try await DiffWatch(git: GitClient(directory: ctx.directory), settings: ctx.settings)
            .review(id: ctx.id, largeDiffLines: ctx.session.config.git.largeDiff)
        let seen = Set(ctx.state.warnings.filter { $0.warning.source == "fix-watch" }.map(\.warning.message))
        try ctx.record(review.warnings.map { "\($0.message) — rule: \($0.rule)" }.filter { !seen.contains($0) }
            .map { .warning(Warning(source: "fix-watch", message: $0)) })
        if json { try Output.json(review); return }
        print("\(ctx.settings.branchName(ctx.id)) against \(ctx.settings.main) (from \(GitText.short(review.base))): \(review.files.count) file\(review.files.count == 1 ? "" : "s"), +\(review.added) −\(review.removed)")
        for f in review.files {
            let counts = f.added.map { "+\($0) −\(f.removed ?? 0)" } ?? "binary"
            print(Sanitize.inline("  \(f.status.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)) \(counts.padding(toLength: 12, withPad: " ", startingAt: 0)) \(f.path)"))
        }
        if !review.functions.isEmpty { print("Functions changed (the type-hints item judges these):") }
        for f in review.functions {
            print(Sanitize.inline("  \(f.path):\(f.line) \(f.name)() — \(f.isAnnotated ? "annotated" : f.gaps)"))
        }
        if review.warnings.isEmpty { print("Minimal: no rule broken.") }
        for w in review.warnings { print(Sanitize.inline("warning: \(w.message) — rule: \(w.rule)")) }
    }
}
