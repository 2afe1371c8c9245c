import Foundation
import HotfixEngine

/// The wait for a rollout made elsewhere, above the monitoring window in the DEPLOY pane: what it
/// waits for, the time used and left, what was seen and ignored. Once the rollout is seen it is
/// one line, and the monitoring window takes over below it.
enum WaitView {
    static func rows(_ model: ConsoleView, width: Int) -> [PaneRow] {
        guard let w = model.waiting else { return [] }
        var rows = [PaneRow(text: w.title, role: w.titleRole, right: w.right, rightRole: w.titleRole)]
        // Narrow (80x24): the first lines only, so the checklist below stays in view.
        let lines = width >= 100 ? w.lines : Array(w.lines.prefix(3))
        rows += lines.map { PaneRow(indent: 1, text: $0.text, role: $0.role) }
        return rows + (w.lines.isEmpty ? [] : [.blank])
    }
}
