import Foundation

extension Event: Codable {
    enum CodingKeys: String, CodingKey { case v, seq, at, mono, type, payload }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        schema = try c.decode(Int.self, forKey: .v)
        seq = try c.decode(Int.self, forKey: .seq)
        at = try c.decode(Date.self, forKey: .at)
        mono = try c.decodeIfPresent(Double.self, forKey: .mono) ?? 0
        let type = try c.decode(String.self, forKey: .type)
        func p<T: Decodable>(_: T.Type) throws -> T { try c.decode(T.self, forKey: .payload) }
        switch type {
        case "started": body = .started(try p(Started.self))
        case "assessed": body = .assessed(try p(Assessment.self))
        case "phase": body = .phaseChanged(try p(PhaseChange.self))
        case "override": body = .overridden(try p(GuardrailOverride.self))
        case "check": body = .checked(try p(Check.self))
        case "note": body = .noted(try p(Note.self))
        case "command": body = .commandRan(try p(CommandRun.self))
        case "git": body = .git(try p(GitRecord.self))
        case "deploy": body = .deploy(try p(DeployRecord.self))
        case "verdict": body = .verdict(try p(VerdictRecord.self))
        case "rollback": body = .rollback(try p(RollbackRecord.self))
        case "notification": body = .notification(try p(NotificationRecord.self))
        case "artifact": body = .artifact(try p(Artifact.self))
        case "warning": body = .warning(try p(Warning.self))
        case "changes": body = .changes(try p(ChangeSet.self))
        case "retry": body = .retried(try p(RetryRecord.self))
        default:
            throw DecodingError.dataCorruptedError(forKey: .type, in: c, debugDescription: "unknown event type '\(type)'")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(schema, forKey: .v)
        try c.encode(seq, forKey: .seq)
        try c.encode(at, forKey: .at)
        try c.encode(mono, forKey: .mono)
        try c.encode(type, forKey: .type)
        switch body {
        case .started(let x): try c.encode(x, forKey: .payload)
        case .assessed(let x): try c.encode(x, forKey: .payload)
        case .phaseChanged(let x): try c.encode(x, forKey: .payload)
        case .overridden(let x): try c.encode(x, forKey: .payload)
        case .checked(let x): try c.encode(x, forKey: .payload)
        case .noted(let x): try c.encode(x, forKey: .payload)
        case .commandRan(let x): try c.encode(x, forKey: .payload)
        case .git(let x): try c.encode(x, forKey: .payload)
        case .deploy(let x): try c.encode(x, forKey: .payload)
        case .verdict(let x): try c.encode(x, forKey: .payload)
        case .rollback(let x): try c.encode(x, forKey: .payload)
        case .notification(let x): try c.encode(x, forKey: .payload)
        case .artifact(let x): try c.encode(x, forKey: .payload)
        case .warning(let x): try c.encode(x, forKey: .payload)
        case .changes(let x): try c.encode(x, forKey: .payload)
        case .retried(let x): try c.encode(x, forKey: .payload)
        }
    }
}

/// The journal's line format: one compact JSON object per line, keys sorted, ISO dates with ms.
public enum EventCodec {
    public static func encoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        e.dateEncodingStrategy = .custom { date, enc in
            var c = enc.singleValueContainer()
            try c.encode(Durations.iso(date))
        }
        return e
    }

    public static func decoder() -> JSONDecoder {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .custom { dec in
            let c = try dec.singleValueContainer()
            let s = try c.decode(String.self)
            guard let date = Durations.parseISO(s) else {
                throw DecodingError.dataCorruptedError(in: c, debugDescription: "not an ISO 8601 time: \(s)")
            }
            return date
        }
        return d
    }

    /// The bytes of one journal line, newline included.
    public static func line(_ event: Event) throws -> [UInt8] {
        var data = Array(try encoder().encode(event))
        data.append(0x0A)
        return data
    }

    public enum LineResult: Sendable {
        case event(Event)
        case invalid(String)
    }

    public static func decode(line: some Collection<UInt8>) -> LineResult {
        do {
            let event = try decoder().decode(Event.self, from: Data(line))
            if event.schema > Event.schemaVersion {
                return .invalid("written by a newer hotfix (schema \(event.schema), this build reads \(Event.schemaVersion))")
            }
            return .event(event)
        } catch {
            return .invalid("not a valid event: \(error)")
        }
    }
}
