import Foundation
import HotfixEngine

/// The words of TEST as it runs: what `hotfix test` prints and the console's log shows.
public enum TestText {
    public static func started(_ step: CommandStep, _ argv: [String]) -> String { "▶ \(step): \(argv.joined(separator: " "))" }

    public static func output(_ line: StreamedLine) -> String { "  │ \(Sanitize.inline(line.text))" }

    /// A finished command: passed, or failed with its last lines.
    public static func finished(_ run: CommandRun) -> [String] {
        var counts = ""
        if let p = run.passed { counts = " (\(p) passed\(run.failed.map { $0 > 0 ? ", \($0) failed" : "" } ?? ""))" }
        let took = String(format: "%.1f", run.seconds)
        if run.exitCode == 0 { return ["✔ \(run.step) passed\(counts) in \(took) s"] }
        return ["✘ \(run.step) failed with exit \(run.exitCode)\(counts) in \(took) s; last lines:"] + (run.outputTail ?? []).map { "    \($0)" }
    }

    /// The tests-pass check after the runs.
    public static func testsPass(_ outcomes: [CheckOutcome]) -> [String] {
        outcomes.first { $0.item == .testsPass }.map { ["tests-pass: \($0.result.rawValue) — \(Sanitize.inline($0.evidence))"] } ?? []
    }
}
