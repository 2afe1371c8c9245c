import Foundation
import HotfixEngine

/// The human form of `hotfix status`.
enum StatusText {
    static func render(_ r: StatusReport) -> String {
        var out = ""
        func line(_ s: String = "") { out += s + "\n" }
        line("HOTFIX \(r.id)  \(r.severity.rawValue)  \(Sanitize.inline(r.title))")
        if let phase = r.phase {
            let used = r.phaseUsedSeconds.map(Durations.clock) ?? "0:00"
            let row = r.phases[phase.index]
            line("Phase \(phase.title): \(used) used of \(Budget(target: row.targetSeconds, limit: row.limitSeconds).minutesLabel) min (\(row.pace.rawValue))")
        } else {
            line("Closed.")
        }
        line("Overall: \(Durations.longClock(r.elapsedSeconds)) of \(Durations.longClock(r.totalSeconds)), \(r.pace.rawValue)")
        line("Detection to deploy: \(Durations.longClock(r.detectionToDeploySeconds))\(r.deployed ? "" : " and running") (target under 2:00:00)")
        if let v = r.verdict {
            let reason = v.reasons.first.map { " — \(Sanitize.inline($0))" } ?? ""
            line("Verdict: \(v.outcome) (attempt \(v.attempt)\(v.rolledBack ? ", rolled back" : ""))\(reason)")
        }
        if let steps = r.deploySteps, let phase = r.phase, phase <= .deploy {
            line("DEPLOY here: checklist, then \(steps.joined(separator: ", ")) (hotfix deploy --dry-run shows every command)")
        }
        if r.attempts.count > 1 || r.attempt > 1 {
            let each = r.attempts.map { a in
                "\(a.attempt) \(a.verdict?.name ?? "no verdict")" + (a.rollbacks.contains { $0.outcome == .done } ? " (rolled back)" : "")
            }
            let now = r.attempt > (r.attempts.last?.attempt ?? 0) ? "; now attempt \(r.attempt), not deployed yet" : ""
            line("Attempts: \(each.joined(separator: ", "))\(now)")
        }
        if let due = r.postmortemDue {
            let left = due.timeIntervalSince(r.now)
            line(left > 0 ? "Post-mortem due in \(Durations.words(left))" : "Post-mortem OVERDUE by \(Durations.words(-left))")
        }
        line()
        for row in r.phases {
            let mark = row.state == .active ? "▶" : row.state == .done ? "✓" : " "
            let used = row.usedSeconds.map(Durations.clock) ?? "–"
            let budget = Budget(target: row.targetSeconds, limit: row.limitSeconds).minutesLabel
            let pace = row.usedSeconds == nil || row.pace == .onTrack ? "" : "  \(row.pace.rawValue)"
            line("  \(mark) \(row.phase.title.padding(toLength: 9, withPad: " ", startingAt: 0)) \(String(repeating: " ", count: max(0, 8 - used.count)))\(used)/\(budget)\(pace)")
        }
        line()
        if !r.assessment.isEmpty {
            line("Assessment:")
            line("  broken:     \(r.assessment.broken.map(Sanitize.inline) ?? "–")")
            line("  impact:     \(r.assessment.impact.map(Sanitize.inline) ?? "–")")
            line("  hypothesis: \(r.assessment.hypothesis.map(Sanitize.inline) ?? "–")")
            if let target = r.assessment.target { line("  target:     \(Sanitize.inline(target)) (the error the monitoring window follows)") }
            line()
        }
        line("Pre-deploy checklist:")
        for c in r.checklist {
            let box = switch c.status {
            case .passed: "[x]"
            case .failed: "[!]"
            case .waived: "[~]"
            case .unchecked: "[ ]"
            }
            var text = "  \(box) \(c.item.rawValue.padding(toLength: 14, withPad: " ", startingAt: 0)) \(c.label)"
            if c.status != .unchecked { text += " — \(c.status.rawValue) (\(c.source.rawValue))" }
            line(text)
            if let reason = c.reason { line("        reason: \(Sanitize.inline(reason))") }
            if let evidence = c.evidence { line("        evidence: \(Sanitize.inline(evidence))") }
        }
        line()
        if r.queued > 0 { line("\(r.queued) notification\(r.queued == 1 ? "" : "s") queued: run hotfix sync") }
        if let a = r.afterVerdict, r.phase == .deploy {
            line("Attempt \(a.attempt) was judged \(a.judged).")
            line("  Next: \(a.next)")
            line(a.deployAgain ? "  hotfix deploy deploys again as attempt \(a.attempt + 1), its plan shown first"
                 : "  hotfix deploy is refused: a judged attempt is not deployed again (--override REASON passes it)")
        }
        if r.closed {
            line("Next: write the post-mortem (hotfix postmortem).")
        } else if r.blockers.isEmpty {
            line("Next: hotfix next")
        } else {
            for b in r.blockers { line("Blocked (\(b.rule.rawValue)): \(b.message)"); line("  → \(b.next)") }
        }
        return out
    }
}
