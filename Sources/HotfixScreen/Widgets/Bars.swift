import HotfixEngine

/// The status row (prompts and results) and the help bar (the keys the controller lists).
enum Bars {
    static func status(_ buf: inout CellBuffer, _ rect: Rect, _ model: ConsoleView) {
        buf.fill(rect)
        var x = rect.x + 1
        switch model.prompt {
        case .search(let input):
            x += buf.put("/", x: x, y: rect.y, role: .helpKey)
            InputField.draw(&buf, input, x: x, y: rect.y, width: min(40, rect.right - x))
            return
        case .filter(let input):
            x += buf.put("filter /", x: x, y: rect.y, role: .helpKey)
            let width = min(40, rect.right - x - 1)
            InputField.draw(&buf, input, x: x, y: rect.y, width: width)
            buf.put(" text or regex · enter keeps it · esc drops it", x: x + width, y: rect.y, role: .muted, limit: rect.right - x - width)
            return
        case .waive(let item, _):
            x += buf.put("waive \(item.rawValue): type the reason, enter saves, esc cancels", x: x, y: rect.y, role: .warning, limit: rect.width - 2)
            return
        case .answer(let field, _):
            buf.put("\(field.question) type the answer, enter saves, esc cancels", x: x, y: rect.y, role: .help, limit: rect.width - 2)
            return
        case .override(let input):
            x += buf.put("override reason: ", x: x, y: rect.y, role: .warning)
            // Narrow: the field gives way to the refusal, which says why (it scrolls as one types).
            let width = model.status == nil ? min(50, rect.right - x - 1) : max(16, min(50, (rect.right - x) / 3))
            InputField.draw(&buf, input, x: x, y: rect.y, width: width)
            if let status = model.status {
                buf.put(" " + status.text, x: x + width, y: rect.y, role: status.role, limit: rect.right - x - width)
            }
            return
        case .pickFile:
            buf.put("↑↓ pick a file or type its path (from the repository's root); enter opens it",
                    x: x, y: rect.y, role: .help, limit: rect.width - 2)
            return
        case .commitMessage:
            buf.put("type what the fix does; enter shows what will run, then asks y/n",
                    x: x, y: rect.y, role: .help, limit: rect.width - 2)
            return
        case .retry(let question):
            let room = max(0, rect.width - 9)
            buf.put((DisplayWidth.of(question) > room ? Text.fit(question, room) : question) + " [y/N]", x: x, y: rect.y, role: .warning,
                    limit: rect.width - 2)
            return
        case .confirm(let question):
            // The answer keys stay in view: a long question is cut, never the [y/N].
            let room = max(0, rect.width - 9)
            x += buf.put((DisplayWidth.of(question) > room ? Text.fit(question, room) : question) + " [y/N] ", x: x, y: rect.y, role: .warning, limit: rect.width - 2)
            buf.put("the plan is in the log", x: x, y: rect.y, role: .muted, limit: rect.right - x)
            return
        case nil:
            break
        }
        if let status = model.status {
            buf.put(status.text, x: x, y: rect.y, role: status.role, limit: rect.width - 2)
        } else if let activity = model.activity {
            buf.put("▶ " + activity, x: x, y: rect.y, role: .phaseActive, limit: rect.width - 2)
        } else if let active = model.incident.phase, active != model.viewed {
            buf.put("viewing \(model.viewed.title) · the active phase is \(active.title) (press \(active.index + 1))",
                    x: x, y: rect.y, role: .muted, limit: rect.width - 2)
        }
    }

    static func help(_ buf: inout CellBuffer, _ rect: Rect, _ model: ConsoleView) {
        buf.fill(rect)
        var items = model.helpBar.map { ($0.keys, $0.label) }
        func width(_ list: [(String, String)]) -> Int { list.reduce(0) { $0 + DisplayWidth.of($1.0) + DisplayWidth.of($1.1) + 3 } }
        // Drop from the middle so the context keys and `? help` / `q quit` survive.
        while width(items) > rect.width - 1, items.count > 2 { items.remove(at: items.count - 3) }
        var x = rect.x + 1
        for (key, label) in items {
            x += buf.put(key, x: x, y: rect.y, role: .helpKey, limit: rect.right - x)
            x += buf.put(" " + label + "  ", x: x, y: rect.y, role: .help, limit: rect.right - x)
        }
    }
}
