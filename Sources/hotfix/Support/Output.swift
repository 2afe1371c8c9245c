import Foundation
import HotfixEngine

/// Printing for the CLI: plain text to stdout, errors to stderr, stable JSON.
enum Output {
    static func error(_ error: HotfixError) {
        // What the tool said goes under the error, indented: the error's own line stays readable.
        FileHandle.standardError.write(Data(("hotfix: error: \(error.headline)\n" + error.said.map { "  \($0)\n" }.joined()).utf8))
    }

    /// One line to stdout at once, unbuffered: streamed output stays in order with stderr.
    static func line(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    static func warn(_ text: String) {
        FileHandle.standardError.write(Data("hotfix: warning: \(Sanitize.inline(text))\n".utf8))
    }

    static func json<T: Encodable>(_ value: T) throws(HotfixError) {
        let encoder = EventCodec.encoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        do {
            let data = try encoder.encode(value)
            print(String(decoding: data, as: UTF8.self))
        } catch {
            throw HotfixError.environment("cannot encode JSON output: \(error)")
        }
    }
}
