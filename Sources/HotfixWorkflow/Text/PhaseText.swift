import Foundation
import HotfixEngine

/// The words of a move to the next phase, for `hotfix next` and every step that moves on by itself.
public enum PhaseText {
    /// `BRANCH done. Now FIX (30–60 min): …`, or the incident closed. DEPLOY's steps are the
    /// configured ones (`DeployWorkflow.howItDeploys`); without them, the workflow's general words.
    public static func moved(_ move: PhaseMove, monitorWindow: Double, deploySteps: String? = nil, now: Date) -> String {
        let id = move.state.id
        guard let to = move.change.to else {
            return "\(move.change.from.title) done. Incident \(id) closed after \(Durations.words(Timing(move.state, now: now).elapsed))."
        }
        let purpose = if to == .deploy, let deploySteps { deployPurpose(deploySteps, monitorWindow: monitorWindow) }
            else { to.purpose(monitorWindow: monitorWindow).replacingOccurrences(of: "{id}", with: id.rawValue) }
        return "\(move.change.from.title) done. Now \(to.title) (\(move.state.budgets[to].minutesLabel) min): \(purpose)."
    }

    /// The move in `session`'s words: its monitoring window and its deploy's steps as configured.
    public static func moved(_ move: PhaseMove, session: Session) -> String {
        moved(move, monitorWindow: session.config.deploy.window, deploySteps: DeployWorkflow(session).howItDeploys.steps, now: session.clock.now)
    }

    /// `Checklist, then build, push, set image, roll out, monitor 5 min` (hotfix deploy's steps as configured).
    public static func deployPurpose(_ steps: String, monitorWindow: Double) -> String {
        "Checklist, then \(steps) \(Durations.words(monitorWindow))"
    }
}
