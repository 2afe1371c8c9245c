/// A key press, as the terminal layer decodes it.
public enum Key: Hashable, Sendable {
    case char(Character)
    /// Ctrl plus a letter, lowercase: `.ctrl("c")`.
    case ctrl(Character)
    case enter, escape, backspace, delete, tab, backTab
    case up, down, left, right, pageUp, pageDown, home, end

    /// How the help bar and the overlay name this key.
    public var label: String {
        switch self {
        case .char(" "): "space"
        case .char(let c): String(c)
        case .ctrl(let c): "ctrl-\(c)"
        case .enter: "enter"
        case .escape: "esc"
        case .backspace: "backspace"
        case .delete: "del"
        case .tab: "tab"
        case .backTab: "shift-tab"
        case .up: "↑"
        case .down: "↓"
        case .left: "←"
        case .right: "→"
        case .pageUp: "pgup"
        case .pageDown: "pgdn"
        case .home: "home"
        case .end: "end"
        }
    }
}
