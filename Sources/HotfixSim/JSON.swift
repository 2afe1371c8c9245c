import Foundation

/// A JSON document: what the simulated API server stores, patches and serves.
public enum JSON: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSON])
    case object([String: JSON])

    public subscript(key: String) -> JSON? {
        get { if case .object(let o) = self { return o[key] } else { return nil } }
        set {
            var o: [String: JSON]
            if case .object(let existing) = self { o = existing } else { o = [:] }
            o[key] = newValue
            self = .object(o)
        }
    }

    /// The value at a path of object keys, or nil.
    public subscript(path path: [String]) -> JSON? {
        get {
            var cur: JSON? = self
            for k in path { cur = cur?[k] }
            return cur
        }
        set {
            guard let first = path.first else { if let v = newValue { self = v }; return }
            var child = self[first] ?? .object([:])
            child[path: Array(path.dropFirst())] = newValue
            if path.count == 1 { self[first] = newValue } else { self[first] = child }
        }
    }

    public var string: String? { if case .string(let s) = self { return s } else { return nil } }
    public var int: Int? { if case .number(let d) = self { return Int(d) } else { return nil } }
    public var bool: Bool? { if case .bool(let b) = self { return b } else { return nil } }
    public var array: [JSON]? { if case .array(let a) = self { return a } else { return nil } }
    public var object: [String: JSON]? { if case .object(let o) = self { return o } else { return nil } }

    /// A string-to-string map (labels, annotations).
    public var stringMap: [String: String] {
        var out: [String: String] = [:]
        for (k, v) in object ?? [:] { if let s = v.string { out[k] = s } }
        return out
    }

    public static func map(_ m: [String: String]) -> JSON { .object(m.mapValues { .string($0) }) }

    /// Without nulls and empty objects, recursively: the form templates are compared and hashed in.
    public var normalized: JSON {
        switch self {
        case .object(let o):
            var out: [String: JSON] = [:]
            for (k, v) in o {
                let n = v.normalized
                if case .null = n { continue }
                if case .object(let inner) = n, inner.isEmpty { continue }
                out[k] = n
            }
            return .object(out)
        case .array(let a): return .array(a.map(\.normalized))
        default: return self
        }
    }
}

// MARK: - Serializing

extension JSON {
    /// Compact JSON with sorted keys.
    public var text: String {
        var out = ""
        write(into: &out)
        return out
    }

    func write(into out: inout String) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let d):
            if d.rounded() == d && abs(d) < 1e15 { out += String(Int64(d)) } else { out += String(d) }
        case .string(let s): JSON.quote(s, into: &out)
        case .array(let a):
            out += "["
            for (i, v) in a.enumerated() { if i > 0 { out += "," }; v.write(into: &out) }
            out += "]"
        case .object(let o):
            out += "{"
            for (i, k) in o.keys.sorted().enumerated() {
                if i > 0 { out += "," }
                JSON.quote(k, into: &out)
                out += ":"
                o[k]!.write(into: &out)
            }
            out += "}"
        }
    }

    static func quote(_ s: String, into out: inout String) {
        out += "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 || u.value == 0x7F {
                    out += "\\u" + String(format: "%04x", u.value)
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        out += "\""
    }
}

// MARK: - Parsing

public struct JSONParseError: Error, Sendable, CustomStringConvertible {
    public var offset: Int
    public var description: String { "invalid JSON at byte \(offset)" }
}

extension JSON {
    public static func parse(_ text: String) throws(JSONParseError) -> JSON {
        try parse(Array(text.utf8))
    }

    public static func parse(_ bytes: [UInt8]) throws(JSONParseError) -> JSON {
        var p = Parser(b: bytes)
        p.skip()
        let v = try p.value(depth: 0)
        p.skip()
        guard p.i == bytes.count else { throw JSONParseError(offset: p.i) }
        return v
    }

    struct Parser {
        let b: [UInt8]
        var i = 0

        mutating func skip() { while i < b.count, b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x09 { i += 1 } }

        mutating func value(depth: Int) throws(JSONParseError) -> JSON {
            guard i < b.count, depth < 200 else { throw JSONParseError(offset: i) }
            switch b[i] {
            case UInt8(ascii: "{"):
                i += 1; skip()
                var o: [String: JSON] = [:]
                if i < b.count, b[i] == UInt8(ascii: "}") { i += 1; return .object(o) }
                while true {
                    skip()
                    guard i < b.count, b[i] == UInt8(ascii: "\"") else { throw JSONParseError(offset: i) }
                    let k = try string()
                    skip()
                    guard i < b.count, b[i] == UInt8(ascii: ":") else { throw JSONParseError(offset: i) }
                    i += 1; skip()
                    o[k] = try value(depth: depth + 1)
                    skip()
                    guard i < b.count else { throw JSONParseError(offset: i) }
                    if b[i] == UInt8(ascii: ",") { i += 1; continue }
                    if b[i] == UInt8(ascii: "}") { i += 1; return .object(o) }
                    throw JSONParseError(offset: i)
                }
            case UInt8(ascii: "["):
                i += 1; skip()
                var a: [JSON] = []
                if i < b.count, b[i] == UInt8(ascii: "]") { i += 1; return .array(a) }
                while true {
                    skip()
                    a.append(try value(depth: depth + 1))
                    skip()
                    guard i < b.count else { throw JSONParseError(offset: i) }
                    if b[i] == UInt8(ascii: ",") { i += 1; continue }
                    if b[i] == UInt8(ascii: "]") { i += 1; return .array(a) }
                    throw JSONParseError(offset: i)
                }
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): try literal("true"); return .bool(true)
            case UInt8(ascii: "f"): try literal("false"); return .bool(false)
            case UInt8(ascii: "n"): try literal("null"); return .null
            default:
                let start = i
                while i < b.count, b[i] == UInt8(ascii: "-") || b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: ".")
                        || b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") || (b[i] >= 0x30 && b[i] <= 0x39) { i += 1 }
                guard i > start, let d = Double(String(decoding: b[start..<i], as: UTF8.self)) else { throw JSONParseError(offset: start) }
                return .number(d)
            }
        }

        mutating func literal(_ word: String) throws(JSONParseError) {
            let w = Array(word.utf8)
            guard i + w.count <= b.count, Array(b[i..<i + w.count]) == w else { throw JSONParseError(offset: i) }
            i += w.count
        }

        mutating func hex4() throws(JSONParseError) -> UInt32 {
            guard i + 4 <= b.count, let v = UInt32(String(decoding: b[i..<i + 4], as: UTF8.self), radix: 16) else { throw JSONParseError(offset: i) }
            i += 4
            return v
        }

        mutating func string() throws(JSONParseError) -> String {
            i += 1
            var out: [UInt8] = []
            while i < b.count {
                let c = b[i]
                if c == UInt8(ascii: "\"") { i += 1; return String(decoding: out, as: UTF8.self) }
                if c == UInt8(ascii: "\\") {
                    i += 1
                    guard i < b.count else { break }
                    let e = b[i]; i += 1
                    switch e {
                    case UInt8(ascii: "n"): out.append(0x0A)
                    case UInt8(ascii: "t"): out.append(0x09)
                    case UInt8(ascii: "r"): out.append(0x0D)
                    case UInt8(ascii: "b"): out.append(0x08)
                    case UInt8(ascii: "f"): out.append(0x0C)
                    case UInt8(ascii: "u"):
                        var v = try hex4()
                        if v >= 0xD800 && v < 0xDC00, i + 6 <= b.count, b[i] == UInt8(ascii: "\\"), b[i + 1] == UInt8(ascii: "u") {
                            i += 2
                            let lo = try hex4()
                            v = 0x10000 + ((v - 0xD800) << 10) + (lo &- 0xDC00 & 0x3FF)
                        }
                        out.append(contentsOf: Array(String(Unicode.Scalar(v).map { Character($0) } ?? "\u{FFFD}").utf8))
                    default: out.append(e)
                    }
                    continue
                }
                out.append(c)
                i += 1
            }
            throw JSONParseError(offset: i)
        }
    }
}
