// HotfixWorkflow: the use cases of each phase, one type per phase (IncidentWorkflow, GitWorkflow,
// TestWorkflow, CloseWorkflow, DeployWorkflow), shared by the CLI and the console. Each takes a
// `Session` (the repository, its config and incidents, the clock), decides through the engine,
// runs the runtime's effects, journals every result under the journal lock, and returns typed
// results; what happens along the way is reported as typed progress events and warnings. Nothing
// here prints or parses arguments: the CLI renders results as text or JSON, the console turns
// them into messages. `Text/` holds the words both front ends show for a result.

import Foundation
import HotfixEngine
import HotfixRuntime

/// What a use case needs: the repository, its config, its incidents, the clock, and where warnings go.
public struct Session: Sendable {
    public var repository: Repository
    public var config: HotfixConfig
    public var store: IncidentStore
    public var clock: any Clock
    public var environment: [String: String]
    /// Where warnings go: the CLI writes them to stderr, the console to its log pane.
    public var warn: @Sendable (String) -> Void
    /// Each command (git, tests, gh, kubectl) runs in a process group of its own, and cancelling the
    /// task stops the whole group (SIGTERM, then SIGKILL): the console's jobs. The CLI leaves its
    /// commands in its own group, so Ctrl-C in the terminal reaches them.
    public var processGroups = false

    public init(repository: Repository, config: HotfixConfig, store: IncidentStore, clock: any Clock,
                environment: [String: String], warn: @escaping @Sendable (String) -> Void) {
        self.repository = repository; self.config = config; self.store = store
        self.clock = clock; self.environment = environment; self.warn = warn
    }

    /// Finds the repository that holds `directory` and loads its config.
    public static func open(directory: String = FileManager.default.currentDirectoryPath,
                            environment env: [String: String] = ProcessInfo.processInfo.environment,
                            warn: @escaping @Sendable (String) -> Void) async throws(HotfixError) -> Session {
        let repository = try await Repository.locate(from: directory)
        let config = try ConfigLoader.load(repositoryRoot: repository.root, environment: env)
        return Session(repository: repository, config: config, store: IncidentStore(repository: repository),
                       clock: try clock(env), environment: env, warn: warn)
    }

    /// The system clock, or a fixed one from `HOTFIX_NOW` (ISO 8601) for scripted runs and tests.
    public static func clock(_ env: [String: String]) throws(HotfixError) -> any Clock {
        guard let raw = env["HOTFIX_NOW"], !raw.isEmpty else { return SystemClock() }
        guard let date = Durations.parseISO(raw) else {
            throw HotfixError.usage("HOTFIX_NOW='\(Sanitize.inline(raw))' is not an ISO 8601 time", next: "unset it, or use e.g. 2026-11-26T09:00:00Z")
        }
        return ManualClock(date)
    }

    /// The incident to act on: `explicit` (`--incident`), else `HOTFIX_INCIDENT`, else the only open one.
    public func select(_ explicit: String?) throws(HotfixError) -> IncidentID {
        try store.select(explicit, environment: environment)
    }

    /// An incident's state and events; journal problems (a torn line) are warned about.
    public func load(_ id: IncidentID) throws(HotfixError) -> (state: IncidentState, events: [Event]) {
        let loaded = try store.load(id)
        for p in loaded.problems { warn("journal \(id): \(p)") }
        return (loaded.state, loaded.events)
    }

    /// The selected incident's state and events.
    public func loadSelected(_ explicit: String?) throws(HotfixError) -> (state: IncidentState, events: [Event]) {
        try load(try select(explicit))
    }

    /// A process runner for the session's commands (in process groups of their own when asked).
    public var runner: ProcessRunner { ProcessRunner(ownProcessGroup: processGroups) }

    public var notifier: Notifier {
        Notifier(config: config, repositoryRoot: repository.root, environment: environment, runner: runner)
    }

    /// The git flow's settings from config (validated where a flow starts: `GitWorkflow.init`).
    public var gitSettings: GitSettings { config.git.settings }
}
