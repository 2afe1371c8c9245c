/// Incident severity, P0 (production down) to P3.
public enum Severity: String, Codable, Sendable, CaseIterable {
    case p0 = "P0", p1 = "P1", p2 = "P2", p3 = "P3"

    public init(parsing raw: String) throws(HotfixError) {
        guard let s = Severity(rawValue: raw.uppercased()) else {
            throw HotfixError.usage("invalid severity '\(Sanitize.inline(raw))': expected P0, P1, P2 or P3",
                                    next: "use --severity P0 for production down")
        }
        self = s
    }
}
