import Foundation
import HotfixEngine

/// The words of a move to the next phase, for `hotfix next` and every step that moves on by itself.
public enum PhaseText {
    /// `BRANCH done. Now FIX (30–60 min): …`, or the incident closed.
    public static func moved(_ move: PhaseMove, monitorWindow: Double, now: Date) -> String {
        let id = move.state.id
        guard let to = move.change.to else {
            return "\(move.change.from.title) done. Incident \(id) closed after \(Durations.words(Timing(move.state, now: now).elapsed))."
        }
        let purpose = to.purpose(monitorWindow: monitorWindow).replacingOccurrences(of: "{id}", with: id.rawValue)
        return "\(move.change.from.title) done. Now \(to.title) (\(move.state.budgets[to].minutesLabel) min): \(purpose)."
    }
}
