/// One terminal cell: a grapheme and the role it is drawn in.
/// A wide grapheme occupies its cell and the next, which is marked as a continuation.
public struct Cell: Equatable, Sendable {
    public var text: String
    public var role: Role
    /// The right half of a wide grapheme: drawn by the cell on its left.
    public var isContinuation: Bool

    public init(_ text: String = " ", role: Role = .normal, isContinuation: Bool = false) {
        self.text = text
        self.role = role
        self.isContinuation = isContinuation
    }

    public static let blank = Cell()
}

/// A size in cells.
public struct Size: Equatable, Sendable {
    public var width: Int
    public var height: Int
    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
    }
}

/// An in-memory screen: widgets draw here, the terminal presents the cells that changed.
public struct CellBuffer: Equatable, Sendable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]

    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: .blank, count: self.width * self.height)
    }

    public init(size: Size) { self.init(width: size.width, height: size.height) }

    public var size: Size { Size(width: width, height: height) }
    public var area: Rect { Rect(x: 0, y: 0, width: width, height: height) }

    public subscript(x: Int, y: Int) -> Cell {
        guard x >= 0, y >= 0, x < width, y < height else { return .blank }
        return cells[y * width + x]
    }

    /// Sets one cell, repairing any wide grapheme it cuts in half.
    mutating func set(_ x: Int, _ y: Int, _ cell: Cell) {
        guard x >= 0, y >= 0, x < width, y < height else { return }
        let i = y * width + x
        if cells[i].isContinuation, x > 0, !cell.isContinuation {
            cells[i - 1] = Cell(" ", role: cells[i - 1].role)
        }
        if !cells[i].isContinuation, DisplayWidth.of(cells[i].text) == 2, x + 1 < width, !cell.isContinuation {
            cells[i + 1] = Cell(" ", role: cells[i + 1].role)
        }
        cells[i] = cell
    }

    /// Writes `text` from (x, y) in `role`, clipped to `limit` columns (and the buffer's edge).
    /// Returns the columns used. Control characters are dropped; a wide grapheme that would be cut
    /// at the edge becomes a space.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, role: Role, limit: Int? = nil) -> Int {
        guard y >= 0, y < height else { return 0 }
        let end = min(width, x + (limit ?? width))
        var col = x
        for ch in text {
            let w = DisplayWidth.of(ch)
            if w == 0 { continue }
            if col + w > end {
                if col < end, w == 2 { set(col, y, Cell(" ", role: role)); col += 1 }
                break
            }
            if col >= 0 {
                set(col, y, Cell(String(ch), role: role))
                if w == 2 { set(col + 1, y, Cell("", role: role, isContinuation: true)) }
            }
            col += w
        }
        return max(0, col - x)
    }

    /// Fills `rect` with blanks in `role`.
    public mutating func fill(_ rect: Rect, role: Role = .normal) {
        let r = rect.intersection(area)
        for y in r.y..<(r.y + r.height) {
            for x in r.x..<(r.x + r.width) { cells[y * width + x] = Cell(" ", role: role) }
        }
    }

    /// Changes the role of the cells in `rect`, keeping their text.
    public mutating func paint(_ rect: Rect, role: Role) {
        let r = rect.intersection(area)
        for y in r.y..<(r.y + r.height) {
            for x in r.x..<(r.x + r.width) { cells[y * width + x].role = role }
        }
    }

    /// The screen as text lines (continuation cells add nothing; trailing blanks trimmed).
    public func lines() -> [String] {
        (0..<height).map { y in
            var line = ""
            for x in 0..<width where !self[x, y].isContinuation { line += self[x, y].text }
            while line.hasSuffix(" ") { line.removeLast() }
            return line
        }
    }

    /// One letter per cell naming its role (see `Role.letter`), for golden role grids.
    public func roleGrid() -> [String] {
        (0..<height).map { y in String((0..<width).map { self[$0, y].role.letter }) }
    }
}
