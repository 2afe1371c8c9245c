import Foundation
import HotfixEngine
import HotfixRuntime

/// Every change to an incident goes through here: decided against the journal's fresh state under
/// its lock, appended and fsynced, then the notifications the new events call for are sent.
extension Session {
    /// Applies `command` under the journal lock, then sends what the new events call for
    /// (Telegram, GitHub comments); a message that cannot go out stays queued for `hotfix sync`.
    @discardableResult
    public func perform(_ command: Command, on id: IncidentID) async throws(HotfixError) -> (state: IncidentState, events: [Event]) {
        let (state, events) = try append(command, on: id)
        return (try await dispatch(events, state: state), events)
    }

    /// Applies `command` to the incident under the journal lock; returns the new state and the events written.
    @discardableResult
    public func append(_ command: Command, on id: IncidentID) throws(HotfixError) -> (state: IncidentState, events: [Event]) {
        try transact(on: id) { current throws(HotfixError) in try Engine.decide(command, state: current) }
    }

    /// Journals runtime results as they are, returning the new state.
    @discardableResult
    public func record(_ bodies: [EventBody], on id: IncidentID) throws(HotfixError) -> IncidentState {
        try recordEvents(bodies, on: id).state
    }

    /// Journals runtime results, returning the new state and the events as written.
    public func recordEvents(_ bodies: [EventBody], on id: IncidentID) throws(HotfixError) -> (state: IncidentState, events: [Event]) {
        try transact(on: id) { _ throws(HotfixError) in bodies }
    }

    /// Journals runtime results and sends what they call for (Telegram on deploy and verdict).
    public func recordAndNotify(_ bodies: [EventBody], on id: IncidentID) async throws(HotfixError) {
        let (state, events) = try recordEvents(bodies, on: id)
        _ = try await dispatch(events, state: state)
    }

    /// Appends what the engine decided on a state the caller has seen (the console's `lastSeq`),
    /// unless the journal moved on since (another terminal wrote): then nothing is written. The
    /// notifications the events call for are sent in the background; their results reach the
    /// screen through the journal.
    public func append(_ bodies: [EventBody], basedOn seq: Int, on id: IncidentID) throws(HotfixError) {
        let (state, events) = try transact(on: id) { current throws(HotfixError) in
            guard current.lastSeq == seq else {
                throw HotfixError.refused("the incident changed just now (another terminal, or the running tests)",
                                          next: "look at the screen again and repeat the action if it still applies")
            }
            return bodies
        }
        guard !Notifications.plan(after: events, state: state, settings: notifier.settings).isEmpty else { return }
        let session = self
        Task.detached { _ = try? await session.dispatch(events, state: state) }
    }

    /// Sends the notifications `events` call for and journals each result (a failure is warned
    /// about); returns the updated state.
    public func dispatch(_ events: [Event], state: IncidentState) async throws(HotfixError) -> IncidentState {
        let planned = Notifications.plan(after: events, state: state, settings: notifier.settings)
        guard !planned.isEmpty else { return state }
        var records: [NotificationRecord] = []
        await notifier.deliver(planned) { records.append($0) }
        let after = try record(records.map { .notification($0) }, on: state.id)
        for n in records where n.status != .sent {
            warn("\(n.channel) \(n.kind): \(n.status)\(n.detail.map { " — \($0)" } ?? "")")
        }
        return after
    }

    /// One locked, fsynced write: `decide` sees the journal's fresh state and returns what to append.
    func transact(on id: IncidentID, _ decide: (IncidentState) throws(HotfixError) -> [EventBody]) throws(HotfixError) -> (state: IncidentState, events: [Event]) {
        var seen: IncidentState?
        let events = try store.journal(id).transact(clock: clock) { (current: IncidentState?) throws(HotfixError) -> [EventBody] in
            guard let current else {
                throw HotfixError.environment("the journal of \(id) is empty", next: "start the incident again with hotfix start")
            }
            seen = current
            return try decide(current)
        }
        guard var state = seen else { throw HotfixError.environment("the journal of \(id) is empty") }
        for e in events { state.apply(e) }
        return (state, events)
    }
}
