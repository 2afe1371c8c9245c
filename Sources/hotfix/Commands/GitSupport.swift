import Foundation
import HotfixEngine
import HotfixRuntime
import HotfixWorkflow
#if canImport(Glibc)
import Glibc
#endif

/// Printing the git steps' results, and the crash tests' kill switch.
enum GitOutput {
    /// Prints a run (the plan with every command in a dry run, or JSON), then throws where it stopped.
    static func show(_ outcome: GitRunOutcome, json: Bool) throws(HotfixError) {
        if json {
            try Output.json(GitRunJSON(outcome.run, dryRun: outcome.dryRun))
        } else {
            for line in GitText.steps(outcome) { print(line) }
        }
        if let failure = outcome.failure { throw failure }
    }

    static func moved(_ move: PhaseMove?, _ session: Session) {
        guard let move else { return }
        print(PhaseText.moved(move, session: session))
    }

    /// `HOTFIX_DEBUG_KILL_AFTER_GIT=N` makes the process SIGKILL itself right after the N-th git
    /// command that changed the repository is journaled (the crash tests stop at every step).
    static func progress(_ session: Session) -> @Sendable (GitProgress) -> Void {
        guard let killAfter = Int(session.environment["HOTFIX_DEBUG_KILL_AFTER_GIT"] ?? "") else { return { _ in } }
        let counter = Counter()
        return { _ in if counter.next() >= killAfter { kill(getpid(), SIGKILL) } }
    }
}

/// A thread-safe count, for the debug kill switch.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func next() -> Int { lock.withLock { value += 1; return value } }
}

/// The JSON shape of a backport or finish run.
struct GitRunJSON: Encodable {
    struct Step: Encodable {
        var step: String
        var record: GitRecord?
        var commands: [[String]]
    }
    var incident: String
    var dryRun: Bool
    var steps: [Step]
    var stopped: String?

    init(_ run: FinishRun, dryRun: Bool) {
        incident = run.facts.id.rawValue
        self.dryRun = dryRun
        steps = run.reports.map { Step(step: $0.step.description, record: $0.record, commands: $0.commands) }
        stopped = run.stopped?.description
    }
}
