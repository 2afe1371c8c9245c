import Foundation
import HotfixEngine
import HotfixLogs

/// The monitoring window in the DEPLOY pane: error rate against the baseline with a sparkline,
/// p99 latency, new error templates, pods, the running verdict, then the newest pod lines.
enum MonitorView {
    static let sparks: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    static func rows(_ model: ConsoleView, width: Int) -> [PaneRow] {
        guard let m = model.monitor else { return [] }
        // The verdict journaled for this window, when it has one: it stands (it may have ended early).
        let recorded = m.deployedAt.flatMap { start in model.incident.verdicts.last { $0.at.timeIntervalSince1970 >= start } }
        var now = model.monitorNow ?? model.now.timeIntervalSince1970
        if let recorded { now = min(now, recorded.at.timeIntervalSince1970) }
        let base = m.summary(.baseline), fix = m.summary(.hotfix)
        var judged = m.verdict(now: now)
        let rates = m.errorRates(.hotfix, now: now, buckets: 10)
        let spark = sparkline(rates, ceiling: max(base.total.errorRate, rates.compactMap { $0 }.max() ?? 0))
        let fresh = judged.verdict.newTemplates.filter(\.counts)
        var outcome = judged.verdict.outcome.rawValue
        var reason = judged.verdict.reasons.first
        var window = Self.window(judged.phase)
        if let recorded, let start = m.deployedAt {
            outcome = recorded.record.outcome
            reason = recorded.record.reasons.first
            judged.phase = .final
            window = reason?.hasPrefix(Verdict.endedEarlyPrefix) == true
                ? "stopped at \(Durations.clock(recorded.at.timeIntervalSince1970 - start))" : Self.window(.final)
        }
        let verdict = "verdict: \(judged.phase == .final ? outcome : "\(outcome) so far")"
        let errors = "errors \(percent(fix.total.errorRate)) (baseline \(percent(base.total.errorRate))) \(spark)"
        let p99 = "p99 \(ms(fix.total.latency.quantileMs(0.99))) (baseline \(ms(base.total.latency.quantileMs(0.99))))"
        let templates = "new error templates: \(fresh.isEmpty ? "none" : String(fresh.count))   pods \(fix.pods.count) new, \(base.pods.count) old"
        let templateRole: Role = fresh.isEmpty ? .normal : .logError
        guard width >= 100 else {
            // Narrow: the numbers only, so the checklist below stays in view; the pod lines need room.
            return [PaneRow(text: "Monitoring · " + window, role: .title, right: verdict, rightRole: role(outcome)),
                    PaneRow(indent: 1, text: errors + "  " + p99),
                    PaneRow(indent: 1, text: templates, role: templateRole), .blank]
        }
        var rows: [PaneRow] = [.heading("Monitoring · " + window)]
        rows.append(PaneRow(indent: 1, text: errors + "   " + p99))
        rows.append(PaneRow(indent: 1, text: templates, role: templateRole, right: verdict, rightRole: role(outcome)))
        if let reason { rows.append(PaneRow(indent: 1, text: reason, role: .muted)) }
        for line in m.history.last(6) {
            let tone: Role = line.isError || line.level >= .error ? .logError : (line.level == .warn ? .logWarn : (line.side == .baseline ? .muted : .normal))
            let pod = line.pod.isEmpty ? line.side.rawValue : String(line.pod.suffix(5))
            rows.append(PaneRow(indent: 1, text: "\(pod) \(clock(line.time, model.timeZone)) \(line.text)", role: tone))
        }
        return rows + [.blank]
    }

    static func window(_ phase: MonitorPhase) -> String {
        switch phase {
        case .waiting: "baseline, waiting for the rollout"
        case .warmingUp(let left): "warm-up, \(Durations.clock(left)) left"
        case .running(let left): "\(Durations.clock(left)) left"
        case .final: "window over"
        }
    }

    static func role(_ outcome: String) -> Role {
        switch outcome {
        case "PASS": .ok
        case "FAIL": .overdue
        default: .warning
        }
    }

    static func percent(_ rate: Double) -> String { String(format: "%.1f%%", rate * 100) }

    static func ms(_ value: Double?) -> String { value.map { String(format: "%.0f ms", $0) } ?? "–" }

    /// One cell per bucket, scaled to `ceiling`; a bucket without entries is a space.
    static func sparkline(_ rates: [Double?], ceiling: Double) -> String {
        String(rates.map { rate -> Character in
            guard let rate else { return " " }
            guard ceiling > 0 else { return sparks[0] }
            return sparks[min(sparks.count - 1, Int((rate / ceiling) * Double(sparks.count - 1)))]
        })
    }

    static func clock(_ seconds: Double, _ zone: TimeZone) -> String {
        ChecklistView.clock(Date(timeIntervalSince1970: seconds), zone)
    }
}
