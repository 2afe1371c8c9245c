import Foundation
import HotfixEngine

/// Printing for the CLI: plain text to stdout, errors to stderr, stable JSON.
enum Output {
    static func error(_ error: HotfixError) {
        FileHandle.standardError.write(Data("hotfix: error: \(error)\n".utf8))
    }

    /// One line to stdout at once, unbuffered: streamed output stays in order with stderr.
    static func line(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    static func warn(_ text: String) {
        if warnings.divert(Sanitize.inline(text)) { return }
        FileHandle.standardError.write(Data("hotfix: warning: \(Sanitize.inline(text))\n".utf8))
    }

    /// While the console owns the terminal, warnings from work it runs in-process go to its log pane.
    static let warnings = WarningSink()

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

/// Where warnings go instead of stderr while something (the console) has claimed them.
final class WarningSink: @unchecked Sendable {
    private let lock = NSLock()
    private var target: (@Sendable (String) -> Void)?

    /// Sends warnings to `target` (nil gives them back to stderr).
    func claim(_ target: (@Sendable (String) -> Void)?) { lock.withLock { self.target = target } }

    /// True when a claimant took `text`.
    func divert(_ text: String) -> Bool {
        guard let target = lock.withLock({ self.target }) else { return false }
        target(text)
        return true
    }
}
