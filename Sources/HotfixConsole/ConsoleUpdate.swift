import Foundation
import HotfixEngine
import HotfixLogs
import HotfixScreen

extension ConsoleModel {
    /// Applies one message; returns what the runtime should do. Changes to the incident are
    /// never made here: they are decided by `Engine.decide` and come back through the journal.
    /// What the screen shows of the monitoring window is derived here, once per message that can
    /// change it.
    public mutating func update(_ message: ConsoleMessage) -> [ConsoleEffect] {
        let effects = apply(message)
        switch message {
        case .tick, .monitor, .monitorModel, .journal: refreshMonitor()
        case .rolloutWait: refreshWait()
        default: break
        }
        return effects
    }

    mutating func apply(_ message: ConsoleMessage) -> [ConsoleEffect] {
        switch message {
        case .tick(let date):
            now = date
            monitor?.settle()
        case .resize(let s):
            size = s
        case .journal(let events):
            return receive(events)
        case .output(let lines):
            log.append(lines)
        case .activity(let text):
            activity = text.map(Sanitize.inline)
            if text == nil {
                // The deploy is over: its follower stopped, so the stream has ended.
                if job == .deploy { stream?.ended = true }
                job = nil
            }
        case .monitor(let inputs):
            var m = monitor ?? MonitorModel()
            monitor = nil  // keep one copy while ingesting
            // A replay: the same lines into the stream, as a deploy's follower would hand them over.
            var chunk = StreamChunk()
            for input in inputs {
                switch input {
                case .line(let text, let side, let at):
                    m.ingest(text, side: side, receivedAt: at)
                    let r = replayReader.read(text, receivedAt: at)
                    chunk.lines.append(StreamInput(pod: r.pod, container: r.container, isNew: side == .hotfix, time: r.time, line: r.line))
                case .deployStarted(let at): m.deployStarted(at: at)
                case .clock(let at): monitorNow = at
                }
            }
            monitor = m
            if !chunk.lines.isEmpty { takeStream(chunk) }
        case .stream(let chunk):
            takeStream(chunk)
        case .failed(let error):
            show(error)
        case .confirm(let job, let question):
            if prompt == nil {
                // A second deploy after a verdict is a new attempt: the question says so.
                let again: String? = if job == .deploy, case .again(let attempt) = deployNext.enter { "Attempt \(attempt): " } else { nil }
                prompt = .confirm(job, question: (again ?? "") + question)
                status = nil
            } else {
                status = StatusMessage("the plan of \(job.title) is in the log; run it again when you are done typing", role: .warning)
            }
        case .monitorModel(let m):
            monitor = m
            monitorNow = nil
        case .rolloutWait(let wait):
            rolloutWait = wait
            if wait == nil { monitor = nil }
        case .status(let message):
            status = message
        case .fix(let progress):
            fix = progress
        case .namedFiles(let files):
            namedFiles = files
        case .commitEnded(let failure):
            commitFailure = failure
        case .key(let key):
            return press(key)
        }
        return []
    }

    mutating func receive(_ events: [Event]) -> [ConsoleEffect] {
        let before = incident.phase
        var effects: [ConsoleEffect] = []
        for e in events where e.seq > incident.lastSeq {
            // A rollback while this console's window is open was made elsewhere: its own comes after the verdict.
            if case .rollback = e.body, deployWindowOpen { effects = [.endWindow(.rolledBackElsewhere)] }
            incident.apply(e)
        }
        log.append(events.flatMap(EventLog.lines(for:)))
        if incident.phase != before {
            // The stream is DEPLOY's: leaving the phase (on to BACKPORT, back to FIX) ends it.
            if before == .deploy { stream = nil }
            // A refusal shown for the old phase no longer applies.
            if prompt == nil, status?.role == .overdue || status?.role == .warning { status = nil }
            if viewed == before ?? viewed {
                viewed = incident.phase ?? .close
                selection = 0
            }
        }
        return effects
    }

    /// Lines and pod reports into the stream (one is started for them when none runs: a replay).
    mutating func takeStream(_ chunk: StreamChunk) {
        if stream == nil { stream = LogStream(capacity: streamCapacity) }
        stream?.take(chunk, now: monitorNow ?? now.timeIntervalSince1970)
    }

    /// This console's deploy has set the new image and its window has no verdict yet (the rollout
    /// and the monitoring window): a rollback may cut it short.
    public var deployWindowOpen: Bool {
        guard job == .deploy, let setImage = newImageSetAt else { return false }
        return !incident.verdicts.contains { $0.at >= setImage } && !incident.rollbacks.contains { $0.at >= setImage }
    }

    /// When the latest deploy put the new image out (set image, or the new ReplicaSet it waited
    /// for, after reading its baseline), if it has.
    var newImageSetAt: Date? {
        guard let setImage = incident.deploySteps.last(where: { $0.record.step.rollsOut && $0.record.outcome == .done }),
              let baseline = incident.deploySteps.last(where: { $0.record.step == .baseline }), baseline.at <= setImage.at else { return nil }
        return setImage.at
    }

}

extension ConsoleModel {
    /// An error on the single status row as one line (what happened, what was left, what next),
    /// and what the tool said (kubectl's last lines) in the events' log under it.
    mutating func show(_ error: HotfixError) {
        status = StatusMessage(error.headline, role: .overdue)
        if !error.said.isEmpty { log.append(error.said.map { LogLine(at: nil, text: "  " + $0, level: .warn) }) }
    }
}
