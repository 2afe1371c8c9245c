/// A colour as a theme writes it: the terminal default, an xterm index, or 24-bit RGB.
public enum Color: Equatable, Sendable {
    case `default`
    case index(Int)
    case rgb(UInt8, UInt8, UInt8)

    /// The ANSI names, 0–15.
    public static let names = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
                               "brightblack", "brightred", "brightgreen", "brightyellow", "brightblue",
                               "brightmagenta", "brightcyan", "brightwhite"]

    /// Reads `#rrggbb`, `#rgb`, `0`…`255`, an ANSI name or `default`; nil when it is none of them.
    public init?(parsing raw: String) {
        let s = raw.lowercased()
        if s == "default" || s == "none" { self = .default; return }
        if let i = Color.names.firstIndex(of: s.replacingOccurrences(of: "-", with: "").replacingOccurrences(of: "_", with: "")) {
            self = .index(i); return
        }
        if let n = Int(s) {
            guard (0...255).contains(n) else { return nil }
            self = .index(n); return
        }
        guard s.hasPrefix("#") else { return nil }
        let hex = Array(s.dropFirst())
        let digits: [Character]
        switch hex.count {
        case 6: digits = hex
        case 3: digits = hex.flatMap { [$0, $0] }
        default: return nil
        }
        var bytes: [UInt8] = []
        for i in stride(from: 0, to: 6, by: 2) {
            guard let b = UInt8(String(digits[i...i + 1]), radix: 16) else { return nil }
            bytes.append(b)
        }
        self = .rgb(bytes[0], bytes[1], bytes[2])
    }

    /// The terminal colour number for a terminal with `depth`, or nil for the default colour.
    public func resolved(for depth: ColorDepth) -> Int? {
        switch (self, depth) {
        case (.default, _), (_, .none): return nil
        case (.index(let n), .c256): return n
        case (.index(let n), .c8): return n < 8 ? n : (n < 16 ? n - 8 : Color.nearestBasic(Color.rgbOf(index: n)))
        case (.rgb(let r, let g, let b), .c256): return Color.nearest256(r, g, b)
        case (.rgb(let r, let g, let b), .c8): return Color.nearestBasic((r, g, b))
        }
    }

    static let basicRGB: [(UInt8, UInt8, UInt8)] = [
        (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
        (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255),
    ]
    static let cube: [Int] = [0, 95, 135, 175, 215, 255]

    static func rgbOf(index n: Int) -> (UInt8, UInt8, UInt8) {
        if n < 16 { return basicRGB[max(0, n)] }
        if n < 232 {
            let i = n - 16
            return (UInt8(cube[i / 36]), UInt8(cube[(i / 6) % 6]), UInt8(cube[i % 6]))
        }
        let v = UInt8(8 + 10 * (n - 232))
        return (v, v, v)
    }

    static func distance(_ a: (UInt8, UInt8, UInt8), _ b: (UInt8, UInt8, UInt8)) -> Int {
        let dr = Int(a.0) - Int(b.0), dg = Int(a.1) - Int(b.1), db = Int(a.2) - Int(b.2)
        return 2 * dr * dr + 4 * dg * dg + 3 * db * db
    }

    /// The closest of the 6×6×6 cube and the grey ramp.
    static func nearest256(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> Int {
        func step(_ v: UInt8) -> Int { cube.indices.min { abs(cube[$0] - Int(v)) < abs(cube[$1] - Int(v)) }! }
        let cubeIndex = 16 + 36 * step(r) + 6 * step(g) + step(b)
        let avg = (Int(r) + Int(g) + Int(b)) / 3
        let greyIndex = 232 + min(23, max(0, (avg - 8 + 5) / 10))
        let target = (r, g, b)
        return distance(rgbOf(index: cubeIndex), target) <= distance(rgbOf(index: greyIndex), target) ? cubeIndex : greyIndex
    }

    /// The closest of the eight basic colours (bright ones are not guaranteed on 8-colour terminals).
    static func nearestBasic(_ c: (UInt8, UInt8, UInt8)) -> Int {
        (0..<8).min { distance(basicRGB[$0], c) < distance(basicRGB[$1], c) }!
    }
}

/// How many colours the terminal can show.
public enum ColorDepth: Sendable, Equatable {
    /// `NO_COLOR`, a monochrome terminal or theme: attributes only.
    case none
    case c8
    case c256

    public static func of(colors: Int, noColor: Bool) -> ColorDepth {
        if noColor || colors < 8 { return .none }
        return colors >= 256 ? .c256 : .c8
    }
}

/// How one role is drawn.
public struct Style: Equatable, Sendable {
    public var fg: Color
    public var bg: Color
    public var bold: Bool
    public var underline: Bool
    public var reverse: Bool
    public var dim: Bool

    public init(fg: Color = .default, bg: Color = .default, bold: Bool = false, underline: Bool = false,
                reverse: Bool = false, dim: Bool = false) {
        self.fg = fg; self.bg = bg; self.bold = bold; self.underline = underline; self.reverse = reverse; self.dim = dim
    }
}
