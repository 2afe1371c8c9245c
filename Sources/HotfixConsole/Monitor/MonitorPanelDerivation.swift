import Foundation
import HotfixEngine
import HotfixLogs
import HotfixScreen

extension ConsoleModel {
    /// Derives what the DEPLOY pane shows of the monitoring window, at the window's "now", and
    /// which of the stream's lines are the targeted error or a new error template.
    mutating func refreshMonitor() {
        defer { refreshWait() }
        guard let monitor else { monitorPanel = nil; return }
        let (panel, verdict, baseline) = MonitorPanel.derive(monitor, now: monitorNow ?? now.timeIntervalSince1970, verdicts: incident.verdicts)
        monitorPanel = panel
        stream?.mark(target: verdict.targetTemplate, newTemplates: verdict.newTemplates.map(\.template), baseline: baseline)
    }

    /// Derives what the DEPLOY pane shows of a wait for a rollout made elsewhere, at `now`.
    mutating func refreshWait() {
        waitPanel = rolloutWait.map { WaitPanel.derive($0, now: now.timeIntervalSince1970) }
    }
}

extension MonitorPanel {
    static let sparks: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    /// The panel for `m` at `now` (seconds since 1970). The journal's verdict for this window, when
    /// it has one, stands over the running judgement (it may have ended the window early): this is
    /// the one place the two are reconciled. Also returns the running verdict and the baseline's
    /// templates (they mark the stream's lines).
    static func derive(_ m: MonitorModel, now: Double, verdicts: [(at: Date, record: VerdictRecord)]) -> (MonitorPanel, Verdict, TemplateMiner) {
        let recorded = m.deployedAt.flatMap { start in verdicts.last { $0.at.timeIntervalSince1970 >= start } }
        let at = recorded.map { min(now, $0.at.timeIntervalSince1970) } ?? now
        let base = m.summary(.baseline), fix = m.summary(.hotfix)
        let judged = m.verdict(now: at)
        let rates = m.errorRates(.hotfix, now: at, buckets: 10)
        let spark = sparkline(rates, ceiling: max(base.total.errorRate, rates.compactMap { $0 }.max() ?? 0))
        let fresh = judged.verdict.newTemplates.filter(\.counts)
        var outcome = VerdictRecord.Outcome(judged.verdict.outcome)
        var reason = judged.verdict.reasons.first
        var window = Self.window(judged.phase)
        var final = judged.phase == .final
        if let recorded, let start = m.deployedAt {
            outcome = recorded.record.outcome
            reason = recorded.record.reasons.first
            final = true
            window = reason?.hasPrefix(Verdict.endedEarlyPrefix) == true
                ? "stopped at \(Durations.clock(recorded.at.timeIntervalSince1970 - start))" : Self.window(.final)
        }
        let panel = MonitorPanel(
            window: window, verdict: "verdict: \(final ? outcome.name : "\(outcome.name) so far")", verdictRole: role(outcome),
            errors: "errors \(percent(fix.total.errorRate)) (baseline \(percent(base.total.errorRate))) \(spark)",
            p99: "p99 \(ms(fix.total.latency.quantileMs(0.99))) (baseline \(ms(base.total.latency.quantileMs(0.99))))",
            newTemplates: "new error templates: \(fresh.isEmpty ? "none" : String(fresh.count))",
            pods: "pods \(fix.pods.count) new, \(base.pods.count) old",
            templatesRole: fresh.isEmpty ? .normal : .logError, reason: reason)
        return (panel, judged.verdict, base.templates)
    }

    static func window(_ phase: MonitorPhase) -> String {
        switch phase {
        case .waiting: "baseline, waiting for the rollout"
        case .warmingUp(let left): "warm-up, \(Durations.clock(left)) left"
        case .running(let left): "\(Durations.clock(left)) left"
        case .final: "window over"
        }
    }

    static func role(_ outcome: VerdictRecord.Outcome) -> Role {
        switch outcome {
        case .pass: .ok
        case .fail: .overdue
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
}
