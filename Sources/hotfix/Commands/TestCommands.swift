import ArgumentParser
import Foundation
import HotfixEngine
import HotfixRuntime

extension Session {
    /// Runs every automatic check and journals what changed; returns the outcomes and new state.
    func autoCheck(_ id: IncidentID) async throws(HotfixError) -> (outcomes: [CheckOutcome], state: IncidentState) {
        let state = try store.load(id).state
        let runs = state.commands.map(\.run).filter { $0.phase == .test || ["smoke", "critical", "manual"].contains($0.step) }
        let outcomes = await CheckRunner(root: repository.root, config: config).runAll(id, runs: runs)
        var bodies: [EventBody] = outcomes.compactMap { o in o.record(over: state.checklist[o.item] ?? CheckEntry()) }.map { .checked($0) }
        // The minimal-change summary beside the checklist reads the change set from the record.
        let names = ["id": id.rawValue]
        if let changes = await ChangeReader(root: repository.root).read(main: config.git.main, branch: Placeholders.expand(config.git.branch, names),
                                                                        tag: Placeholders.expand(config.git.tag, names)),
           changes != state.changes {
            bodies.append(.changes(changes))
        }
        guard !bodies.isEmpty, !state.isClosed else { return (outcomes, state) }
        return (outcomes, try record(bodies, on: id))
    }

    /// A passed tests-pass that ran on another commit than the branch's tip is stale: unchecked again.
    func refreshTestsPass(_ id: IncidentID) async throws(HotfixError) {
        let state = try store.load(id).state
        guard state.phase == .test, let entry = state.checklist[.testsPass], entry.status == .passed, entry.source == .auto else { return }
        let runs = state.commands.map(\.run).filter { $0.phase == .test || ["smoke", "critical", "manual"].contains($0.step) }
        let checker = CheckRunner(root: repository.root, config: config)
        let tip = await checker.branchDiff(id)?.tip
        let expected = TestRunner(root: repository.root, config: config).steps().map(\.step)
        let outcome = AutoChecks.testsPass(runs: runs, expected: expected, head: tip)
        if let check = outcome.record(over: entry) {
            Output.warn("tests-pass: \(outcome.evidence)")
            _ = try record([.checked(check)], on: id)
        }
    }

    /// Says (and journals) that a command runs outside the phase the workflow expects.
    func warnIfOutOfPhase(_ state: IncidentState, expected: Phase, what: String) throws(HotfixError) {
        guard let phase = state.phase, phase != expected else { return }
        let message = "\(what) runs in \(expected.title) in the workflow; the incident is in \(phase.title)"
        Output.warn(message)
        _ = try record([.warning(Warning(source: "phase", message: message))], on: state.id)
    }
}

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
        let session = try await Session.open()
        let id = try session.select(options)
        let state = try session.store.load(id).state
        try session.warnIfOutOfPhase(state, expected: .test, what: "hotfix test")
        let runner = TestRunner(root: session.repository.root, config: session.config)
        let steps = runner.steps()
        guard !steps.isEmpty else {
            throw HotfixError.usage("no test command configured and no project detected at \(session.repository.root)",
                                    next: "set test.smoke and test.critical in .hotfix.yml, e.g. critical: [pytest, tests/unit, -v]")
        }
        var failed: [String] = []
        for step in steps {
            Output.line("▶ \(step.step): \(step.argv.joined(separator: " "))")
            let run = try await runner.run(step, phase: state.phase) { line in
                Output.line("  │ \(Sanitize.inline(line.text))")
            }
            _ = try session.record([.commandRan(run)], on: id)
            var counts = ""
            if let p = run.passed { counts = " (\(p) passed\(run.failed.map { $0 > 0 ? ", \($0) failed" : "" } ?? ""))" }
            if run.exitCode == 0 {
                Output.line("✔ \(step.step) passed\(counts) in \(String(format: "%.1f", run.seconds)) s")
            } else {
                failed.append(step.step)
                Output.line("✘ \(step.step) failed with exit \(run.exitCode)\(counts) in \(String(format: "%.1f", run.seconds)) s; last lines:")
                for l in run.outputTail ?? [] { Output.line("    \(l)") }
            }
        }
        let (outcomes, _) = try await session.autoCheck(id)
        if let tests = outcomes.first(where: { $0.item == .testsPass }) {
            Output.line("tests-pass: \(tests.result.rawValue) — \(Sanitize.inline(tests.evidence))")
        }
        if !failed.isEmpty {
            throw HotfixError.refused("\(failed.joined(separator: ", ")) failed", untouched: "the results are recorded",
                                      next: "fix the code and run hotfix test again")
        }
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
        for r in rows {
            let mark = r.result == "passed" ? "✔" : r.result == "failed" ? "✘" : "?"
            var line = "\(mark) \(r.item.rawValue.padding(toLength: 14, withPad: " ", startingAt: 0)) \(r.result)"
            if r.status == .waived { line += " (waived by a person: kept)" }
            Swift.print(line)
            Swift.print("    \(Sanitize.inline(r.evidence))")
        }
    }
}
