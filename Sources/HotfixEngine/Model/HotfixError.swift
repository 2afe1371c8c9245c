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

    public init(_ kind: Kind, _ message: String, untouched: String? = nil, next: String? = nil) {
        self.kind = kind
        self.message = message
        self.untouched = untouched
        self.next = next
    }

    public static func usage(_ message: String, untouched: String? = "nothing was written", next: String? = nil) -> HotfixError {
        HotfixError(.usage, message, untouched: untouched, next: next)
    }

    public static func refused(_ message: String, untouched: String? = "nothing was changed", next: String? = nil) -> HotfixError {
        HotfixError(.refused, message, untouched: untouched, next: next)
    }

    public static func environment(_ message: String, untouched: String? = "nothing was written", next: String? = nil) -> HotfixError {
        HotfixError(.environment, message, untouched: untouched, next: next)
    }

    public var exitCode: Int32 {
        switch kind {
        case .refused: 1
        case .usage: 2
        case .environment: 3
        }
    }

    /// One line: message; untouched; next step.
    public var description: String {
        var parts = [message]
        if let untouched { parts.append(untouched) }
        if let next { parts.append("next: \(next)") }
        return parts.joined(separator: "; ")
    }
}
