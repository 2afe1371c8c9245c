import Foundation
import HotfixEngine
import HotfixRuntime

/// The incident moved on: the change as journaled and the state after it.
public struct PhaseMove: Sendable {
    public var change: PhaseChange
    public var state: IncidentState
}

/// What every phase's use cases share: the out-of-phase warning and the move on once a step is done.
extension Session {
    /// Says (and journals, with `source`) that `command` runs outside the phases the workflow expects
    /// it in; on a closed incident it says so and runs anyway.
    public func warnIfOutOfPhase(_ state: IncidentState, expected: [Phase], command: String, source: WarningSource,
                                 journal: Bool = true) throws(HotfixError) {
        guard let phase = state.phase else {
            warn("incident \(state.id) is closed; \(command) runs anyway")
            return
        }
        guard !expected.contains(phase) else { return }
        let message = "\(command) runs in \(phase.title); the workflow expects it in \(expected.map(\.title).joined(separator: " or "))"
        warn(message)
        if journal { try record([.warning(Warning(source: source, message: message))], on: state.id) }
    }

    /// Moves to the next phase when the incident is still in `phase` and the guardrails allow it.
    public func advance(_ id: IncidentID, from phase: Phase) async throws(HotfixError) -> PhaseMove? {
        let now = try store.load(id).state
        guard now.phase == phase, Guardrails.forAdvance(in: now).isEmpty else { return nil }
        return try await move(id, override: nil)
    }

    /// What the hotfix branch holds, read from git while `state` is in FIX (leaving FIX is judged on
    /// it); nil in any other phase, where no guardrail needs it. `changes`: the files and lines
    /// against main too, with the minimal-change warnings (the console's FIX pane).
    public func fixProgress(_ state: IncidentState, changes: Bool = false) async -> FixProgress? {
        guard state.phase == .fix else { return nil }
        return await DiffWatch(git: GitClient(directory: repository.root, ownProcessGroup: processGroups), settings: gitSettings)
            .progress(id: state.id, changes: changes, largeDiffLines: config.git.largeDiff)
    }

    /// The files and lines of the hotfix branch against main with the minimal-change warnings (the
    /// console's FIX pane; no python3), while `state` is in FIX; nil when git cannot say.
    public func fixChanges(_ state: IncidentState) async -> DiffReview? {
        guard state.phase == .fix else { return nil }
        return try? await DiffWatch(git: GitClient(directory: repository.root, ownProcessGroup: processGroups), settings: gitSettings)
            .review(id: state.id, largeDiffLines: config.git.largeDiff, functions: false)
    }

    /// `next`: moves on (or closes after CLOSE), through the guardrails; nil when already closed.
    /// Leaving FIX is judged on the branch's commits, read from git now (no empty fix).
    func move(_ id: IncidentID, override: String?) async throws(HotfixError) -> PhaseMove? {
        let fix = await fixProgress(try store.load(id).state)
        let (state, events) = try await perform(.advance(override: override, fix: fix), on: id)
        if let fix, fix.onBranch, !fix.commits.isEmpty, !fix.uncommitted.isEmpty {
            warn("not committed, so not part of the fix: \(Guardrails.names(fix.uncommitted.map(Sanitize.inline)))")
        }
        guard let event = events.first, case .phaseChanged(let change) = event.body else { return nil }
        return PhaseMove(change: change, state: state)
    }
}
