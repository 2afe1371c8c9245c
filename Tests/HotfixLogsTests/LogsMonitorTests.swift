import HotfixLogs
import Testing

/// The model the live kubectl feed and the replay drive: same lines in, same answers out.
@Suite struct LogsMonitorTests {
    let deploy = 1_795_690_000.0

    func line(_ pod: String, _ t: Double, _ text: String) -> String {
        let day = 1_795_651_200.0
        let s = Int(t - day)
        return "[pod/\(pod)/app] " + String(format: "2026-11-26T%02d:%02d:%02dZ ", s / 3600, s % 3600 / 60, s % 60) + text
    }

    /// Baseline before the deploy at 10% errors, then new pods with the given error share.
    func model(hotfixErrorsEvery: Int?, config: MonitorConfig = MonitorConfig()) -> MonitorModel {
        var m = MonitorModel(config: config)
        for i in 0..<600 {
            let t = deploy - 600 + Double(i)
            let text = i % 10 == 0 ? "ERROR GET /users/\(i) 500 30ms Database timeout after 3000ms" : "INFO GET /users/\(i) 200 20ms"
            m.ingest(line(["old-a", "old-b"][i % 2], t, text), side: .baseline, receivedAt: t)
        }
        m.deployStarted(at: deploy)
        for i in 0..<700 {
            let t = deploy + Double(i) / 2
            let bad = hotfixErrorsEvery.map { i % $0 == 0 } ?? false
            let text = bad ? "ERROR GET /users/\(i) 500 30ms Database timeout after 3000ms" : "INFO GET /users/\(i) 200 21ms"
            m.ingest(line(["new-x", "new-y"][i % 2], t, text), side: .hotfix, receivedAt: t)
        }
        m.settle()
        return m
    }

    /// A log stream's lines (text alone, pod and time known) count exactly as the same lines
    /// with kubectl's prefix and timestamp: totals, pods, buckets, templates and the verdict.
    @Test func linesFromAStreamCountAsTheSameLinesWithKubectlsPrefix() {
        var prefixed = MonitorModel()
        var streamed = MonitorModel()
        func feed(_ pod: String, _ t: Double, _ text: String, _ side: MonitorSide) {
            prefixed.ingest(line(pod, t, text), side: side, receivedAt: t + 0.5)
            // The same time as the prefix's (whole seconds).
            let bytes = Array(text.utf8)
            bytes.withUnsafeBytes { streamed.ingest(body: $0, pod: pod, container: "app", side: side, time: t.rounded(.down)) }
        }
        for i in 0..<900 {
            let t = deploy - 600 + Double(i) * 0.6
            let pod = ["old-a", "old-b", "old-c"][i % 3]
            if i % 15 == 0 {
                // An error with its traceback, and one with the application's own timestamp first.
                feed(pod, t, "ERROR GET /users/\(i) 500 30ms req=r\(i) AttributeError: 'NoneType' object has no attribute 'id'", .baseline)
                feed(pod, t, "Traceback (most recent call last):", .baseline)
                feed(pod, t, "  File \"/app/views.py\", line 88, in get_user", .baseline)
                feed(pod, t, "AttributeError: 'NoneType' object has no attribute 'id'", .baseline)
            } else if i % 7 == 0 {
                feed(pod, t, "2026-11-26 10:41:02,123 WARN slow query took 1200ms", .baseline)
            } else {
                feed(pod, t, "{\"level\":\"info\",\"msg\":\"GET /users\",\"status\":200,\"latency_ms\":\(i % 90)}", .baseline)
            }
        }
        prefixed.deployStarted(at: deploy)
        streamed.deployStarted(at: deploy)
        for i in 0..<700 {
            let t = deploy + Double(i) / 2
            let text = i % 40 == 0 ? "ERROR POST /users/\(i) 500 31ms KeyError: 'email'" : "INFO GET /users/\(i) 200 21ms"
            feed(["new-x", "new-y"][i % 2], t, text, .hotfix)
        }
        prefixed.settle()
        streamed.settle()
        for side in [MonitorSide.baseline, .hotfix] {
            let a = prefixed.summary(side), b = streamed.summary(side)
            #expect(a.lines == b.lines && a.total == b.total, "\(side)")
            #expect(a.pods == b.pods, "\(side)")
            #expect(a.series.buckets.map(\.counters) == b.series.buckets.map(\.counters), "\(side)")
            #expect(a.templates.clusters.map(\.template) == b.templates.clusters.map(\.template), "\(side)")
            #expect(a.templates.clusters.map(\.count) == b.templates.clusters.map(\.count), "\(side)")
            #expect(a.templates.clusters.map(\.pods) == b.templates.clusters.map(\.pods), "\(side)")
        }
        #expect(prefixed.verdict(now: deploy + 400) == streamed.verdict(now: deploy + 400))
        let last = streamed.history.last(1).first
        #expect(last?.pod == "new-y" && last?.container == "app" && last?.text == "INFO GET /users/699 200 21ms")
    }

    @Test func theWindowWarmsUpRunsAndEnds() {
        let m = model(hotfixErrorsEvery: nil)
        #expect(m.verdict(now: deploy + 10).phase == .warmingUp(secondsLeft: 20))
        #expect(m.verdict(now: deploy + 200).phase == .running(secondsLeft: 130))
        let final = m.verdict(now: deploy + 400)
        #expect(final.phase == .final)
        #expect(final.verdict.outcome == .pass, "\(final.verdict.reasons)")
    }

    @Test func unchangedErrorsFailTheRunningVerdict() {
        let m = model(hotfixErrorsEvery: 10)
        let v = m.verdict(now: deploy + 400).verdict
        #expect(v.outcome == .fail)
        #expect(v.reasons.first?.contains("did not drop") == true)
    }

    @Test func statisticsAndSparklines() throws {
        let m = model(hotfixErrorsEvery: 10)
        #expect(m.summary(.baseline).total.entries == 600)
        #expect(m.summary(.hotfix).total.entries == 700)
        let rates = m.errorRates(.baseline, now: deploy - 1, buckets: 4)
        #expect(rates.count == 4)
        for rate in rates { #expect(abs(try #require(rate) - 0.1) < 0.05) }
        #expect(m.errorRates(.hotfix, now: deploy + 1000, buckets: 3) == [nil, nil, nil], "no lines in those buckets")
    }

    @Test func newTemplatesAreListed() {
        var m = model(hotfixErrorsEvery: nil)
        for i in 0..<3 {
            let t = deploy + 100 + Double(i)
            m.ingest(line("new-x", t, "ERROR Unhandled exception"), side: .hotfix, receivedAt: t)
            m.ingest(line("new-x", t, "KeyError: 'user_id'"), side: .hotfix, receivedAt: t)
        }
        m.settle()
        #expect(m.newTemplates.first?.template == "Unhandled exception")
        #expect(m.newTemplates.first?.count == 3)
        let v = m.verdict(now: deploy + 400).verdict
        #expect(v.outcome == .fail)
    }

    @Test func historyIsBoundedAndSanitized() {
        var config = MonitorConfig()
        config.historyLines = 50
        var m = MonitorModel(config: config, deployedAt: deploy)
        for i in 0..<120 {
            m.ingest(line("new-x", deploy + Double(i), "INFO line \(i) \u{1B}]52;c;AAAA\u{07}\u{1B}[2J"), side: .hotfix, receivedAt: deploy + Double(i))
        }
        #expect(m.history.count == 50)
        #expect(m.history.dropped == 70)
        let last = m.history.last(1)[0]
        #expect(last.text == "INFO line 119 ")
        #expect(last.pod == "new-x")
        #expect(last.side == .hotfix)
        #expect(last.level == .info)
    }

    @Test func aPodProblemFailsTheWindow() {
        var m = model(hotfixErrorsEvery: nil)
        m.report(PodProblem(kind: .oomKilled, pod: "new-y"))
        #expect(m.verdict(now: deploy + 100).verdict.outcome == .fail)
    }
}
