import Foundation
import HotfixEngine
import HotfixRuntime

/// The incident's own use cases: open it, read it (status, list, timeline), answer ASSESS, set the
/// checklist by hand, note, move on with `next`, and deliver what the outbox holds.
public struct IncidentWorkflow: Sendable {
    public let session: Session

    public init(_ session: Session) { self.session = session }

    /// A new incident and where its journal is.
    public struct Opened: Sendable {
        public var state: IncidentState
        public var journalPath: String
    }

    /// Opens an incident (ASSESS starts) and sends the "started" notifications.
    public func start(title: String, id: String?, severity: Severity, detected: String?, issue: Int?) async throws(HotfixError) -> Opened {
        let now = session.clock.now
        let detectedAt = try detected.map { raw throws(HotfixError) in try Durations.parseWhen(raw, now: now) }
        let started = try Engine.start(title: title, id: id, severity: severity, detectedAt: detectedAt, issue: issue,
                                       budgets: session.config.budgets, existing: session.store.ids(), now: now)
        let journal = session.store.journal(started.id)
        let events = try journal.transact(clock: session.clock) { (current: IncidentState?) throws(HotfixError) -> [EventBody] in
            guard current == nil else { throw HotfixError.usage("incident \(started.id) already exists") }
            return [.started(started)]
        }
        guard let fresh = IncidentState.replay(events) else {
            throw HotfixError.environment("the journal of \(started.id) did not start the incident", untouched: "the file was left as it is")
        }
        return Opened(state: try await session.dispatch(events, state: fresh), journalPath: journal.path)
    }

    /// The status; in FIX, what blocks `next` is judged on the branch read from git.
    public func status(_ id: IncidentID) async throws(HotfixError) -> StatusReport {
        let state = try session.load(id).state
        return StatusReport(state, now: session.clock.now, fix: await session.fixProgress(state), deploySteps: DeployWorkflow(session).stepWords)
    }

    /// Every incident's summary, from the index (only journals changed since are read).
    public func summaries() -> [IncidentSummary] { session.store.summaries() }

    /// Every incident of the repository, as status reports (every journal replayed).
    public func list() async -> [StatusReport] {
        let now = session.clock.now
        var reports: [StatusReport] = []
        let steps = DeployWorkflow(session).stepWords
        for state in session.store.all() { reports.append(StatusReport(state, now: now, fix: await session.fixProgress(state), deploySteps: steps)) }
        return reports
    }

    /// Every event with its summary, and when the incident started.
    public func timeline(_ id: IncidentID) throws(HotfixError) -> (entries: [TimelineEntry], startedAt: Date) {
        let loaded = try session.load(id)
        return (Timeline.entries(loaded.events), loaded.state.startedAt)
    }

    public func assess(_ id: IncidentID, _ answers: Assessment) async throws(HotfixError) -> IncidentState {
        try await session.perform(.assess(answers), on: id).state
    }

    /// Sets a checklist item by hand; returns the state and the items still open.
    public func check(_ id: IncidentID, _ check: Check) async throws(HotfixError) -> (state: IncidentState, open: [ChecklistItem]) {
        let state = try await session.perform(.check(check), on: id).state
        return (state, ChecklistItem.allCases.filter { !(state.checklist[$0]?.status.clearsGate ?? false) })
    }

    public func note(_ id: IncidentID, _ text: String) async throws(HotfixError) -> IncidentState {
        try await session.perform(.note(text), on: id).state
    }

    /// `next`: leaving TEST re-checks tests-pass against the branch first; nil when already closed.
    public func next(_ id: IncidentID, override: String?) async throws(HotfixError) -> PhaseMove? {
        try await TestWorkflow(session).refreshTestsPass(id)
        let moved = try await session.move(id, override: override)
        for o in moved?.change.overrides ?? [] { session.warn("override of '\(o.rule.rawValue)': \(o.message) — reason: \(o.reason)") }
        return moved
    }

    /// Delivers what the outbox holds (queued or failed messages); returns each message's final
    /// record, or nil when nothing was queued.
    public func sync(_ id: IncidentID) async throws(HotfixError) -> [NotificationRecord]? {
        let state = try session.store.load(id).state
        guard !state.outbox.isEmpty else { return nil }
        var records: [NotificationRecord] = []
        let finals = await session.notifier.sync(state) { records.append($0) }
        try session.record(records.map { .notification($0) }, on: id)
        return finals
    }
}
