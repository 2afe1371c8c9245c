import Foundation
import HotfixEngine
import HotfixRuntime

/// BRANCH, the FIX watch, BACKPORT and the finish: the git flow with every command and step
/// journaled, the out-of-phase warning, and the move to the next phase once a step is done.
/// The settings are validated once, here, before any git command runs.
public struct GitWorkflow: Sendable {
    public let session: Session
    public let settings: GitSettings

    public init(_ session: Session) throws(HotfixError) {
        self.session = session
        settings = session.gitSettings
        try settings.validate()
    }

    func journal(_ state: IncidentState, dryRun: Bool, progress: @escaping @Sendable (GitProgress) -> Void) -> GitJournal {
        GitJournal(session: session, id: state.id, phase: state.phase, dryRun: dryRun, progress: progress)
    }

    /// BRANCH: fetch, fast-forward main, create `hotfix/{id}` from it; then on to FIX.
    public func branch(_ id: IncidentID, dryRun: Bool, progress: @escaping @Sendable (GitProgress) -> Void = { _ in }) async throws(HotfixError) -> BranchOutcome {
        let state = try session.load(id).state
        let journal = journal(state, dryRun: dryRun, progress: progress)
        try session.warnIfOutOfPhase(state, expected: [.branch], command: "hotfix branch", source: .git, journal: !dryRun)
        let createdBefore = state.gitSteps.contains { $0.record.step == .branch && $0.record.outcome == .done }
        let start = BranchStart(git: journal.client(), settings: settings)
        let result = try await journal.journaled { () async throws(HotfixError) -> BranchResult in
            try await start.run(id: id, createdBefore: createdBefore, dryRun: dryRun)
        }
        for w in result.warnings { session.warn(w) }
        var outcome = BranchOutcome(result: result, dryRun: dryRun, main: settings.main)
        guard !dryRun else { return outcome }
        try journal.record(result.warnings.map { .warning(Warning(source: .git, message: $0)) })
        if !result.alreadyCreated {
            try journal.record([.git(GitRecord(step: .branch, target: result.branch, outcome: .done,
                                               sha: result.base, detail: "cut from \(settings.main)"))])
        }
        outcome.moved = try await session.advance(id, from: .branch)
        return outcome
    }

    /// The FIX watch: the branch against main with the minimal-change warnings; new warnings are journaled.
    public func diff(_ id: IncidentID) async throws(HotfixError) -> DiffReview {
        let state = try session.load(id).state
        let git = GitClient(directory: session.repository.root, ownProcessGroup: session.processGroups)
        let review = try await DiffWatch(git: git, settings: settings).review(id: id, largeDiffLines: session.config.git.largeDiff)
        let seen = Set(state.warnings.filter { $0.warning.source == .fixWatch }.map(\.warning.message))
        let fresh = review.warnings.map { "\($0.message) — rule: \($0.rule)" }.filter { !seen.contains($0) }
        if !fresh.isEmpty { try session.record(fresh.map { .warning(Warning(source: .fixWatch, message: $0)) }, on: id) }
        return review
    }
}
