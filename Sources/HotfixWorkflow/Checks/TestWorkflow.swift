import Foundation
import HotfixEngine
import HotfixRuntime

/// A line a running command printed.
public struct StreamedLine: Sendable, Equatable {
    public var text: String
    /// It came on stderr.
    public var isError: Bool
}

/// What the TEST phase reports while it runs.
public enum TestProgress: Sendable {
    /// A test command starts: its step (`smoke`, `critical`, `manual`) and argv.
    case started(step: CommandStep, argv: [String])
    case output(StreamedLine)
    /// A command finished; its result is journaled.
    case finished(CommandRun)
    /// Every automatic checklist check runs again.
    case checking
}

/// The TEST phase's results: every run (journaled), the steps that failed, and the checks after them.
public struct TestResult: Sendable {
    public var runs: [CommandRun]
    public var failed: [CommandStep]
    public var outcomes: [CheckOutcome]
    /// The refusal to report when a command failed (exit 1 in the CLI).
    public var failure: HotfixError? {
        failed.isEmpty ? nil : HotfixError.refused("\(failed.map(\.name).joined(separator: ", ")) failed", untouched: "the results are recorded",
                                                   next: "fix the code and run hotfix test again")
    }
}

/// TEST and the checklist's automatic checks: run the configured (or detected) test commands,
/// journal each result with the commit it ran on, then verify what a machine can.
public struct TestWorkflow: Sendable {
    public let session: Session

    public init(_ session: Session) { self.session = session }

    var runner: TestRunner { TestRunner(root: session.repository.root, config: session.config, runner: session.runner) }
    var checker: CheckRunner { CheckRunner(root: session.repository.root, config: session.config, runner: session.runner) }

    /// Runs every test command in order, then the automatic checks.
    public func run(_ id: IncidentID, progress: @escaping @Sendable (TestProgress) -> Void) async throws(HotfixError) -> TestResult {
        let state = try session.load(id).state
        try session.warnIfOutOfPhase(state, expected: [.test], command: "hotfix test", source: .phase)
        let runner = self.runner
        let steps = runner.steps()
        guard !steps.isEmpty else {
            throw HotfixError.usage("no test command configured and no project detected at \(session.repository.root)",
                                    next: "set test.smoke and test.critical in .hotfix.yml, e.g. critical: [pytest, tests/unit, -v]")
        }
        var runs: [CommandRun] = [], failed: [CommandStep] = []
        for step in steps {
            try Task.checkCancellation(untouched: "the tests that finished are recorded")
            progress(.started(step: step.step, argv: step.argv))
            let run = try await runner.run(step, phase: state.phase) { line in
                progress(.output(StreamedLine(text: line.text, isError: line.stream == .stderr)))
            }
            try session.record([.commandRan(run)], on: id)
            progress(.finished(run))
            runs.append(run)
            if run.exitCode != 0 { failed.append(step.step) }
        }
        progress(.checking)
        let (outcomes, _) = try await autoCheck(id)
        return TestResult(runs: runs, failed: failed, outcomes: outcomes)
    }

    /// The journal's test runs: a run counts for TEST even when started from another phase.
    static func testRuns(_ state: IncidentState) -> [CommandRun] {
        state.commands.map(\.run).filter { $0.phase == .test || $0.step.isTest }
    }

    /// Runs every automatic check and journals what changed (and the change set beside the
    /// checklist); returns the outcomes and the new state.
    public func autoCheck(_ id: IncidentID) async throws(HotfixError) -> (outcomes: [CheckOutcome], state: IncidentState) {
        let state = try session.store.load(id).state
        let outcomes = await checker.runAll(id, runs: Self.testRuns(state))
        var bodies: [EventBody] = outcomes.compactMap { o in o.record(over: state.checklist[o.item] ?? CheckEntry()) }.map { .checked($0) }
        if let changes = await ChangeReader(root: session.repository.root, runner: session.runner).read(id, settings: session.gitSettings),
           changes != state.changes {
            bodies.append(.changes(changes))
        }
        guard !bodies.isEmpty, !state.isClosed else { return (outcomes, state) }
        return (outcomes, try session.record(bodies, on: id))
    }

    /// A passed tests-pass that ran on another commit than the branch's tip is stale: unchecked again.
    public func refreshTestsPass(_ id: IncidentID) async throws(HotfixError) {
        let state = try session.store.load(id).state
        guard state.phase == .test, let entry = state.checklist[.testsPass], entry.status == .passed, entry.source == .auto else { return }
        let tip = await checker.branchDiff(id)?.tip
        let outcome = AutoChecks.testsPass(runs: Self.testRuns(state), expected: runner.steps().map(\.step), head: tip)
        if let check = outcome.record(over: entry) {
            session.warn("tests-pass: \(outcome.evidence)")
            try session.record([.checked(check)], on: id)
        }
    }
}

extension Task where Success == Never, Failure == Never {
    /// Stops a use case between its steps when its task was cancelled (the console quitting).
    static func checkCancellation(untouched: String) throws(HotfixError) {
        if isCancelled { throw HotfixError.refused("stopped", untouched: untouched) }
    }
}
