import HotfixEngine

/// The main pane: the viewed phase's title, purpose and rows, scrolled to keep the selection in view.
enum MainPane {
    static func draw(_ buf: inout CellBuffer, _ rect: Rect, _ model: ConsoleView, _ timing: Timing) {
        let inner = frame(&buf, rect, model, timing)
        guard inner.height > 0 else { return }
        let purpose = model.viewed == .deploy ? model.deployWords.purpose(monitorWindow: model.deployWindow) : model.viewed.purpose(monitorWindow: model.deployWindow)
        buf.put(" " + purpose.replacingOccurrences(of: "{id}", with: model.incident.id.rawValue),
                x: inner.x, y: inner.y, role: .muted, limit: inner.width)
        let rows = PhaseSteps.rows(model, width: inner.width)
        // The last column is kept for the ↑ ↓ scroll marks.
        let area = Rect(x: inner.x, y: inner.y + 2, width: inner.width - 1, height: inner.height - 2)
        guard area.height > 0 else { return }
        // Keep the selected row, or the row being typed into, on screen.
        let focus = rows.lastIndex(where: \.focus) ?? rows.lastIndex { $0.input != nil } ?? rows.firstIndex { $0.marker == "›" } ?? 0
        let start = focus + 2 > area.height ? focus + 2 - area.height : 0
        for (i, row) in rows.dropFirst(start).prefix(area.height).enumerated() {
            row.draw(&buf, area, y: area.y + i)
        }
        if start > 0 { buf.put("↑", x: area.right, y: area.y, role: .muted) }
        if rows.count - start > area.height { buf.put("↓", x: area.right, y: area.bottom - 1, role: .muted) }
    }

    /// The pane's box, titled with the viewed phase and its time against the budget; returns the inside.
    static func frame(_ buf: inout CellBuffer, _ rect: Rect, _ model: ConsoleView, _ timing: Timing) -> Rect {
        let t = timing.timing(of: model.viewed)
        var title = model.viewed.title
        switch t.progress {
        case .active: title += " · active · \(Durations.clock(t.used ?? 0)) of \(t.budget.minutesLabel) min"
        case .done: title += " · done in \(Durations.clock(t.used ?? 0))"
        case .pending: title += " · not started"
        }
        return Block.draw(&buf, rect, title: title, titleRole: PhaseRail.timeRole(t), border: model.logFocused ? .border : .title)
    }
}
