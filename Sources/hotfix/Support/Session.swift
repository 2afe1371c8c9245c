import ArgumentParser
import Foundation
import HotfixEngine
import HotfixRuntime

/// Options every incident command takes.
struct IncidentOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The incident to act on when more than one is open.", valueName: "id"))
    var incident: String?
}

/// What a command needs: the repository, its config, its incidents, and the clock.
struct Session {
    var repository: Repository
    var config: HotfixConfig
    var store: IncidentStore
    var clock: any Clock
    var environment: [String: String]

    /// Finds the repository from the current directory and loads its config.
    static func open(directory: String = FileManager.default.currentDirectoryPath) async throws(HotfixError) -> Session {
        let env = ProcessInfo.processInfo.environment
        let repository = try await Repository.locate(from: directory)
        let config = try ConfigLoader.load(repositoryRoot: repository.root, environment: env)
        return Session(repository: repository, config: config, store: IncidentStore(repository: repository),
                       clock: try clock(env), environment: env)
    }

    /// The system clock, or a fixed one from `HOTFIX_NOW` (ISO 8601) for scripted runs and tests.
    static func clock(_ env: [String: String]) throws(HotfixError) -> any Clock {
        guard let raw = env["HOTFIX_NOW"], !raw.isEmpty else { return SystemClock() }
        guard let date = Durations.parseISO(raw) else {
            throw HotfixError.usage("HOTFIX_NOW='\(Sanitize.inline(raw))' is not an ISO 8601 time", next: "unset it, or use e.g. 2026-11-26T09:00:00Z")
        }
        return ManualClock(date)
    }

    func select(_ options: IncidentOptions) throws(HotfixError) -> IncidentID {
        try store.select(options.incident, environment: environment)
    }

    /// Applies `command` to the selected incident under the journal lock; returns the new state.
    @discardableResult
    func perform(_ command: Command, on id: IncidentID) throws(HotfixError) -> (state: IncidentState, events: [Event]) {
        let journal = store.journal(id)
        var result: IncidentState?
        let events = try journal.transact(clock: clock) { (current: IncidentState?) throws(HotfixError) -> [EventBody] in
            guard let current else {
                throw HotfixError.environment("the journal of \(id) is empty", next: "start the incident again with hotfix start")
            }
            let bodies = try Engine.decide(command, state: current)
            result = current
            return bodies
        }
        var state = result!
        for e in events { state.apply(e) }
        return (state, events)
    }
}
