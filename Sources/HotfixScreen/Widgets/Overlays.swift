/// Screens drawn over or instead of the console: the `?` help and the too-small notice.
enum Overlays {
    static func help(_ buf: inout CellBuffer, _ model: ConsoleView) {
        var rows: [(String, String, Role)] = []
        for section in model.helpSections {
            rows.append((section.title, "", .title))
            for b in section.rows { rows.append((b.keys, b.label, .help)) }
        }
        // The overlay replaces the console (all but the help bar) so nothing shows through.
        let maxHeight = buf.height - 1
        buf.fill(Rect(x: 0, y: 0, width: buf.width, height: maxHeight))
        let width = min(buf.width, 100)
        let height = min(maxHeight, rows.count + 2)
        let rect = Rect(x: (buf.width - width) / 2, y: (maxHeight - height) / 2, width: width, height: height)
        // Too many rows for the terminal: the overlay scrolls (↑ ↓ pgup pgdn); `?` opens it at the
        // keys of where it was pressed (the controller sets `helpScroll`).
        let visible = HelpSection.visibleRows(rows.count, terminalHeight: buf.height)
        let first = min(model.helpScroll, max(0, rows.count - visible))
        let scrolls = rows.count > visible
        let title = scrolls ? "Keys \(first + 1)–\(first + visible) of \(rows.count) · ↑ ↓ scroll · esc or ? closes" : "Keys · esc or ? closes"
        let inner = Block.draw(&buf, rect, title: title, border: .title)
        let keyWidth = min(14, inner.width / 3)
        for (i, row) in rows.dropFirst(first).prefix(inner.height).enumerated() {
            let y = inner.y + i
            if row.2 == .title {
                buf.put(row.0, x: inner.x + 1, y: y, role: .title, limit: inner.width - 1)
            } else {
                buf.put(row.0, x: inner.x + 2, y: y, role: .helpKey, limit: keyWidth)
                buf.put(Text.fit(row.1, inner.width - keyWidth - 3), x: inner.x + 3 + keyWidth, y: y, role: .help)
            }
        }
    }

    static func tooSmall(_ buf: inout CellBuffer, _ model: ConsoleView) {
        let need = ConsoleView.minimumSize
        let lines = [
            ("terminal too small: need \(need.width)x\(need.height), have \(buf.width)x\(buf.height)", Role.warning),
            ("enlarge the window, or press q to quit", Role.muted),
        ]
        let top = max(0, buf.height / 2 - 1)
        for (i, (text, role)) in lines.enumerated() {
            let w = DisplayWidth.of(text)
            buf.put(text, x: max(0, (buf.width - w) / 2), y: top + i, role: role)
        }
    }
}
