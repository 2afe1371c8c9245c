import Foundation
import HotfixEngine
import HotfixScreen

extension WaitPanel {
    /// The wait at `now` (seconds since 1970): while waiting, what for, how it comes, what still
    /// runs and the latest rollout ignored; once over, one line saying how it ended.
    static func derive(_ w: RolloutWait, now: Double) -> WaitPanel {
        let elapsed = Durations.clock(w.elapsed(at: now))
        let ignored: [Line] = w.ignored.last.map { last in
            [Line("ignored " + last + (w.ignored.count > 1 ? " (and \(w.ignored.count - 1) before)" : ""), .warning)]
        } ?? []
        switch w.state {
        case .waiting:
            return WaitPanel(title: "Waiting for the rollout · \(elapsed) of \(Durations.clock(w.limit))", titleRole: .warning,
                             right: "\(Durations.clock(w.remaining(at: now))) left",
                             lines: [Line("for " + w.shortLookingFor), Line(w.trigger, .muted)] + ignored + [Line("still " + w.baseline, .muted)])
        case .found(let what):
            return WaitPanel(title: "Rollout seen after \(elapsed): \(what)", titleRole: .ok, right: "", lines: [])
        case .timedOut:
            return WaitPanel(title: "No rollout seen in \(Durations.words(w.limit)) (deploy.wait)", titleRole: .overdue, right: "",
                             lines: [Line("waited for " + w.shortLookingFor), Line("still " + w.baseline, .muted)] + ignored)
        case .stopped(let why):
            return WaitPanel(title: "Stopped waiting after \(elapsed)", titleRole: .warning, right: "", lines: [Line(why, .muted)] + ignored)
        }
    }
}
