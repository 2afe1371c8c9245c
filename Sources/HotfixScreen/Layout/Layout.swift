/// A rectangle of cells.
public struct Rect: Equatable, Sendable {
    public var x: Int, y: Int, width: Int, height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x; self.y = y
        self.width = max(0, width); self.height = max(0, height)
    }

    public var isEmpty: Bool { width == 0 || height == 0 }
    public var bottom: Int { y + height }
    public var right: Int { x + width }

    public func intersection(_ o: Rect) -> Rect {
        let x0 = max(x, o.x), y0 = max(y, o.y)
        let x1 = min(right, o.right), y1 = min(bottom, o.bottom)
        return Rect(x: x0, y: y0, width: x1 - x0, height: y1 - y0)
    }

    /// The rectangle shrunk by `n` cells on every side.
    public func inset(_ n: Int) -> Rect { Rect(x: x + n, y: y + n, width: width - 2 * n, height: height - 2 * n) }

    /// One row of this rectangle (relative to its top).
    public func row(_ i: Int) -> Rect { Rect(x: x, y: y + i, width: width, height: i < height ? 1 : 0) }

    public enum Direction: Sendable { case horizontal, vertical }

    /// Splits along `direction` by `constraints` (ratatui style): fixed lengths and percentages
    /// first, minimums next, then the rest shared among fills by weight.
    public func split(_ direction: Direction, _ constraints: [Constraint]) -> [Rect] {
        let total = direction == .horizontal ? width : height
        let sizes = Constraint.solve(constraints, total: total)
        var offset = 0
        return sizes.map { size in
            defer { offset += size }
            switch direction {
            case .horizontal: return Rect(x: x + offset, y: y, width: size, height: height)
            case .vertical: return Rect(x: x, y: y + offset, width: width, height: size)
            }
        }
    }
}

/// How much room one part of a split gets.
public enum Constraint: Equatable, Sendable {
    case length(Int)
    case percentage(Int)
    /// At least this much, then grows like a fill of weight 1.
    case min(Int)
    case fill(Int)

    static func solve(_ constraints: [Constraint], total: Int) -> [Int] {
        var sizes = constraints.map { c -> Int in
            switch c {
            case .length(let n): Swift.max(0, n)
            case .percentage(let p): total * Swift.max(0, p) / 100
            case .min(let n): Swift.max(0, n)
            case .fill: 0
            }
        }
        // Shrink from the end when the fixed parts do not fit.
        var over = sizes.reduce(0, +) - total
        var i = sizes.count - 1
        while over > 0, i >= 0 {
            let cut = Swift.min(over, sizes[i])
            sizes[i] -= cut; over -= cut; i -= 1
        }
        let weights = constraints.map { c -> Int in
            switch c {
            case .fill(let w): Swift.max(1, w)
            case .min: 1
            default: 0
            }
        }
        let free = total - sizes.reduce(0, +)
        let weightSum = weights.reduce(0, +)
        guard free > 0, weightSum > 0 else { return sizes }
        var given = 0
        var lastGrowing = 0
        for (i, w) in weights.enumerated() where w > 0 {
            let share = free * w / weightSum
            sizes[i] += share; given += share; lastGrowing = i
        }
        sizes[lastGrowing] += free - given
        return sizes
    }
}
