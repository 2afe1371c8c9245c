import Foundation
@testable import HotfixEngine

let t0 = Date(timeIntervalSince1970: 1_795_000_000)  // a fixed instant; no test reads the real clock

/// Builds an incident by feeding events through the same fold the journal replay uses.
struct Scripted {
    var events: [Event] = []
    var state: IncidentState

    init(title: String = "API returns 500 on /users endpoint", id: String = "001-api-500", at: Date = t0, budgets: Budgets = .workflow) {
        let started = Started(id: try! IncidentID(id), title: title, severity: .p0, detectedAt: at - 600, budgets: budgets)
        let e = Event(seq: 1, at: at, body: .started(started))
        events = [e]
        state = IncidentState.replay(events)!
    }

    /// Decides and applies, as the journal does, at time `at`.
    @discardableResult
    mutating func perform(_ command: Command, at: Date) throws(HotfixError) -> [EventBody] {
        let bodies = try Engine.decide(command, state: state)
        for b in bodies { record(b, at: at) }
        return bodies
    }

    mutating func record(_ body: EventBody, at: Date) {
        let e = Event(seq: state.lastSeq + 1, at: at, body: body)
        events.append(e)
        state.apply(e)
    }

    mutating func passAll(at: Date) {
        for item in ChecklistItem.allCases {
            try! perform(.check(Check(item: item, status: .passed, evidence: "ok")), at: at)
        }
    }
}

/// The hotfix branch with one commit of the fix: leaving FIX is allowed on it.
let committedFix = FixProgress(branch: "hotfix/001-api-500", main: "main", commits: ["3f2c9a1 Fix: handle None from repo"],
                               checkedOut: "hotfix/001-api-500")
