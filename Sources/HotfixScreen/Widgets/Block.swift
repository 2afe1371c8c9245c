/// A bordered box with a title in its top edge; returns the inner rectangle.
enum Block {
    @discardableResult
    static func draw(_ buf: inout CellBuffer, _ rect: Rect, title: String, titleRole: Role = .title,
                     border: Role = .border) -> Rect {
        guard rect.width >= 2, rect.height >= 2 else { return Rect(x: rect.x, y: rect.y, width: 0, height: 0) }
        buf.fill(rect)
        let top = rect.y, bottom = rect.bottom - 1, left = rect.x, right = rect.right - 1
        for x in left...right {
            buf.put("─", x: x, y: top, role: border)
            buf.put("─", x: x, y: bottom, role: border)
        }
        for y in top...bottom {
            buf.put("│", x: left, y: y, role: border)
            buf.put("│", x: right, y: y, role: border)
        }
        buf.put("┌", x: left, y: top, role: border)
        buf.put("┐", x: right, y: top, role: border)
        buf.put("└", x: left, y: bottom, role: border)
        buf.put("┘", x: right, y: bottom, role: border)
        if !title.isEmpty, rect.width > 4 {
            buf.put(" \(title) ", x: left + 1, y: top, role: titleRole, limit: rect.width - 3)
        }
        return rect.inset(1)
    }
}

/// Text helpers shared by the widgets.
enum Text {
    /// `text` padded or cut to exactly `width` columns, with `…` when cut.
    static func fit(_ text: String, _ width: Int) -> String {
        guard width > 0 else { return "" }
        let w = DisplayWidth.of(text)
        if w <= width { return text + String(repeating: " ", count: width - w) }
        var out = "", used = 0
        for ch in text {
            let cw = DisplayWidth.of(ch)
            if used + cw > width - 1 { break }
            out.append(ch); used += cw
        }
        return out + "…" + String(repeating: " ", count: max(0, width - 1 - used))
    }

    /// `text` cut to at most `width` columns from the left, with `…` first when cut: the end of
    /// a path is the part that says where.
    static func tail(_ text: String, _ width: Int) -> String {
        guard width > 0 else { return "" }
        guard DisplayWidth.of(text) > width else { return text }
        var out: [Character] = [], used = 1
        for ch in text.reversed() {
            let cw = DisplayWidth.of(ch)
            if used + cw > width { break }
            out.append(ch); used += cw
        }
        return "…" + String(out.reversed())
    }

    /// Word-wraps `text` into lines of at most `width` columns (long words are cut).
    static func wrap(_ text: String, _ width: Int) -> [String] {
        guard width > 0 else { return [] }
        var lines: [String] = [], current = "", used = 0
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            let ww = DisplayWidth.of(String(word))
            if used > 0, used + 1 + ww > width {
                lines.append(current); current = ""; used = 0
            }
            if used > 0 { current += " "; used += 1 }
            if ww > width {
                for ch in word {
                    let cw = DisplayWidth.of(ch)
                    if used + cw > width { lines.append(current); current = ""; used = 0 }
                    current.append(ch); used += cw
                }
            } else {
                current += word; used += ww
            }
        }
        if !current.isEmpty || lines.isEmpty { lines.append(current) }
        return lines
    }

    /// Right-aligns `text` in `rect`'s row `y`.
    @discardableResult
    static func right(_ buf: inout CellBuffer, _ text: String, in rect: Rect, y: Int, role: Role) -> Int {
        let w = DisplayWidth.of(text)
        return buf.put(text, x: max(rect.x, rect.right - w), y: y, role: role, limit: rect.width)
    }
}
