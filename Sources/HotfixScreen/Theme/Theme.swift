/// A palette of named colours plus a style for every role.
public struct Theme: Equatable, Sendable {
    public var name: String
    public var styles: [Role: Style]
    /// A monochrome theme asks for attributes only, even on a colour terminal.
    public var monochrome: Bool

    public init(name: String, styles: [Role: Style], monochrome: Bool = false) {
        self.name = name
        self.styles = styles
        self.monochrome = monochrome
    }

    public func style(_ role: Role) -> Style { styles[role] ?? Theme.builtin.styles[role] ?? Style() }

    /// The fallback when no theme file is found: a dark theme in the 16 ANSI colours,
    /// so it reads the same on 8-, 16- and 256-colour terminals.
    public static let builtin = Theme(name: "builtin", styles: [
        .normal: Style(),
        .title: Style(fg: .index(6), bold: true),
        .phaseDone: Style(fg: .index(2)),
        .phaseActive: Style(fg: .index(3), bold: true),
        .phasePending: Style(fg: .index(8), dim: true),
        .overdue: Style(fg: .index(1), bold: true),
        .warning: Style(fg: .index(3)),
        .ok: Style(fg: .index(2)),
        .muted: Style(fg: .index(8), dim: true),
        .logError: Style(fg: .index(1)),
        .logWarn: Style(fg: .index(3)),
        .border: Style(fg: .index(4)),
        .selection: Style(reverse: true),
        .help: Style(fg: .index(7)),
        .helpKey: Style(fg: .index(6), bold: true),
        .highlight: Style(fg: .index(0), bg: .index(3)),
        .input: Style(underline: true),
        .pod1: Style(fg: .index(6)),
        .pod2: Style(fg: .index(2)),
        .pod3: Style(fg: .index(5)),
        .pod4: Style(fg: .index(12)),
        .pod5: Style(fg: .index(14)),
        .pod6: Style(fg: .index(13)),
    ])

    /// Attributes only, for `NO_COLOR` and colourless terminals when the chosen theme has colours:
    /// every role stays distinguishable without a single colour.
    public static let noColor = Theme(name: "no-color", styles: [
        .normal: Style(),
        .title: Style(bold: true),
        .phaseDone: Style(),
        .phaseActive: Style(bold: true, reverse: true),
        .phasePending: Style(dim: true),
        .overdue: Style(bold: true, underline: true),
        .warning: Style(underline: true),
        .ok: Style(),
        .muted: Style(dim: true),
        .logError: Style(bold: true),
        .logWarn: Style(underline: true),
        .border: Style(dim: true),
        .selection: Style(reverse: true),
        .help: Style(),
        .helpKey: Style(bold: true),
        .highlight: Style(underline: true, reverse: true),
        .input: Style(underline: true),
        .pod1: Style(bold: true),
        .pod2: Style(bold: true),
        .pod3: Style(bold: true),
        .pod4: Style(bold: true),
        .pod5: Style(bold: true),
        .pod6: Style(bold: true),
    ], monochrome: true)
}
