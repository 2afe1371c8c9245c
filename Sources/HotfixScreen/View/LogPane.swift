import Foundation
import HotfixEngine

/// How a log-pane line is coloured.
public enum LineTone: String, Sendable, Equatable {
    case info, warn, error, muted

    var role: Role {
        switch self {
        case .info: .normal
        case .warn: .logWarn
        case .error: .logError
        case .muted: .muted
        }
    }
}

/// One line of the log pane: already sanitized, single-line text.
public struct LogLine: Equatable, Sendable {
    public var at: Date?
    public var text: String
    public var level: LineTone

    public init(at: Date?, text: String, level: LineTone = .info) {
        self.at = at
        self.text = Sanitize.inline(text)
        self.level = level
    }
}

/// The log pane's lines and view: follow, scroll, pause and search.
public struct LogPane: Equatable, Sendable {
    /// Lines kept; older ones are dropped so a long incident stays light.
    public static let capacity = 10_000

    public private(set) var lines: [LogLine] = []
    /// Lines dropped from the front so far (keeps positions stable while trimming).
    public private(set) var dropped = 0
    /// Shows the newest lines as they arrive.
    public var following = true
    /// Frozen view: lines still arrive and are counted, the view does not move.
    public var paused = false
    /// When paused: how many lines existed at the moment of pausing.
    public private(set) var pausedAt = 0
    /// The first visible line when not following.
    public var top = 0
    public var query: String?
    /// The line of the current match.
    public var match: Int?

    public init() {}

    public mutating func append(_ new: [LogLine]) {
        lines.append(contentsOf: new)
        let over = lines.count - LogPane.capacity
        if over > 0 {
            lines.removeFirst(over)
            dropped += over
            top = max(0, top - over)
            pausedAt = max(0, pausedAt - over)
            match = match.map { $0 - over }.flatMap { $0 >= 0 ? $0 : nil }
        }
    }

    /// Lines the view can reach: all of them, or those present when it was paused.
    public var visibleCount: Int { paused ? pausedAt : lines.count }
    public var newWhilePaused: Int { paused ? lines.count - pausedAt : 0 }

    /// The first line shown in a view `height` lines tall.
    public func firstLine(height: Int) -> Int {
        following ? max(0, visibleCount - height) : min(top, max(0, visibleCount - height))
    }

    public mutating func scroll(by delta: Int, height: Int) {
        let start = firstLine(height: height)
        top = max(0, min(start + delta, max(0, visibleCount - height)))
        following = !paused && top >= visibleCount - height
    }

    public mutating func jumpTop() { following = false; top = 0 }

    public mutating func jumpEnd() { paused = false; following = true }

    public mutating func togglePause(height: Int) {
        if paused {
            paused = false
        } else {
            top = firstLine(height: height)
            pausedAt = lines.count
            paused = true
            following = false
        }
    }

    public mutating func follow() {
        paused = false
        following = true
    }

    /// Line indices containing the query (case-insensitive).
    public func matches() -> [Int] {
        guard let q = query, !q.isEmpty else { return [] }
        return lines.indices.filter { lines[$0].text.range(of: q, options: .caseInsensitive) != nil }
    }

    /// Moves to the next (or previous) match after the current one and scrolls it into view.
    public mutating func jumpToMatch(forward: Bool, height: Int) {
        let all = matches()
        guard !all.isEmpty else { match = nil; return }
        let from = match ?? (forward ? firstLine(height: height) - 1 : firstLine(height: height) + height)
        let next = forward ? (all.first { $0 > from } ?? all[0]) : (all.last { $0 < from } ?? all[all.count - 1])
        match = next
        following = false
        let start = firstLine(height: height)
        if next < start || next >= start + height { top = max(0, next - height / 2) }
    }
}
