import HotfixEngine

/// The top row: id, severity, title, and the overall countdown with its pace.
enum Header {
    static func draw(_ buf: inout CellBuffer, _ rect: Rect, _ model: ConsoleView, _ timing: Timing) {
        let s = model.incident
        buf.fill(rect)
        let clock: String
        let paceRole: Role
        if let closed = s.closedAt {
            clock = "closed after \(Durations.longClock(closed.timeIntervalSince(s.startedAt)))"
            paceRole = .phaseDone
        } else {
            clock = "\(Durations.longClock(timing.elapsed)) of \(Durations.longClock(timing.total))  \(timing.pace.rawValue)"
            paceRole = role(of: timing.pace)
        }
        let clockWidth = Text.right(&buf, clock + " ", in: rect, y: rect.y, role: paceRole)
        var x = rect.x + 1
        x += buf.put("HOTFIX \(s.id)", x: x, y: rect.y, role: .title)
        x += 2
        x += buf.put(s.severity.rawValue, x: x, y: rect.y, role: s.severity == .p0 ? .overdue : .warning)
        x += 2
        let room = rect.right - clockWidth - 2 - x
        if room > 0 { buf.put(Text.fit(Sanitize.inline(s.title), room), x: x, y: rect.y, role: .normal) }
    }

    static func role(of pace: Pace) -> Role {
        switch pace {
        case .onTrack: .ok
        case .pastTarget: .warning
        case .overrun: .overdue
        }
    }
}
