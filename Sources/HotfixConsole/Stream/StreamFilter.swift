import Foundation
import HotfixLogs

/// What the stream shows: every line, or those of one side, one pod, errors only, matching a
/// text. Filtering only chooses what is drawn: the verdict reads its own copy of every line.
public struct StreamFilter: Sendable, Equatable {
    public enum Side: String, Sendable, CaseIterable { case all, old, new }

    public var side = Side.all
    public var errorsOnly = false
    /// The pod's name, when one is picked from the pod list.
    public var pod: String?
    /// The text typed after `/`: a regular expression when it has regex characters and compiles
    /// (case-insensitive), else the text itself, case-insensitive.
    public private(set) var query: String?
    /// Set when the query is used as a regular expression.
    private var regex: Pattern?

    public init() {}

    /// A compiled expression (compared by its text).
    struct Pattern: @unchecked Sendable, Equatable {
        let text: String
        let expression: NSRegularExpression
        static func == (a: Pattern, b: Pattern) -> Bool { a.text == b.text }
    }

    public var isActive: Bool { side != .all || errorsOnly || pod != nil || query != nil }

    /// Whether the query is read as a regular expression.
    public var isRegex: Bool { regex != nil }

    public mutating func setQuery(_ text: String?) {
        guard let text, !text.isEmpty else { query = nil; regex = nil; return }
        query = text
        regex = nil
        if text.contains(where: { "\\^$.|?*+()[]{}".contains($0) }),
           let expression = try? NSRegularExpression(pattern: text, options: [.caseInsensitive]) {
            regex = Pattern(text: text, expression: expression)
        }
    }

    /// Whether `line` (of `pod`) passes. `podName` is only asked for when a pod is picked.
    func passes(_ line: StreamLine, podName: () -> String) -> Bool {
        switch side {
        case .all: break
        case .old: if line.isNew { return false }
        case .new: if !line.isNew { return false }
        }
        if errorsOnly && !(line.isError || line.kind == .problem) { return false }
        if let pod, podName() != pod { return false }
        if let query { return matches(line.text, query) }
        return true
    }

    func matches(_ text: String, _ query: String) -> Bool {
        if let regex {
            let ns = text as NSString
            return regex.expression.firstMatch(in: text, range: NSRange(location: 0, length: ns.length)) != nil
        }
        return Self.contains(text, query)
    }

    /// The parts of `text` the query matches, for highlighting.
    func highlights(in text: String) -> [String] {
        guard let query else { return [] }
        guard let regex else { return [query] }
        let ns = text as NSString
        let found = regex.expression.matches(in: text, range: NSRange(location: 0, length: ns.length)).prefix(8)
        return Array(Set(found.compactMap { $0.range.length > 0 ? ns.substring(with: $0.range) : nil }))
    }

    /// Case-insensitive containment; ASCII queries are compared byte by byte (thousands of lines a
    /// second go through this).
    static func contains(_ text: String, _ query: String) -> Bool {
        guard query.utf8.allSatisfy({ $0 < 0x80 }) else { return text.range(of: query, options: .caseInsensitive) != nil }
        var text = text, query = query
        return text.withUTF8 { t in
            query.withUTF8 { q in
                guard q.count <= t.count, let first = q.first.map(fold) else { return q.isEmpty }
                var i = 0
                let last = t.count - q.count
                while i <= last {
                    if fold(t[i]) == first {
                        var k = 1
                        while k < q.count && fold(t[i + k]) == fold(q[k]) { k += 1 }
                        if k == q.count { return true }
                    }
                    i += 1
                }
                return false
            }
        }
    }

    @inline(__always)
    static func fold(_ b: UInt8) -> UInt8 { b &- 0x41 < 26 ? b | 0x20 : b }

    /// How the pane's title says the filter: `/KeyError · errors · new · pod x1k2p`.
    public var words: String {
        var parts: [String] = []
        if let query { parts.append("/" + query) }
        if errorsOnly { parts.append("errors") }
        if side != .all { parts.append(side.rawValue) }
        if let pod { parts.append("pod " + LiveTag.short(pod)) }
        return parts.joined(separator: " · ")
    }
}
