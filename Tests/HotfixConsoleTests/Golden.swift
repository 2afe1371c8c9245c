import Foundation
import Testing
import HotfixScreen
@testable import HotfixConsole

/// Golden screens: the text and a one-letter-per-cell role grid of a rendered buffer, compared with
/// files in `Golden/`. Run with `HOTFIX_RECORD=1` to write them again after a deliberate change.
enum Golden {
    static var recording: Bool { ProcessInfo.processInfo.environment["HOTFIX_RECORD"] == "1" }

    static func text(of buf: CellBuffer) -> String {
        buf.lines().joined(separator: "\n") + "\n"
    }

    static func roles(of buf: CellBuffer) -> String {
        buf.roleGrid().joined(separator: "\n") + "\n"
    }

    static func sourceDirectory(_ file: String) -> URL {
        URL(fileURLWithPath: file).deletingLastPathComponent().appendingPathComponent("Golden")
    }

    /// Compares (or records) `name.txt` and `name.roles` for `buf`.
    static func check(_ buf: CellBuffer, _ name: String, file: String = #filePath,
                      sourceLocation: SourceLocation = #_sourceLocation) throws {
        let pairs = [("\(name).txt", text(of: buf)), ("\(name).roles", roles(of: buf))]
        if recording {
            let dir = sourceDirectory(file)
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            for (file, content) in pairs { try content.write(to: dir.appendingPathComponent(file), atomically: true, encoding: .utf8) }
            return
        }
        for (file, content) in pairs {
            guard let url = Bundle.module.url(forResource: file, withExtension: nil, subdirectory: "Golden"),
                  let expected = try? String(contentsOf: url, encoding: .utf8) else {
                Issue.record("missing golden file Golden/\(file): run HOTFIX_RECORD=1 swift test --filter HotfixConsoleTests",
                             sourceLocation: sourceLocation)
                continue
            }
            if expected != content {
                Issue.record("\(file) differs from the golden file:\n\(diff(expected, content))", sourceLocation: sourceLocation)
            }
        }
    }

    /// The first differing lines, expected then actual.
    static func diff(_ a: String, _ b: String) -> String {
        let x = a.split(separator: "\n", omittingEmptySubsequences: false)
        let y = b.split(separator: "\n", omittingEmptySubsequences: false)
        var out: [String] = []
        for i in 0..<max(x.count, y.count) where (i < x.count ? x[i] : "") != (i < y.count ? y[i] : "") {
            out.append("line \(i + 1):\n  expected: \(i < x.count ? x[i] : "")\n  actual:   \(i < y.count ? y[i] : "")")
            if out.count == 5 { break }
        }
        return out.joined(separator: "\n")
    }
}
