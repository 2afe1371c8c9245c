import Foundation

/// One event in words, for `hotfix timeline`, the console and the post-mortem.
public struct TimelineEntry: Codable, Sendable, Equatable {
    public var seq: Int
    public var at: Date
    public var type: String
    public var summary: String
}

public enum Timeline {
    public static func entries(_ events: [Event]) -> [TimelineEntry] {
        events.map { TimelineEntry(seq: $0.seq, at: $0.at, type: $0.type, summary: summary($0.body)) }
    }

    /// A one-line description of what happened, sanitized for display.
    public static func summary(_ body: EventBody) -> String {
        let text: String
        switch body {
        case .started(let s):
            text = "incident \(s.id) started (\(s.severity.rawValue)): \(s.title)" + (s.issue.map { " [issue #\($0)]" } ?? "")
        case .assessed(let a):
            var parts: [String] = []
            if let v = a.broken { parts.append("broken: \(v)") }
            if let v = a.impact { parts.append("impact: \(v)") }
            if let v = a.hypothesis { parts.append("hypothesis: \(v)") }
            if let v = a.target { parts.append("targeted error: \(v)") }
            text = "assessed: " + parts.joined(separator: "; ")
        case .phaseChanged(let c):
            let to = c.to.map { "entered \($0.title)" } ?? "incident closed"
            let over = c.overrides.isEmpty ? "" : " (override: \(c.overrides.map { "\($0.rule.rawValue) — \($0.reason)" }.joined(separator: "; ")))"
            text = "\(c.from.title) done, \(to)\(over)"
        case .overridden(let o):
            text = "guardrail '\(o.rule.rawValue)' overridden for \(o.action): \(o.reason)"
        case .checked(let c):
            var t = "checklist \(c.item.rawValue): \(c.status.rawValue) (\(c.source.rawValue))"
            if let r = c.reason { t += " — \(r)" }
            if let e = c.evidence { t += " — \(e)" }
            text = t
        case .noted(let n):
            text = "note: \(n.text)"
        case .commandRan(let r):
            var t = "ran \(r.argv.joined(separator: " ")) → exit \(r.exitCode) in \(String(format: "%.1f", r.seconds)) s"
            if let p = r.passed { t += ", \(p) passed" }
            if let f = r.failed { t += ", \(f) failed" }
            text = t
        case .git(let g):
            var t = "git \(g.step)"
            if let target = g.target { t += " \(target)" }
            t += ": \(g.outcome)"
            if let sha = g.sha { t += " at \(sha.prefix(10))" }
            if let files = g.files, !files.isEmpty { t += " (files: \(files.joined(separator: ", ")))" }
            if let d = g.detail { t += " — \(d)" }
            text = t
        case .deploy(let d):
            var t = "deploy \(d.step): \(d.outcome)"
            if let i = d.image { t += " \(i)" }
            if let r = d.revision { t += " (revision \(r))" }
            if let detail = d.detail { t += " — \(detail)" }
            text = t
        case .verdict(let v):
            text = "verdict \(v.outcome) after \(Durations.words(v.windowSeconds)) of monitoring: \(v.reasons.joined(separator: "; "))"
        case .rollback(let r):
            text = "\(r.automatic ? "automatic " : "")rollback \(r.target): \(r.outcome)"
        case .notification(let n):
            text = "\(n.channel) \(n.kind): \(n.status)" + (n.attempt > 1 ? " (attempt \(n.attempt))" : "") + (n.detail.map { " — \($0)" } ?? "")
        case .artifact(let a):
            text = a.kind == .postmortemDone ? "post-mortem marked written" : "\(a.kind) written to \(a.path)"
        case .warning(let w):
            text = "warning (\(w.source)): \(w.message)"
        case .retried(let r):
            text = "DEPLOY → FIX for attempt \(r.attempt)\(r.after.map { " (attempt \(r.attempt - 1) was \($0))" } ?? ""): same branch, the clock keeps running"
        case .changes(let c):
            text = "changes recorded: \(c.files.count) file\(c.files.count == 1 ? "" : "s") (\(c.files.map(\.path).joined(separator: ", "))) in \(c.commits.count) commit\(c.commits.count == 1 ? "" : "s")"
        }
        return Sanitize.inline(text)
    }
}
