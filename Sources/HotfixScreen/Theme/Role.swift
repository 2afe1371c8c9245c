/// What a piece of text means on screen; themes map roles to colours, widgets never pick colours.
public enum Role: String, CaseIterable, Sendable, Codable {
    case normal, title, phaseDone, phaseActive, phasePending, overdue, warning, ok, muted
    case logError, logWarn, border, selection, help, helpKey, highlight, input
    /// A pod's tag in the DEPLOY stream: each pod keeps one of these for the session (stern's colours).
    case pod1, pod2, pod3, pod4, pod5, pod6

    /// The pod colour number `i` (0-based, wrapping).
    public static func pod(_ i: Int) -> Role { [Role.pod1, .pod2, .pod3, .pod4, .pod5, .pod6][((i % 6) + 6) % 6] }

    /// One letter per role for golden role grids.
    public var letter: Character {
        switch self {
        case .normal: "."
        case .title: "T"
        case .phaseDone: "d"
        case .phaseActive: "A"
        case .phasePending: "p"
        case .overdue: "O"
        case .warning: "W"
        case .ok: "K"
        case .muted: "m"
        case .logError: "E"
        case .logWarn: "w"
        case .border: "b"
        case .selection: "S"
        case .help: "h"
        case .helpKey: "k"
        case .highlight: "H"
        case .input: "I"
        case .pod1: "1"
        case .pod2: "2"
        case .pod3: "3"
        case .pod4: "4"
        case .pod5: "5"
        case .pod6: "6"
        }
    }
}
