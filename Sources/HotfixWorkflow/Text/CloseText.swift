import Foundation
import HotfixEngine

/// The words of CLOSE's documents: what `hotfix report` and `hotfix postmortem` print, and what the
/// console's log shows for the same steps.
public enum CloseText {
    public static func report(_ text: String, path: String) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) + ["Written to \(path)"]
    }

    /// The post-mortem written, or kept as a person left it.
    public static func postmortem(_ p: CloseWorkflow.Postmortem, quiet: Bool = false) -> [String] {
        if p.written { return ["Post-mortem written to \(p.path.relative)"] }
        return quiet ? [] : ["\(p.path.relative) already exists (your edits are kept; --force writes a fresh one)."]
    }

    /// When the post-mortem is due, or how late it is.
    public static func due(_ state: IncidentState, now: Date) -> [String] {
        guard let due = Timing(state, now: now).postmortemDue else { return [] }
        let left = due.timeIntervalSince(now)
        return [left > 0 ? "Due in \(Durations.words(left)). Mark it written with: hotfix postmortem --done"
                         : "OVERDUE by \(Durations.words(-left)). Mark it written with: hotfix postmortem --done"]
    }

    public static func progress(_ p: CloseProgress) -> String {
        switch p {
        case .filed(let title, let url): "filed: \(title) → \(url)"
        case .alreadyFiled(let title): "already filed: \(title)"
        }
    }
}
