// HotfixEngine: the incident's domain, pure. The model (phases, budgets, checklist), the events
// and `Engine.decide` that turns a person's command into events, the journal's format and replay
// (typed names that keep the JSON as it always was), guardrails, countdowns from event times and
// an injected clock, the git-finish and deploy plans as data, and the report and post-mortem
// rendered from the record. No I/O, no terminal, no colour: the runtime runs effects, the screen
// draws.

import Foundation
import HotfixLogs

/// Something a person (through the CLI or the console) asks the engine to do.
public enum Command: Sendable, Equatable {
    case assess(Assessment)
    /// Move to the next phase (or close after CLOSE); `override` passes refusing guardrails.
    /// `fix` is what the hotfix branch holds (read from git by the caller): leaving FIX is judged on it.
    case advance(override: String?, fix: FixProgress? = nil)
    case check(Check)
    case note(String)
    /// After a deploy that did not pass: back from DEPLOY to FIX for the next attempt, on the
    /// same branch and clock.
    case retry
    /// A result the runtime observed (a command's exit, a git step, a verdict): always recorded.
    case record(EventBody)
}

/// The pure core: validates commands against the state and turns them into events.
/// It performs no I/O and reads no clock; the caller passes `now` and appends what it returns.
public enum Engine {
    /// The longest title, note or answer accepted, in characters.
    public static let maxText = 2000

    /// Opens an incident: validates the title and picks or checks the id.
    public static func start(title rawTitle: String, id: String?, severity: Severity, detectedAt: Date?,
                             issue: Int?, budgets: Budgets, existing: [IncidentID], now: Date) throws(HotfixError) -> Started {
        let title = rawTitle.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !title.isEmpty else {
            throw HotfixError.usage("the title is empty", next: "describe what is broken, e.g. hotfix start \"API returns 500 on /users endpoint\"")
        }
        guard title.count <= 200 else {
            throw HotfixError.usage("the title is \(title.count) characters; 200 at most", next: "put the details in hotfix assess --broken TEXT")
        }
        let incidentID: IncidentID
        if let id {
            incidentID = try IncidentID(id)
            if existing.contains(incidentID) {
                throw HotfixError.usage("incident \(incidentID) already exists",
                                        next: "pick another id, or open it with --incident \(incidentID)")
            }
        } else {
            incidentID = IncidentID.generate(title: title, existing: existing)
        }
        if let detectedAt, detectedAt > now + 60 {
            throw HotfixError.usage("the detection time is in the future", next: "use an ISO time in the past or a span like '15m ago'")
        }
        if let issue, issue <= 0 {
            throw HotfixError.usage("issue number \(issue) is not a positive number")
        }
        return Started(id: incidentID, title: title, severity: severity, detectedAt: detectedAt ?? now,
                       budgets: budgets, issue: issue)
    }

    /// Validates `command` against `state`; returns the events to append, or throws why not.
    public static func decide(_ command: Command, state: IncidentState) throws(HotfixError) -> [EventBody] {
        if state.isClosed, !isRecordAllowedWhenClosed(command) {
            throw HotfixError.refused("incident \(state.id) is closed", next: "start a new incident with hotfix start TITLE")
        }
        switch command {
        case .assess(let a):
            let cleaned = Assessment(broken: try text(a.broken, "--broken"), impact: try text(a.impact, "--impact"),
                                     hypothesis: try text(a.hypothesis, "--hypothesis"), target: try text(a.target, "--target"))
            guard !cleaned.isEmpty else {
                throw HotfixError.usage("nothing to record", next: "give at least one of --broken, --impact, --hypothesis, --target")
            }
            return [.assessed(cleaned)]

        case .advance(let override, let fix):
            guard let phase = state.phase else { return [] }
            let refusals = Guardrails.forAdvance(in: state, fix: fix)
            let target = phase.next.map(\.title) ?? "closed"
            let action = "next \(phase.title) → \(target)"
            if refusals.isEmpty {
                return [.phaseChanged(PhaseChange(from: phase, to: phase.next))]
            }
            guard let reason = try text(override, "--override"), !reason.isEmpty else {
                let msg = refusals.map(\.message).joined(separator: "; ")
                throw HotfixError.refused("cannot move \(phase.title) → \(target): \(msg)",
                                          next: refusals.map(\.next).joined(separator: "; "))
            }
            let overrides = refusals.map {
                GuardrailOverride(rule: $0.rule, reason: reason, action: action, message: $0.message)
            }
            return [.phaseChanged(PhaseChange(from: phase, to: phase.next, overrides: overrides))]

        case .check(var c):
            c.evidence = try text(c.evidence, "--evidence")
            c.reason = try text(c.reason, "--waive")
            if c.status == .waived, (c.reason ?? "").isEmpty {
                throw HotfixError.usage("waiving \(c.item.rawValue) needs a written reason",
                                        next: "hotfix check \(c.item.rawValue) --waive \"why this is safe to skip\"")
            }
            return [.checked(c)]

        case .note(let raw):
            guard let t = try text(raw, "note"), !t.isEmpty else {
                throw HotfixError.usage("the note is empty")
            }
            return [.noted(Note(text: t))]

        case .retry:
            return [.retried(try retry(state))]

        case .record(let body):
            if case .started = body {
                throw HotfixError.usage("an incident cannot be started twice")
            }
            return [body]
        }
    }

    /// `hotfix retry`: only from DEPLOY, and only when the latest attempt did not pass.
    public static func retry(_ state: IncidentState) throws(HotfixError) -> RetryRecord {
        let next = state.attemptNumber + (state.latestAttempt?.retriedAt == nil && state.latestAttempt != nil ? 1 : 0)
        guard state.phase == .deploy else {
            let next = switch state.phase {
            case .some(let p) where p <= .fix: "fix and commit, then hotfix next; retry is for after a deploy that did not pass"
            case .some(let p) where p < .deploy: "hotfix next moves on to DEPLOY; retry is for after a deploy that did not pass"
            case .some: "the deploy passed DEPLOY already; a new problem is a new incident (hotfix start TITLE)"
            case nil: "start a new incident with hotfix start TITLE"
            }
            throw HotfixError.refused("retry goes back from DEPLOY to FIX; the incident is in \(state.phase?.title ?? "no phase (closed)")",
                                      untouched: "nothing was recorded", next: next)
        }
        let last = state.latestAttempt
        if let rule = AfterVerdict.of(state), !rule.retry {
            throw HotfixError.refused("attempt \(rule.attempt) passed its monitoring window (PASS): there is nothing to retry",
                                      untouched: "nothing was recorded", next: "hotfix next moves on to BACKPORT")
        }
        return RetryRecord(attempt: next, after: last?.retriedAt == nil ? last?.verdict?.record.outcome : nil)
    }

    static func isRecordAllowedWhenClosed(_ command: Command) -> Bool {
        switch command {
        case .record, .note: true  // late notifications, post-mortem, notes stay possible
        default: false
        }
    }

    /// Trims and bounds free text; nil stays nil.
    static func text(_ raw: String?, _ what: String) throws(HotfixError) -> String? {
        guard let raw else { return nil }
        let t = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard t.count <= maxText else {
            throw HotfixError.usage("\(what) is \(t.count) characters; \(maxText) at most")
        }
        return t
    }
}
