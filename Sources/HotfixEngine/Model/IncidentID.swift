import Foundation

/// A validated incident id such as `001-api-500`: lowercase letters, digits and `-`.
public struct IncidentID: Hashable, Sendable, Codable, CustomStringConvertible, Comparable {
    public let rawValue: String

    public static let rule = "an incident id is 1 to 63 characters of lowercase letters, digits and '-', starting with a letter or digit (for example 001-api-500)"

    /// Validates `raw`; throws a usage error that states the rule.
    public init(_ raw: String) throws(HotfixError) {
        guard IncidentID.isValid(raw) else {
            let shown = raw.count > 40 ? String(raw.prefix(40)) + "…" : raw
            throw HotfixError.usage(
                "invalid incident id '\(Sanitize.inline(shown))': \(IncidentID.rule)",
                next: "pick an id like 001-api-500, or leave --id out to have one generated")
        }
        rawValue = raw
    }

    public static func isValid(_ raw: String) -> Bool {
        let bytes = Array(raw.utf8)
        guard (1...63).contains(bytes.count) else { return false }
        func ok(_ b: UInt8, first: Bool) -> Bool {
            (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) || (!first && b == 0x2D)
        }
        for (i, b) in bytes.enumerated() where !ok(b, first: i == 0) { return false }
        return true
    }

    public init(from decoder: any Decoder) throws {
        let raw = try decoder.singleValueContainer().decode(String.self)
        guard IncidentID.isValid(raw) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: IncidentID.rule))
        }
        rawValue = raw
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }

    public var description: String { rawValue }
    public static func < (a: IncidentID, b: IncidentID) -> Bool { a.rawValue < b.rawValue }

    /// Generates `NNN-slug` from a title: the next three-digit sequence after `existing`,
    /// then up to two meaningful words of the title (numbers kept), e.g. `001-api-500`.
    public static func generate(title: String, existing: [IncidentID]) -> IncidentID {
        let used = existing.compactMap { id -> Int? in
            let digits = id.rawValue.prefix { $0.isASCII && $0.isNumber }
            return digits.count == 3 ? Int(digits) : nil
        }
        let seq = (used.max() ?? 0) + 1
        let prefix = String(format: "%03d", seq)
        let slug = slugify(title)
        let raw = slug.isEmpty ? prefix : String("\(prefix)-\(slug)".prefix(63))
        let trimmed = raw.hasSuffix("-") ? String(raw.dropLast()) : raw
        // Safe by construction; fall back to the bare sequence if anything slipped through.
        return (try? IncidentID(trimmed)) ?? (try! IncidentID(prefix))
    }

    static let stopWords: Set<String> = [
        "a", "an", "the", "on", "in", "at", "of", "for", "to", "and", "or", "is", "are", "was",
        "returns", "return", "returning", "with", "from", "by", "when", "after", "endpoint", "all",
        "some", "be", "being", "not", "no", "it", "its", "this", "that", "our",
    ]

    static func slugify(_ title: String) -> String {
        var words: [String] = []
        var current = ""
        for scalar in title.lowercased().unicodeScalars {
            if scalar.isASCII, CharacterSet.alphanumerics.contains(scalar) {
                current.unicodeScalars.append(scalar)
            } else if !current.isEmpty {
                words.append(current); current = ""
            }
        }
        if !current.isEmpty { words.append(current) }
        let meaningful = words.filter { !stopWords.contains($0) }
        return (meaningful.isEmpty ? words : meaningful).prefix(2).joined(separator: "-")
    }
}
