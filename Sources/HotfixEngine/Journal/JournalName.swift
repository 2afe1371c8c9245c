/// A name the journal writes as a plain string (a step, an outcome, a channel): the same JSON as
/// ever, typed in memory. A value this build does not know (written by a newer hotfix) decodes as
/// `unrecognized(name)`, which keeps the record and is written back exactly as it was read;
/// code that acts on a value treats an unrecognized one as "not one of mine" (an unrecognized git
/// outcome is not handled, an unrecognized step is never taken for a known one).
public protocol JournalName: Hashable, Sendable, Codable, CustomStringConvertible {
    /// Every value this build knows; each has its own name on disk.
    static var known: [Self] { get }
    /// A value this build does not know, kept as written.
    static func unrecognized(_ name: String) -> Self
    /// The name on disk.
    var name: String { get }
    init(name: String)
}

extension JournalName {
    /// The value `name` stands for: a known one, or `unrecognized(name)`.
    public init(name: String) { self = Self.known.first { $0.name == name } ?? .unrecognized(name) }

    public init(from decoder: any Decoder) throws {
        self.init(name: try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(name)
    }

    public var description: String { name }
}
