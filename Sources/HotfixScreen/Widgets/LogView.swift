import Foundation

/// The log pane: visible rows only, search matches highlighted, follow/pause state in the title.
enum LogView {
    static func draw(_ buf: inout CellBuffer, _ rect: Rect, _ model: ConsoleView) {
        let log = model.log
        let height = max(0, rect.height - 2)
        let first = log.firstLine(height: height)
        var title = "Log"
        if log.paused {
            title += " · paused" + (log.newWhilePaused > 0 ? " (\(log.newWhilePaused) new)" : "")
        } else if log.following {
            title += " · following"
        } else {
            title += " · line \(first + 1)/\(log.visibleCount)"
        }
        if model.logFillsDeployPane { title += " · tab: the pods' stream" }
        if let q = log.query {
            let all = log.matches()
            let position = log.match.flatMap { all.firstIndex(of: $0) }.map { "\($0 + 1) of " } ?? ""
            title += " · /\(q) \(position)\(all.count) match\(all.count == 1 ? "" : "es")"
        }
        let inner = Block.draw(&buf, rect, title: title, titleRole: model.logFocused ? .phaseActive : .title,
                               border: model.logFocused ? .title : .border)
        let end = min(log.visibleCount, first + inner.height)
        guard first < end else {
            if log.lines.isEmpty { buf.put("no log lines yet", x: inner.x + 1, y: inner.y, role: .muted) }
            return
        }
        for (row, index) in (first..<end).enumerated() {
            let line = log.lines[index]
            let y = inner.y + row
            var x = inner.x
            if let at = line.at {
                x += buf.put(ChecklistView.clock(at, model.timeZone) + " ", x: x, y: y, role: .muted, limit: inner.right - x)
            }
            let role = index == log.match ? Role.selection : line.level.role
            buf.put(line.text, x: x, y: y, role: role, limit: inner.right - x)
            if let q = log.query, !q.isEmpty { highlight(&buf, line.text, query: q, x: x, y: y, limit: inner.right) }
        }
    }

    /// Repaints every occurrence of `query` in the row.
    static func highlight(_ buf: inout CellBuffer, _ text: String, query: String, x: Int, y: Int, limit: Int) {
        var search = text.startIndex..<text.endIndex
        while let r = text.range(of: query, options: .caseInsensitive, range: search) {
            let col = x + DisplayWidth.of(String(text[..<r.lowerBound]))
            let w = DisplayWidth.of(String(text[r]))
            if col >= limit { break }
            buf.paint(Rect(x: col, y: y, width: min(w, limit - col), height: 1), role: .highlight)
            search = r.upperBound..<text.endIndex
            if r.isEmpty { break }
        }
    }
}
