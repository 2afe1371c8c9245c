/// One row of the main pane: an optional selection marker and status glyph, text, a right-hand note,
/// or a text field being typed into.
struct PaneRow: Equatable {
    var marker = " "
    var indent = 0
    var glyph: String?
    var glyphRole: Role = .normal
    var text: String
    var role: Role = .normal
    var right = ""
    var rightRole: Role = .muted
    var selected = false
    var input: TextInput?
    /// The pane scrolls to keep this row in view (before the row being typed into or the selection).
    var focus = false

    init(marker: String = " ", indent: Int = 0, glyph: String? = nil, glyphRole: Role = .normal, text: String,
         role: Role = .normal, right: String = "", rightRole: Role = .muted, selected: Bool = false, input: TextInput? = nil,
         focus: Bool = false) {
        self.marker = marker; self.indent = indent; self.glyph = glyph; self.glyphRole = glyphRole
        self.text = text; self.role = role; self.right = right; self.rightRole = rightRole
        self.selected = selected; self.input = input; self.focus = focus
    }

    static let blank = PaneRow(text: "")

    static func heading(_ text: String) -> PaneRow { PaneRow(text: text, role: .title) }

    /// A step with its state: ✓ done, ✗ failed, ! warning, ○ not yet.
    static func step(_ state: StepState, _ text: String, detail: String = "") -> PaneRow {
        PaneRow(indent: 1, glyph: state.glyph, glyphRole: state.role, text: text,
                role: state == .pending || state == .skipped ? .muted : .normal, right: detail, rightRole: state == .failed ? .logError : .muted)
    }

    /// Draws the row at `y` inside `rect`.
    func draw(_ buf: inout CellBuffer, _ rect: Rect, y: Int) {
        var x = rect.x
        x += buf.put(marker, x: x, y: y, role: .title, limit: 1)
        x += indent
        if let glyph {
            buf.put(glyph, x: x, y: y, role: glyphRole, limit: rect.right - x)
            x += 2
        }
        let rightWidth = right.isEmpty ? 0 : min(DisplayWidth.of(right) + 1, max(0, rect.width / 2))
        let room = rect.right - x - rightWidth
        if let input {
            let used = buf.put(text, x: x, y: y, role: role, limit: room)
            InputField.draw(&buf, input, x: x + used, y: y, width: room - used)
        } else if room > 0 {
            buf.put(Text.fit(text, room), x: x, y: y, role: selected ? .selection : role)
        }
        if rightWidth > 0 {
            buf.put(Text.fit(right, rightWidth - 1), x: rect.right - rightWidth + 1, y: y, role: selected ? .selection : rightRole)
            if selected { buf.put(" ", x: rect.right - rightWidth, y: y, role: .selection) }
        }
    }
}

/// Where a step of a phase stands.
extension StepState {
    /// A deploy step's state as the pane marks it (not configured: skipped).
    init(_ state: DeployStep.State) {
        switch state {
        case .done: self = .done
        case .failed: self = .failed
        case .warning: self = .warning
        case .pending: self = .pending
        case .notConfigured: self = .skipped
        }
    }
}

enum StepState: Equatable {
    case done, failed, warning, pending
    /// Not part of this deploy (not configured): it will not run.
    case skipped

    var glyph: String {
        switch self {
        case .done: "✓"
        case .failed: "✗"
        case .warning: "!"
        case .pending: "○"
        case .skipped: "–"
        }
    }

    var role: Role {
        switch self {
        case .done: .ok
        case .failed: .logError
        case .warning: .warning
        case .pending, .skipped: .muted
        }
    }
}

/// A text field with a visible cursor; scrolls so the cursor stays in view.
enum InputField {
    static func draw(_ buf: inout CellBuffer, _ input: TextInput, x: Int, y: Int, width: Int) {
        guard width > 1 else { return }
        let chars = input.characters
        // Start as far left as possible while keeping the cursor inside the field.
        var start = 0
        var widthToCursor = chars[0..<input.cursor].reduce(0) { $0 + DisplayWidth.of($1) }
        while widthToCursor > width - 1, start < input.cursor {
            widthToCursor -= DisplayWidth.of(chars[start]); start += 1
        }
        buf.fill(Rect(x: x, y: y, width: width, height: 1), role: .input)
        var col = x
        for i in start..<chars.count {
            let w = DisplayWidth.of(chars[i])
            if col + w > x + width { break }
            buf.put(String(chars[i]), x: col, y: y, role: i == input.cursor ? .selection : .input)
            col += w
        }
        if input.cursor == chars.count, col < x + width { buf.put(" ", x: col, y: y, role: .selection) }
    }
}
