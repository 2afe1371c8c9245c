import Foundation
import HotfixTestSupport
import Testing

/// Every command's `--help` reads as written at 80 columns: paragraphs are wrapped once, by the
/// parser, never broken by hand and wrapped again (which leaves a word like "image" alone on a line).
@Suite struct HelpCLITests {
    static func help(_ command: [String]) -> String {
        let r = HotfixBinary.run(command + ["--help"], in: FileManager.default.temporaryDirectory.path, env: ["COLUMNS": "80"])
        return r.stdout
    }

    /// The names listed under SUBCOMMANDS (`analyze (default)` gives `analyze`).
    static func subcommands(_ help: String) -> [String] {
        guard let section = help.components(separatedBy: "SUBCOMMANDS:\n").dropFirst().first else { return [] }
        return section.split(separator: "\n", omittingEmptySubsequences: false)
            .prefix { !$0.isEmpty }
            .filter { $0.hasPrefix("  ") && !$0.hasPrefix("   ") }
            .compactMap { $0.split(separator: " ").first.map(String.init) }
    }

    /// Every command path: [], ["start"], …, ["logs", "analyze"], …
    static func commands(under prefix: [String] = []) -> [[String]] {
        [prefix] + subcommands(help(prefix)).flatMap { commands(under: prefix + [$0]) }
    }

    /// Lines that show text wrapped twice or an example wrapped by the parser.
    static func faults(_ help: String) -> [String] {
        let lines = help.components(separatedBy: "\n")
        var out: [String] = []
        func indent(_ s: String) -> Int { s.prefix { $0 == " " }.count }
        for (i, line) in lines.enumerated() {
            // (The usage line is the parser's own, one line whatever the width.)
            if line.count > 80, !line.hasPrefix("USAGE: ") { out.append("wider than 80 columns: \(line)") }
            guard i + 1 < lines.count, !line.isEmpty, !lines[i + 1].isEmpty else { continue }
            let next = lines[i + 1]
            // A short line continued at the same indentation is a hard break inside a paragraph.
            if indent(line) == 0, indent(next) == 0, line.count < 25, !line.hasSuffix(":") {
                out.append("short line inside a paragraph: '\(line)' then '\(next)'")
            }
            // An indented line (an example) continued without indentation was wrapped by the parser.
            if indent(line) > 0, indent(next) == 0 {
                out.append("example wrapped or text run on after it: '\(line)' then '\(next)'")
            }
        }
        return out
    }

    @Test func everyCommandsHelpIsWrappedOnceAt80Columns() {
        let all = Self.commands()
        #expect(all.count > 25, "\(all)")
        #expect(all.contains(["logs", "analyze"]), "nested subcommands are rendered too")
        for command in all {
            let text = Self.help(command)
            #expect(text.contains("USAGE: hotfix"), "hotfix \(command.joined(separator: " ")) --help printed no help")
            let faults = Self.faults(text)
            #expect(faults.isEmpty, "hotfix \(command.joined(separator: " ")) --help:\n\(faults.joined(separator: "\n"))\n---\n\(text)")
        }
    }

    @Test func theCheckFindsADoubleWrap() {
        // What `hotfix deploy --help` printed before its discussion became paragraphs.
        let before = """
        OVERVIEW: Run DEPLOY.

        Refused until the pre-deploy checklist passes (or --override REASON). Shows
        every command
        before it runs.
        Examples:
          hotfix deploy --dry-run
        """
        #expect(Self.faults(before) == ["short line inside a paragraph: 'every command' then 'before it runs.'",
                                        "short line inside a paragraph: 'before it runs.' then 'Examples:'"])
    }
}
