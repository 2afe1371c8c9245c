import Foundation
import HotfixConsole
import HotfixEngine
import HotfixRuntime
import HotfixTestSupport
import HotfixWorkflow
import Testing

/// The console runs a phase's step in-process through the same workflow as the command: the
/// journal gets the same entries, the log the same lines.
@Suite struct ConsoleStepTests {
    /// The events after `seq`, without times or SHAs: what must be the same whoever ran the step.
    static func shape(_ events: [Event], after seq: Int) -> [String] {
        events.filter { $0.seq > seq }.map { e in
            switch e.body {
            case .git(let g): "git \(g.step) \(g.target ?? "-") \(g.outcome) \(g.files ?? [])"
            case .commandRan(let c): "command \(c.step) \(c.argv.dropFirst().first ?? "") exit \(c.exitCode)"
            case .warning(let w): "warning \(w.source) \(w.message)"
            case .phaseChanged(let p): "phase \(p.from) \(p.to.map(\.rawValue) ?? "closed")"
            default: e.type
            }
        }
    }

    final class Messages: @unchecked Sendable {
        private let lock = NSLock()
        private var stored: [ConsoleMessage] = []
        func post(_ m: ConsoleMessage) { lock.withLock { stored.append(m) } }
        var log: [String] {
            lock.withLock { stored.flatMap { m -> [String] in if case .output(let lines) = m { lines.map(\.text) } else { [] } } }
        }
        var statuses: [String] { lock.withLock { stored.compactMap { if case .status(let s) = $0 { s.text } else { nil } } } }
    }

    @Test func theConsolesDiffAndBackportWriteWhatTheCommandsWrite() async throws {
        let cli = GitCLITests().setup(conflicting: true)
        let console = try cli.copy()
        console.ok("config", "user.name", "Test")
        console.ok("config", "user.email", "test@example.invalid")
        let id = try IncidentID("001-api-500")
        let journal = { (s: GitCLITests.Setup) throws -> [Event] in
            try IncidentStore(repository: Repository(root: s.work, commonDir: s.work + "/.git")).load(id).events
        }
        let start = try journal(cli).last!.seq

        #expect(cli.hotfix("diff").status == 0)
        let backport = cli.hotfix("backport")
        #expect(backport.status == 1, "feature/c conflicts: \(backport.stdout)")

        let env = ["HOME": console.work + "/.home-for-tests", "HOTFIX_NOW": "2026-11-26T09:00:00Z"]
        let session = try await Session.open(directory: console.work, environment: env, warn: { _ in Issue.record("warned outside the job") })
        let messages = Messages()
        let steps = StepJob(session: session, id: id) { messages.post($0) }
        await steps.run(.diff)
        await steps.run(.backport)

        let expected = Self.shape(try journal(cli), after: start)
        #expect(expected.contains("git backport feature/c conflict [\"app.txt\"]"))
        #expect(expected.contains { $0.hasPrefix("warning git hotfix backport runs in FIX") })
        #expect(Self.shape(try journal(console), after: start) == expected)

        // The log shows the command as typed and what it prints; the status row how it ended.
        let log = messages.log
        #expect(log.contains("▶ $ hotfix backport --incident 001-api-500"))
        #expect(log.contains { $0.hasPrefix("  │ backport feature/c") && $0.contains("conflict") }, "\(log)")
        #expect(log.contains { $0.contains("! hotfix backport runs in FIX") }, "the warning is in the log")
        #expect(messages.statuses.first == "hotfix diff done: its output is in the log")
        #expect(messages.statuses.last?.hasPrefix("hotfix backport stopped (exit 1): 1 backport target needs attention: feature/c") == true,
                "\(messages.statuses)")
    }
}
