import Foundation
import HotfixEngine

/// The monitoring window in the DEPLOY pane: error rate against the baseline with a sparkline,
/// p99 latency, new error templates, pods, the verdict (the pods' lines are the stream's: tab).
enum MonitorView {
    static func rows(_ model: ConsoleView, width: Int) -> [PaneRow] {
        guard let p = model.monitor else { return [] }
        guard width >= 100 else {
            // Narrow: the numbers only, so the checklist below stays in view; the pod lines need room.
            return [PaneRow(text: "Monitoring · " + p.window, role: .title, right: p.verdict, rightRole: p.verdictRole),
                    PaneRow(indent: 1, text: p.errors + "  " + p.p99),
                    PaneRow(indent: 1, text: p.templates, role: p.templatesRole), .blank]
        }
        var rows: [PaneRow] = [.heading("Monitoring · " + p.window)]
        rows.append(PaneRow(indent: 1, text: p.errors + "   " + p.p99))
        rows.append(PaneRow(indent: 1, text: p.templates, role: p.templatesRole, right: p.verdict, rightRole: p.verdictRole))
        if let reason = p.reason { rows.append(PaneRow(indent: 1, text: reason, role: .muted)) }
        return rows + [.blank]
    }
}
