import Foundation
import HotfixEngine

/// What one step of the plan did (or, in a dry run, would do).
public struct StepReport: Sendable, Equatable {
    public var step: FinishStep
    /// What went into the journal; nil when the step had nothing to say.
    public var record: GitRecord?
    /// The commands run, or that a dry run would run, in order.
    public var commands: [[String]]
}

/// The outcome of running some steps of the plan.
public struct FinishRun: Sendable {
    public var reports: [StepReport]
    public var facts: RepoFacts
    /// Set when a step stopped the plan; the steps after it did not run.
    public var stopped: HotfixError?
}

/// Executes the finish plan's decisions. It decides nothing itself: `FinishPlan.decide` does,
/// from facts that this runner keeps current as each action succeeds.
public struct GitFinisher: Sendable {
    public typealias Recorder = @Sendable (GitRecord) async throws(HotfixError) -> Void

    let git: GitClient
    let record: Recorder

    public init(git: GitClient, record: @escaping Recorder) {
        self.git = git
        self.record = record
    }

    /// Runs `steps` in order. `known` holds each target's last journaled outcome, so a rerun
    /// does not repeat what the journal already says. A dry run runs only the conflict prediction
    /// (which changes no ref) and records nothing.
    public func run(_ steps: [FinishStep], facts start: RepoFacts, options: FinishOptions,
                    known: [String: GitOutcome] = [:], dryRun: Bool) async throws(HotfixError) -> FinishRun {
        var facts = start
        var reports: [StepReport] = []
        for step in steps {
            let decision = FinishPlan.decide(step, facts, options)
            var report = StepReport(step: step, record: nil, commands: [])
            let target = stepTarget(step, facts)
            switch decision {
            case .act(let actions, let outcome):
                var sha: String?
                for action in actions {
                    let result = try await execute(action, step: step, facts: &facts, dryRun: dryRun, report: &report)
                    if let failure = result.failure {
                        report.record = GitRecord(step: step.name, target: target, outcome: GitOutcome.failed,
                                                  detail: failure.message)
                        try await journal(report.record, dryRun)
                        reports.append(report)
                        return FinishRun(reports: reports, facts: facts, stopped: failure)
                    }
                    sha = result.sha ?? sha
                }
                if step == .preflight || (step == .prepare) { break }
                report.record = GitRecord(step: step.name, target: target,
                                          outcome: dryRun ? GitOutcome.planned : outcome, sha: sha,
                                          detail: dryRun ? "dry run" : nil)
            case .already(let outcome, let sha, let detail):
                if step == .prepare || step == .preflight { break }
                if case .backport(let name) = step, let prior = known[name],
                   prior == .merged || prior == .upToDate { break }
                report.record = GitRecord(step: step.name, target: target, outcome: outcome, sha: sha, detail: detail)
            case .skip(let reason):
                if case .backport(let name) = step, known[name] == GitOutcome.skipped { break }
                report.record = GitRecord(step: step.name, target: target, outcome: GitOutcome.skipped, detail: reason)
            case .conflict(let files):
                report.record = GitRecord(step: step.name, target: target, outcome: GitOutcome.conflict,
                                          sha: facts.target(target ?? "")?.base, files: files,
                                          detail: "the merge would conflict; the branch was left as it was")
            case .fail(let why):
                report.record = GitRecord(step: step.name, target: target, outcome: GitOutcome.failed, detail: why)
            case .stop(let error):
                report.record = GitRecord(step: step.name, target: target, outcome: GitOutcome.failed,
                                          detail: error.message)
                try await journal(report.record, dryRun)
                reports.append(report)
                return FinishRun(reports: reports, facts: facts, stopped: error)
            }
            try await journal(report.record, dryRun)
            reports.append(report)
        }
        return FinishRun(reports: reports, facts: facts, stopped: nil)
    }

    func journal(_ record: GitRecord?, _ dryRun: Bool) async throws(HotfixError) {
        if let record, !dryRun { try await self.record(record) }
    }

    func stepTarget(_ step: FinishStep, _ facts: RepoFacts) -> String? {
        switch step {
        case .backport(let name): name
        case .mergeMain: facts.settings.main
        case .tag: facts.tagName
        case .push: facts.remoteName
        case .deleteRemoteBranch: "\(facts.remoteName)/\(facts.branchName)"
        case .deleteLocalBranch: facts.branchName
        case .prepare, .preflight, .backportsDone: nil
        }
    }

    struct ActionResult { var sha: String?; var failure: HotfixError? }

    /// Runs one action (in a dry run: lists it and pretends it worked) and updates the facts.
    func execute(_ action: GitAction, step: FinishStep, facts: inout RepoFacts, dryRun: Bool,
                 report: inout StepReport) async throws(HotfixError) -> ActionResult {
        let stepName = step.name
        switch action {
        case .predict(let target, let base, let fix):
            let argv = GitArgv.mergeTree(base: base, fix: fix)
            report.commands.append(argv)
            // Read-only for refs and the work tree, so a dry run runs it too and can show conflicts.
            let r = dryRun ? try await git.query(Array(argv.dropFirst())) : try await git.change(argv, step: stepName)
            guard r.exitCode == 0 || r.exitCode == 1 else { return ActionResult(failure: GitClient.failure(r)) }
            // -z: the tree, then each conflicted file, NUL-terminated, names exactly as they are.
            let fields = r.stdout.split(separator: "\0", omittingEmptySubsequences: false).map(String.init)
            let tree = fields.first?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            let conflicts = r.exitCode == 1 ? Array(fields.dropFirst().prefix { !$0.isEmpty }) : []
            facts.predictions[target] = MergePrediction(base: base, tree: r.exitCode == 0 ? tree : nil, conflicts: conflicts)
            let record = GitRecord(step: GitStepName.preflight, target: target, outcome: GitOutcome.planned,
                                   sha: base, files: conflicts.isEmpty ? nil : conflicts,
                                   detail: conflicts.isEmpty ? "merges cleanly" : "would conflict")
            try await journal(record, dryRun)
            return ActionResult(sha: nil)

        case .merge(let m):
            let commitArgv = action.argv[0]
            report.commands.append(commitArgv)
            if dryRun {
                report.commands.append(GitArgv.updateRef(m.target, to: "<commit>", from: m.expected))
                facts.merged(m.target, into: "<merge into \(m.target)>")
                return ActionResult(sha: nil)
            }
            let made = try await git.change(commitArgv, step: stepName) { $0.stdout.trimmingCharacters(in: .whitespacesAndNewlines) }
            guard made.succeeded else { return ActionResult(failure: GitClient.failure(made)) }
            let commit = made.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            let update = GitArgv.updateRef(m.target, to: commit, from: m.expected)
            report.commands.append(update)
            let moved = try await git.change(update, step: stepName) { _ in commit }
            guard moved.succeeded else {
                return ActionResult(failure: GitClient.failure(moved, untouched: "\(m.target) was not changed",
                                                               next: "\(m.target) moved while merging; run this again"))
            }
            facts.merged(m.target, into: commit)
            return ActionResult(sha: commit)

        case .tag(let name, let commit, _):
            report.commands += action.argv
            if dryRun { facts.tagged(TagFact(object: "<tag>", commit: commit)); return ActionResult(sha: commit) }
            let r = try await git.change(action.argv[0], step: stepName) { _ in commit }
            guard r.succeeded else { return ActionResult(failure: GitClient.failure(r)) }
            let object = try await git.value(["rev-parse", "refs/tags/\(name)"])
            facts.tagged(TagFact(object: object, commit: commit))
            return ActionResult(sha: commit)

        case .fetchTag(_, let name):
            report.commands += action.argv
            if dryRun { facts.localTag = facts.remoteTag; return ActionResult(sha: facts.remoteTag?.commit) }
            let r = try await git.change(action.argv[0], step: stepName)
            guard r.succeeded else { return ActionResult(failure: GitClient.failure(r)) }
            let object = try await git.value(["rev-parse", "refs/tags/\(name)"])
            facts.tagged(TagFact(object: object, commit: facts.remoteTag?.commit ?? object))
            return ActionResult(sha: facts.remoteTag?.commit)

        case .push(_, let refspecs):
            report.commands += action.argv
            let branches = refspecs.compactMap { spec -> String? in
                guard spec.hasPrefix("refs/heads/"), let colon = spec.firstIndex(of: ":") else { return nil }
                return String(spec[spec.index(spec.startIndex, offsetBy: 11)..<colon])
            }
            let tag = refspecs.contains { $0.hasPrefix("refs/tags/") }
            if !dryRun {
                let r = try await git.change(action.argv[0], step: stepName)
                guard r.succeeded else {
                    return ActionResult(failure: GitClient.failure(
                        r, untouched: "nothing was pushed (the push is atomic); local branches and the tag are as they were",
                        next: "if someone pushed meanwhile, run hotfix finish again; it fetches first"))
                }
            }
            facts.pushed(branches: branches, tag: tag)
            return ActionResult(sha: facts.main.local)

        case .deleteRemoteBranch:
            report.commands += action.argv
            if !dryRun {
                let r = try await git.change(action.argv[0], step: stepName)
                guard r.succeeded else { return ActionResult(failure: GitClient.failure(r)) }
            }
            facts.deletedRemoteBranch()
            return ActionResult(sha: nil)

        case .deleteLocalBranch, .checkout:
            report.commands += action.argv
            if !dryRun {
                let r = try await git.change(action.argv[0], step: stepName)
                guard r.succeeded else { return ActionResult(failure: GitClient.failure(r)) }
            }
            if case .checkout(let b) = action { facts.checkedOut(b) } else { facts.deletedLocalBranch() }
            return ActionResult(sha: nil)
        }
    }
}
