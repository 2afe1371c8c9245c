/// What a piece of text means on screen; themes map roles to colours, widgets never pick colours.
public enum Role: String, CaseIterable, Sendable, Codable {
    case normal, title, phaseDone, phaseActive, phasePending, overdue, warning, ok, muted
    case logError, logWarn, border, selection, help, highlight
}
