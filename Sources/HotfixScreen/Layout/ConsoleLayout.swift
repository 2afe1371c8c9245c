import HotfixEngine

/// Where each part of the console goes at a given size (DESIGN section 9).
public struct ConsoleLayout: Equatable, Sendable {
    public var header: Rect
    public var rail: Rect
    public var checklist: Rect
    public var info: Rect
    public var main: Rect
    public var log: Rect
    public var status: Rect
    public var helpBar: Rect

    public init(size: Size) {
        let screen = Rect(x: 0, y: 0, width: size.width, height: size.height)
        let rows = screen.split(.vertical, [.length(1), .fill(1), .length(1), .length(1)])
        header = rows[0]; status = rows[2]; helpBar = rows[3]
        let leftWidth = size.width >= 140 ? 32 : 25
        let columns = rows[1].split(.horizontal, [.length(leftWidth), .fill(1)])
        let left = columns[0].split(.vertical, [.length(Phase.allCases.count + 2), .length(ChecklistItem.allCases.count + 2), .fill(1)])
        rail = left[0]; checklist = left[1]; info = left[2]
        let right = columns[1].split(.vertical, [.fill(3), .fill(2)])
        main = right[0]; log = right[1]
    }
}

