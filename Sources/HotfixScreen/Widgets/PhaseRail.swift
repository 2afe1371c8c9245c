import HotfixEngine

/// The seven phases with time used against budget, styled by state.
enum PhaseRail {
    static func draw(_ buf: inout CellBuffer, _ rect: Rect, _ model: ConsoleView, _ timing: Timing) {
        let inner = Block.draw(&buf, rect, title: "Phases")
        for (i, t) in timing.phases.enumerated() where i < inner.height {
            let y = inner.y + i
            let glyph: String
            switch t.progress {
            case .done: glyph = "✓"
            case .active: glyph = "▶"
            case .pending: glyph = " "
            }
            let role = self.role(t)
            buf.put(t.phase == model.viewed ? "›" : " ", x: inner.x, y: y, role: .title)
            buf.put("\(glyph) \(t.phase.title)", x: inner.x + 1, y: y, role: role, limit: inner.width - 1)
            let used = t.used.map { Durations.clock($0) } ?? "–"
            Text.right(&buf, "\(used)/\(t.budget.minutesLabel)", in: inner, y: y, role: timeRole(t))
        }
    }

    static func role(_ t: PhaseTiming) -> Role {
        switch t.progress {
        case .done: .phaseDone
        case .active: .phaseActive
        case .pending: .phasePending
        }
    }

    /// The time turns warning past the target and overdue past the limit, whatever the phase's state.
    static func timeRole(_ t: PhaseTiming) -> Role {
        guard t.used != nil else { return .phasePending }
        switch t.pace {
        case .overrun: return .overdue
        case .pastTarget: return .warning
        case .onTrack: return role(t)
        }
    }
}
