import Foundation
import HotfixEngine

/// The BACKPORT and finish flow over a real repository: look (fetching first), refuse early,
/// then run the plan's steps. The CLI and the console both drive this.
public struct GitFlow: Sendable {
    public let git: GitClient
    public let settings: GitSettings
    let record: GitFinisher.Recorder

    /// `observer` hears every command that changes the repository; `record` every step result.
    /// `settings` are validated by the caller (`GitSettings.validate`), once, before any flow runs.
    public init(directory: String, settings: GitSettings, observer: GitClient.Observer? = nil, ownProcessGroup: Bool = false,
                record: @escaping GitFinisher.Recorder) {
        git = GitClient(directory: directory, observer: observer, ownProcessGroup: ownProcessGroup)
        self.settings = settings
        self.record = record
    }

    /// What the journal already knows: targets skipped with a reason, and each target's last outcome.
    public struct Memory: Sendable {
        public var skipped: [String: String]
        public var known: [String: GitOutcome]
        public init(skipped: [String: String] = [:], known: [String: GitOutcome] = [:]) {
            self.skipped = skipped; self.known = known
        }
    }

    /// Reads the repository (fetching first unless `dryRun`) and applies the early refusals.
    public func facts(id: IncidentID, title: String, memory: Memory, options: FinishOptions,
                      dryRun: Bool) async throws(HotfixError) -> RepoFacts {
        let survey = RepoSurvey(git: git, settings: settings)
        let facts = try await survey.facts(id: id, title: title, skipped: memory.skipped, fetchFirst: !dryRun,
                                           step: GitStepName.preflight)
        if let refusal = FinishPlan.refusal(facts, options) { throw refusal }
        return facts
    }

    /// Preflight and every backport target; nothing is pushed (hotfix finish pushes).
    public func backport(id: IncidentID, title: String, memory: Memory = Memory(),
                         dryRun: Bool) async throws(HotfixError) -> FinishRun {
        let options = FinishOptions(scope: .backport)
        let facts = try await facts(id: id, title: title, memory: memory, options: options, dryRun: dryRun)
        return try await backportSteps(facts, options: options, memory: memory, dryRun: dryRun)
    }

    func backportSteps(_ facts: RepoFacts, options: FinishOptions, memory: Memory, dryRun: Bool) async throws(HotfixError) -> FinishRun {
        let finisher = GitFinisher(git: git, record: record)
        let steps = FinishPlan.steps(facts, FinishOptions(scope: .backport))
        var run = try await finisher.run(steps, facts: facts, options: options, known: memory.known, dryRun: dryRun)
        // A target the journal still holds as open but that is gone from here and the remote needs nothing more.
        let present = Set(facts.targets.map(\.name))
        for (name, outcome) in memory.known.sorted(by: { $0.key < $1.key }) where !present.contains(name) {
            guard run.stopped == nil, !outcome.isHandled else { continue }
            let record = GitRecord(step: GitStepName.backport, target: name, outcome: GitOutcome.skipped,
                                   detail: "the branch no longer exists locally or on \(facts.remoteName)")
            if !dryRun { try await self.record(record) }
            run.reports.append(StepReport(step: .backport(name), record: record, commands: []))
        }
        if run.stopped == nil, !dryRun {
            let summary = GitFlow.summary(run)
            let record = GitRecord(step: GitStepName.backport, outcome: GitOutcome.done, detail: summary)
            try await self.record(record)
            run.reports.append(StepReport(step: .backportsDone, record: record, commands: []))
        }
        return run
    }

    /// The whole plan. `beforeClosing` sees the backport results and throws to stop before main is touched
    /// (the CLI applies the backports guardrail there, with its override).
    public func finish(id: IncidentID, title: String, memory: Memory = Memory(), options: FinishOptions,
                       dryRun: Bool,
                       beforeClosing: (FinishRun) async throws(HotfixError) -> Void) async throws(HotfixError) -> FinishRun {
        let facts = try await facts(id: id, title: title, memory: memory, options: options, dryRun: dryRun)
        var run = try await backportSteps(facts, options: options, memory: memory, dryRun: dryRun)
        if run.stopped != nil { return run }
        try await beforeClosing(run)
        let closing = FinishPlan.steps(run.facts, options).filter {
            switch $0 {
            case .prepare, .preflight, .backport, .backportsDone: false
            default: true
            }
        }
        let finisher = GitFinisher(git: git, record: record)
        let rest = try await finisher.run(closing, facts: run.facts, options: options, known: memory.known, dryRun: dryRun)
        run.reports += rest.reports
        run.facts = rest.facts
        run.stopped = rest.stopped
        return run
    }

    /// Targets this run left unhandled (conflict or failed), with their outcome.
    public static func unhandled(_ run: FinishRun) -> [(target: String, outcome: GitOutcome)] {
        run.reports.compactMap { r in
            guard case .backport(let name) = r.step, let rec = r.record,
                  !rec.outcome.isHandled, rec.outcome != .planned else { return nil }
            return (name, rec.outcome)
        }
    }

    /// `3 targets: 2 merged, 1 conflict` for the journal and the screen.
    public static func summary(_ run: FinishRun) -> String {
        var counts: [String: Int] = [:]
        var targets = 0
        for r in run.reports {
            guard case .backport = r.step else { continue }
            targets += 1
            counts[r.record?.outcome.name ?? "handled before", default: 0] += 1
        }
        let parts = counts.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }
        return "\(targets) target\(targets == 1 ? "" : "s")" + (parts.isEmpty ? "" : ": " + parts.joined(separator: ", "))
    }
}
