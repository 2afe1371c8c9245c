/// An error a tired engineer can act on: what happened, what was left untouched, what to do next.
public struct HotfixError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The category decides the exit code.
    public enum Kind: String, Sendable, Codable {
        /// A guardrail or a failed step: exit 1.
        case refused
        /// Bad input or usage: exit 2.
        case usage
        /// The environment: not a repository, lock held, tool missing: exit 3.
        case environment
    }

    public var kind: Kind
    public var message: String
    public var untouched: String?
    public var next: String?
    /// What the tool that failed said, at most two short lines (`kubectl: …`): printed under the
    /// error by the CLI, after it on the same line elsewhere.
    public var said: [String] = []

    public init(_ kind: Kind, _ message: String, untouched: String? = nil, next: String? = nil, said: [String] = []) {
        self.kind = kind
        self.message = message
        self.untouched = untouched
        self.next = next
        self.said = said
    }

    public static func usage(_ message: String, untouched: String? = "nothing was written", next: String? = nil, said: [String] = []) -> HotfixError {
        HotfixError(.usage, message, untouched: untouched, next: next, said: said)
    }

    public static func refused(_ message: String, untouched: String? = "nothing was changed", next: String? = nil, said: [String] = []) -> HotfixError {
        HotfixError(.refused, message, untouched: untouched, next: next, said: said)
    }

    public static func environment(_ message: String, untouched: String? = "nothing was written", next: String? = nil, said: [String] = []) -> HotfixError {
        HotfixError(.environment, message, untouched: untouched, next: next, said: said)
    }

    public var exitCode: Int32 {
        switch kind {
        case .refused: 1
        case .usage: 2
        case .environment: 3
        }
    }

    /// One line: message; untouched; next step (without what the tool said).
    public var headline: String {
        var parts = [message]
        if let untouched { parts.append(untouched) }
        if let next { parts.append("next: \(next)") }
        return parts.joined(separator: "; ")
    }

    /// One line: message; untouched; next step; what the tool said.
    public var description: String { said.isEmpty ? headline : headline + "; " + said.joined(separator: " / ") }
}
