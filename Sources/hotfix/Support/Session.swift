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

    /// The selected incident's state and events; journal problems (a torn line) are warned about.
    func loadSelected(_ options: IncidentOptions) throws(HotfixError) -> (state: IncidentState, events: [Event]) {
        let id = try select(options)
        let loaded = try store.load(id)
        for p in loaded.problems { Output.warn("journal \(id): \(p)") }
        return (loaded.state, loaded.events)
    }

    var notifier: Notifier {
        Notifier(config: config, repositoryRoot: repository.root, environment: environment)
    }

    /// Applies `command` under the journal lock, then sends what the new events call for
    /// (Telegram, GitHub comments); a message that cannot go out stays queued for `hotfix sync`.
    @discardableResult
    func perform(_ command: Command, on id: IncidentID) async throws(HotfixError) -> (state: IncidentState, events: [Event]) {
        let (state, events) = try append(command, on: id)
        return (try await dispatch(events, state: state), events)
    }

    /// Sends the notifications `events` call for and journals each result; returns the updated state.
    func dispatch(_ events: [Event], state: IncidentState) async throws(HotfixError) -> IncidentState {
        let planned = Notifications.plan(after: events, state: state, settings: notifier.settings)
        guard !planned.isEmpty else { return state }
        var records: [NotificationRecord] = []
        await notifier.deliver(planned) { records.append($0) }
        return try record(records.map { .notification($0) }, on: state.id, reporting: true)
    }

    /// Journals runtime results as they are, returning the new state.
    func record(_ bodies: [EventBody], on id: IncidentID, reporting: Bool = false) throws(HotfixError) -> IncidentState {
        try recordEvents(bodies, on: id, reporting: reporting).state
    }

    /// Journals runtime results, returning the new state and the events as written.
    func recordEvents(_ bodies: [EventBody], on id: IncidentID, reporting: Bool = false) throws(HotfixError) -> (state: IncidentState, events: [Event]) {
        var state: IncidentState?
        let events = try store.journal(id).transact(clock: clock) { (current: IncidentState?) throws(HotfixError) -> [EventBody] in
            state = current
            return bodies
        }
        guard var s = state else { throw HotfixError.environment("the journal of \(id) is empty") }
        for e in events {
            s.apply(e)
            if reporting, case .notification(let n) = e.body, n.status != "sent" {
                Output.warn("\(n.channel) \(n.kind): \(n.status)\(n.detail.map { " — \($0)" } ?? "")")
            }
        }
        return (s, events)
    }

    /// Applies `command` to the selected incident under the journal lock; returns the new state.
    @discardableResult
    func append(_ command: Command, on id: IncidentID) throws(HotfixError) -> (state: IncidentState, events: [Event]) {
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

extension Session {
    /// What the hotfix branch holds, read from git while `state` is in FIX (leaving FIX is judged on
    /// it); nil in any other phase, where no guardrail needs it.
    func fixProgress(_ state: IncidentState) async -> FixProgress? {
        guard state.phase == .fix else { return nil }
        return await DiffWatch(git: GitClient(directory: repository.root), settings: GitContext.settings(config.git)).progress(id: state.id)
    }
}
