import Foundation
import HotfixEngine

/// Turns journal events into log-pane lines: the incident's timeline as it happens.
public enum EventLog {
    public static func lines(for event: Event) -> [LogLine] {
        let at = event.at
        func line(_ text: String, _ level: LogLevel = .info) -> [LogLine] { [LogLine(at: at, text: text, level: level)] }
        switch event.body {
        case .started(let s):
            return line("incident \(s.id) opened: \(s.title) (\(s.severity.rawValue))")
        case .assessed(let a):
            var out: [LogLine] = []
            if let v = a.broken { out += line("assess · what is broken: \(v)") }
            if let v = a.impact { out += line("assess · impact: \(v)") }
            if let v = a.hypothesis { out += line("assess · hypothesis: \(v)") }
            return out
        case .phaseChanged(let c):
            let to = c.to?.title ?? "closed"
            var out = line("phase \(c.from.title) → \(to)", c.overrides.isEmpty ? .info : .warn)
            for o in c.overrides { out += line("override \(o.rule.rawValue): \(o.reason)", .warn) }
            return out
        case .overridden(let o):
            return line("override \(o.rule.rawValue): \(o.reason)", .warn)
        case .checked(let c):
            let level: LogLevel = c.status == .failed ? .error : (c.status == .waived ? .warn : .info)
            let extra = c.reason ?? c.evidence
            return line("check \(c.item.rawValue): \(c.status.rawValue)" + (extra.map { " — \($0)" } ?? ""), level)
        case .noted(let n):
            return line("note: \(n.text)")
        case .commandRan(let r):
            var out = line("$ \(r.argv.joined(separator: " ")) → exit \(r.exitCode) in \(String(format: "%.1f", r.seconds)) s",
                           r.exitCode == 0 ? .info : .error)
            for t in r.outputTail ?? [] { out += [LogLine(at: at, text: "  \(t)", level: .muted)] }
            return out
        case .git(let g):
            let bad = ["conflict", "failed"].contains(g.outcome)
            var text = "git \(g.step)"
            if let t = g.target { text += " \(t)" }
            text += ": \(g.outcome)"
            if let sha = g.sha { text += " \(sha.prefix(10))" }
            if let files = g.files, !files.isEmpty { text += " (\(files.joined(separator: ", ")))" }
            if let d = g.detail { text += " — \(d)" }
            return line(text, bad ? .error : .info)
        case .deploy(let d):
            var text = "deploy \(d.step): \(d.outcome)"
            if let i = d.image { text += " \(i)" }
            if let r = d.revision { text += " rev \(r)" }
            if let x = d.detail { text += " — \(x)" }
            return line(text, d.outcome == "failed" ? .error : .info)
        case .verdict(let v):
            let level: LogLevel = v.outcome == "FAIL" ? .error : (v.outcome == "PASS" ? .info : .warn)
            return line("verdict \(v.outcome): \(v.reasons.joined(separator: "; "))", level)
        case .rollback(let r):
            return line("rollback\(r.automatic ? " (automatic)" : ""): \(r.outcome)" + (r.revision.map { " to rev \($0)" } ?? ""), .warn)
        case .notification(let n):
            return line("notify \(n.channel) \(n.kind): \(n.status)" + (n.detail.map { " — \($0)" } ?? ""),
                        n.status == "failed" ? .error : .info)
        case .artifact(let a):
            return line("wrote \(a.kind): \(a.path)")
        case .warning(let w):
            return line("warning (\(w.source)): \(w.message)", .warn)
        }
    }
}
