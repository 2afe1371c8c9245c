import Foundation

/// Splits a stream of concatenated JSON objects (kubectl's `-w -o json`, pretty or compact, any
/// line breaks) into whole objects, tracking strings and escapes so braces in values don't count.
public struct JSONObjectStream: Sendable {
    private var buffer: [UInt8] = []
    private var depth = 0
    private var inString = false
    private var escaped = false
    /// The largest object kept; a bigger one is dropped (and counted) rather than growing memory.
    public var limit = 8 * 1024 * 1024
    public private(set) var dropped = 0

    public init() {}

    /// Feeds more text (a line from kubectl: the newline is implied) and returns the objects it completed.
    public mutating func feed(_ text: String) -> [[String: Any]] {
        var out: [[String: Any]] = []
        for b in text.utf8 + [0x0A] {
            if depth == 0 {
                if b == UInt8(ascii: "{") { depth = 1; buffer = [b] }
                continue
            }
            buffer.append(b)
            if inString {
                if escaped { escaped = false } else if b == UInt8(ascii: "\\") { escaped = true } else if b == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch b {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                if depth == 0 {
                    if let obj = try? JSONSerialization.jsonObject(with: Data(buffer)) as? [String: Any] { out.append(obj) } else { dropped += 1 }
                    buffer.removeAll(keepingCapacity: true)
                }
            default: break
            }
            if buffer.count > limit {
                dropped += 1
                buffer.removeAll()
                depth = 0
                inString = false
                escaped = false
            }
        }
        return out
    }
}
