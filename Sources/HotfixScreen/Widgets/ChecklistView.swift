import Foundation
import HotfixEngine

/// The pre-deploy checklist: a compact summary on the left, toggles with evidence in the main pane.
enum ChecklistView {
    static func mark(_ status: CheckStatus) -> String {
        switch status {
        case .passed: "[x]"
        case .unchecked: "[ ]"
        case .failed: "[!]"
        case .waived: "[~]"
        }
    }

    static func role(_ status: CheckStatus) -> Role {
        switch status {
        case .passed: .ok
        case .unchecked: .normal
        case .failed: .logError
        case .waived: .warning
        }
    }

    static func drawSummary(_ buf: inout CellBuffer, _ rect: Rect, _ model: ConsoleView) {
        let state = model.incident
        let passed = ChecklistItem.allCases.filter { state.checklist[$0]?.status.clearsGate ?? false }.count
        let inner = Block.draw(&buf, rect, title: "Checklist \(passed)/\(ChecklistItem.allCases.count)")
        for (i, item) in ChecklistItem.allCases.enumerated() where i < inner.height {
            let status = state.checklist[item]?.status ?? .unchecked
            buf.put("\(mark(status)) \(item.label)", x: inner.x, y: inner.y + i, role: role(status), limit: inner.width)
        }
    }

    /// Lines of the main-pane checklist: each item, then its evidence or waiver reason.
    static func rows(_ model: ConsoleView, width: Int) -> [PaneRow] {
        var rows: [PaneRow] = []
        for (i, item) in ChecklistItem.allCases.enumerated() {
            let entry = model.incident.checklist[item] ?? CheckEntry()
            let selected = !model.logFocused && model.selection == i
            var right = entry.status == .unchecked ? "" : entry.status.rawValue
            if entry.status != .unchecked { right += " · \(entry.source.rawValue)" }
            rows.append(PaneRow(marker: selected ? "›" : " ", text: "\(mark(entry.status)) \(item.label)",
                                role: role(entry.status), right: right, selected: selected))
            let at = entry.at.map { " at \(clock($0, model.timeZone))" } ?? ""
            if case .waive(let waiving, let input) = model.prompt, waiving == item {
                rows.append(PaneRow(indent: 6, text: "reason: ", role: .muted, input: input))
            } else if entry.status == .waived {
                rows += detail("reason: \(entry.reason ?? "")\(at)", width: width, role: .warning)
            } else if let ev = entry.evidence, !ev.isEmpty {
                rows += detail("evidence: \(ev)\(at)", width: width, role: .muted)
            } else if entry.status == .passed {
                rows.append(PaneRow(indent: 6, text: "confirmed by hand\(at)", role: .muted))
            }
        }
        return rows
    }

    /// The line under an item: wrapped on wide screens, one cut line on narrow ones.
    static func detail(_ text: String, width: Int, role: Role) -> [PaneRow] {
        let lines = width >= 100 ? Array(Text.wrap(text, width - 7).prefix(2)) : [text]
        return lines.map { PaneRow(indent: 6, text: $0, role: role) }
    }

    static func clock(_ date: Date, _ zone: TimeZone) -> String {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = zone
        let c = cal.dateComponents([.hour, .minute, .second], from: date)
        return String(format: "%02d:%02d:%02d", c.hour ?? 0, c.minute ?? 0, c.second ?? 0)
    }
}
