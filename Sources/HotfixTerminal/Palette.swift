import CNcurses
import HotfixScreen

/// A role's ncurses attributes and colour pair for one theme at one colour depth.
struct Look {
    var attributes: attr_t
    var pair: Int16
}

/// Maps roles to ncurses looks: one colour pair per distinct (fg, bg), degraded to the terminal's depth.
struct Palette {
    private var looks: [Role: Look] = [:]

    init(theme: Theme, depth: ColorDepth) {
        var pairs: [[Int32]: Int16] = [:]
        for role in Role.allCases {
            let style = theme.style(role)
            var attributes = hf_a_normal()
            if style.bold { attributes |= hf_a_bold() }
            if style.underline { attributes |= hf_a_underline() }
            if style.reverse { attributes |= hf_a_reverse() }
            if style.dim { attributes |= hf_a_dim() }
            var pair: Int16 = 0
            if depth == .none {
                // Without colour a background (selection, search hits) becomes reverse video.
                if style.bg != .default { attributes |= hf_a_reverse() }
            } else {
                let fg = Int32(style.fg.resolved(for: depth) ?? -1)
                let bg = Int32(style.bg.resolved(for: depth) ?? -1)
                if fg != -1 || bg != -1 {
                    if let known = pairs[[fg, bg]] {
                        pair = known
                    } else if pairs.count + 1 < Int(hf_color_pairs()) {
                        pair = Int16(pairs.count + 1)
                        init_pair(pair, Int16(fg), Int16(bg))
                        pairs[[fg, bg]] = pair
                    }
                }
            }
            looks[role] = Look(attributes: attributes, pair: pair)
        }
    }

    func look(_ role: Role) -> Look { looks[role] ?? Look(attributes: hf_a_normal(), pair: 0) }
}
