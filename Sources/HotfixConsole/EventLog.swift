import Foundation
import HotfixEngine
import HotfixScreen

/// Turns journal events into log-pane lines: the incident's timeline as it happens, in the same
/// words as `hotfix timeline`, coloured by what the event means.
public enum EventLog {
    public static func lines(for event: Event) -> [LogLine] {
        var out = [LogLine(at: event.at, text: Timeline.summary(event.body), level: level(event.body))]
        if case .commandRan(let run) = event.body {
            out += (run.outputTail ?? []).map { LogLine(at: event.at, text: "  \($0)", level: .muted) }
        }
        return out
    }

    static func level(_ body: EventBody) -> LineTone {
        switch body {
        case .phaseChanged(let c): c.overrides.isEmpty ? .info : .warn
        case .overridden, .rollback, .warning, .retried: .warn
        case .checked(let c): c.status == .failed ? .error : (c.status == .waived ? .warn : .info)
        case .commandRan(let r): r.exitCode == 0 ? .info : .error
        case .git(let g): g.outcome.isFailure ? .error : .info
        case .deploy(let d): d.outcome == .failed ? .error : (d.outcome == .stopped ? .warn : .info)
        case .verdict(let v): v.outcome == .fail ? .error : (v.outcome == .pass ? .info : .warn)
        case .notification(let n): n.status == .failed ? .error : .info
        case .started, .assessed, .noted, .artifact, .changes: .info
        }
    }
}
