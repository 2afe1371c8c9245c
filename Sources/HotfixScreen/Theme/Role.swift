/// What a piece of text means on screen; themes map roles to colours, widgets never pick colours.
public enum Role: String, CaseIterable, Sendable, Codable {
    case normal, title, phaseDone, phaseActive, phasePending, overdue, warning, ok, muted
    case logError, logWarn, border, selection, help, helpKey, highlight, input

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
        }
    }
}
