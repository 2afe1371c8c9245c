import ArgumentParser
import Foundation
import HotfixEngine
import HotfixRuntime
import HotfixWorkflow

struct TestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Run the TEST phase: smoke and critical-path tests (and the manual check), recorded.",
        discussion: """
        Commands come from test.smoke, test.critical and test.manual in .hotfix.yml; without them \
        the project is detected (pytest tests/unit -v and pytest tests/integration -m smoke -v for \
        Python, swift test, go test ./..., npm test, cargo test). Each exit status, duration and \
        passed/failed count is journaled with the commit it ran on; then every automatic checklist \
        check runs again. Exit 1 when a command fails.

        Example:
          hotfix test
        """)

    @OptionGroup var options: IncidentOptions

    func run() async throws {
        let session = try await Wiring.session()
        let result = try await TestWorkflow(session).run(try session.select(options.incident)) { progress in
            switch progress {
            case .started(let step, let argv): Output.line(TestText.started(step, argv))
            case .output(let line): Output.line(TestText.output(line))
            case .finished(let run): TestText.finished(run).forEach(Output.line)
            case .checking: break
            }
        }
        TestText.testsPass(result.outcomes).forEach(Output.line)
        if let failure = result.failure { throw failure }
    }
}

/// `hotfix check --auto`: every automatic check with its evidence.
enum AutoCheckOutput {
    struct Row: Encodable {
        var item: ChecklistItem
        var result: String
        var evidence: String
        var commit: String?
        var status: CheckStatus
        var source: CheckSource
    }

    static func print(_ outcomes: [CheckOutcome], state: IncidentState, json: Bool) throws(HotfixError) {
        let rows = outcomes.map { o in
            let entry = state.checklist[o.item] ?? CheckEntry()
            return Row(item: o.item, result: o.result.rawValue, evidence: o.evidence, commit: o.commit, status: entry.status, source: entry.source)
        }
        if json { try Output.json(rows); return }
        for (o, r) in zip(outcomes, rows) {
            let mark = o.result == .passed ? "✔" : o.result == .failed ? "✘" : "?"
            var line = "\(mark) \(r.item.rawValue.padding(toLength: 14, withPad: " ", startingAt: 0)) \(r.result)"
            if r.status == .waived { line += " (waived by a person: kept)" }
            Swift.print(line)
            Swift.print("    \(Sanitize.inline(r.evidence))")
        }
    }
}
