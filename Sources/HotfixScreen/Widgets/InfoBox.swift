import HotfixEngine

/// The left column's last box: the workflow's detection-to-deploy target and the linked issue.
enum InfoBox {
    static func draw(_ buf: inout CellBuffer, _ rect: Rect, _ model: ConsoleView, _ timing: Timing) {
        let inner = Block.draw(&buf, rect, title: "Incident")
        let s = model.incident
        var rows: [(String, Role)] = []
        let target = 2 * 3600.0
        let toDeploy = Durations.longClock(timing.detectionToDeploy)
        rows.append(("detected \(ChecklistView.clock(s.detectedAt, model.timeZone))", .normal))
        rows.append(((timing.deployed ? "deployed after " : "since detection ") + toDeploy,
                     timing.detectionToDeploy > target ? .overdue : (timing.deployed ? .ok : .normal)))
        if let issue = s.issue { rows.append(("issue #\(issue)", .normal)) }
        if !s.overrides.isEmpty { rows.append(("\(s.overrides.count) override\(s.overrides.count == 1 ? "" : "s")", .warning)) }
        if !s.notes.isEmpty { rows.append(("\(s.notes.count) note\(s.notes.count == 1 ? "" : "s")", .muted)) }
        for (i, row) in rows.enumerated() where i < inner.height {
            buf.put(row.0, x: inner.x, y: inner.y + i, role: row.1, limit: inner.width)
        }
    }
}
