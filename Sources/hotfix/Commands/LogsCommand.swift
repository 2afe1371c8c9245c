import ArgumentParser
import Foundation
import HotfixEngine
import HotfixLogs

/// `hotfix logs`: the monitoring window's engine without the console.
struct LogsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logs",
        abstract: "Analyse log files, compare logs after a deploy with a baseline, or follow the deployment's pods.",
        discussion: """
        Input is what kubectl prints: optional [pod/NAME/CONTAINER] prefixes (--prefix), \
        optional RFC 3339 timestamps (--timestamps), then plain text, logfmt or JSON; stack \
        traces stay with the line that started them.
        """,
        subcommands: [LogsAnalyze.self, LogsCompare.self, LogsFollow.self])
}

struct LogsAnalyze: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Count lines, levels, errors, latency percentiles and error templates, per pod.",
        discussion: """
        Example:
          kubectl logs -l app=api --prefix --timestamps --tail=-1 > api.log
          hotfix logs analyze api.log
        """)

    @Argument(help: ArgumentHelp("A log file, or - for standard input.", valueName: "file")) var file: String
    @Option(help: ArgumentHelp("Seconds per statistics bucket.", valueName: "seconds")) var bucket: Double = 30
    @Option(help: ArgumentHelp("How many error templates to show.", valueName: "n")) var top: Int = 10
    @Flag(help: "Print the JSON shape documented in the README.") var json = false

    func run() async throws {
        guard bucket >= 1 else { throw HotfixError.usage("--bucket must be at least 1 second") }
        let summary = try LogInput.summarize(file, bucketSeconds: bucket)
        let report = AnalyzeReport(summary, topTemplates: max(0, top))
        if json { try Output.json(report) } else { print(LogsText.analysis(report), terminator: "") }
    }
}

struct LogsCompare: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Judge logs after a deploy against a baseline: PASS, MARGINAL, FAIL or INCONCLUSIVE.",
        discussion: """
        The targeted error (--target, else the baseline's most frequent error template) must \
        drop by half (one-sided test, p < 0.05); the error rate may not rise 1.2× (p < 0.02); \
        an error template never seen in the baseline, 3+ times or on 2+ pods, fails; p99 \
        latency must stay under max(500 ms, 1.2 × baseline p99); too little traffic after \
        gives "no data".

        Exit codes: 0 PASS, 1 FAIL, 4 MARGINAL, 5 INCONCLUSIVE; 2 bad usage, 3 unreadable input.

        Example:
          hotfix logs compare --baseline before.log --after after.log
        """)

    @Option(help: ArgumentHelp("Logs of the old version.", valueName: "file")) var baseline: String
    @Option(help: ArgumentHelp("Logs of the new version.", valueName: "file")) var after: String
    @Option(help: ArgumentHelp("The error the fix targets (a message; matched to a baseline template).", valueName: "message"))
    var target: String?
    @Flag(help: "Print the JSON shape documented in the README.") var json = false

    func run() async throws {
        if baseline == "-" && after == "-" { throw HotfixError.usage("only one of --baseline and --after can be standard input") }
        let before = try LogInput.summarize(baseline)
        let afterSummary = try LogInput.summarize(after)
        let verdict = VerdictJudge.judge(baseline: VerdictSide(before), hotfix: VerdictSide(afterSummary), target: target)
        let report = CompareReport(verdict, baseline: before, after: afterSummary)
        if json { try Output.json(report) } else { print(LogsText.comparison(report), terminator: "") }
        if verdict.outcome != .pass { throw ExitCode(verdict.outcome.exitCode) }
    }
}

/// Plain-text renderings of the reports (every log-derived string is already sanitized).
enum LogsText {
    static func count(_ n: Int) -> String {
        let s = String(n)
        var out = ""
        for (i, c) in s.enumerated() {
            if i > 0 && (s.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return out
    }

    static func percent(_ x: Double) -> String { String(format: "%.2f%%", x * 100) }

    static func ms(_ x: Double) -> String { x >= 1000 ? String(format: "%.2f s", x / 1000) : String(format: "%.1f ms", x) }

    static func latency(_ l: LatencyReport?) -> String {
        guard let l else { return "no latencies" }
        return "p50 \(ms(l.p50)), p95 \(ms(l.p95)), p99 \(ms(l.p99)), max \(ms(l.max)) (\(count(l.samples)) samples)"
    }

    static func counts(_ c: CountsReport) -> String {
        "\(count(c.entries)) entries, \(count(c.requests)) requests, \(count(c.errors)) errors (\(percent(c.errorRate))), \(count(c.warnings)) warnings"
    }

    static func analysis(_ r: AnalyzeReport) -> String {
        var out = "\(count(r.lines)) lines: \(counts(r.totals))\n"
        let levels = LogLevel.allCases.compactMap { l in r.totals.levels[l.name].map { "\(l.name) \(count($0))" } }
        out += "levels: \(levels.joined(separator: ", "))\n"
        out += "latency: \(latency(r.totals.latencyMs))\n"
        if let first = r.firstTime, let last = r.lastTime {
            out += "time: \(Durations.isoSeconds(first)) to \(Durations.isoSeconds(last)) (\(Durations.clock(r.durationSeconds ?? 0))), \(r.buckets.count) buckets of \(Int(r.bucketSeconds)) s"
            out += r.untimedEntries > 0 ? ", \(count(r.untimedEntries)) entries without a time\n" : "\n"
        } else {
            out += "time: no timestamps\n"
        }
        let pods = r.pods.filter { !$0.pod.isEmpty }
        if !pods.isEmpty {
            out += "pods (\(pods.count)):\n"
            for p in pods {
                out += "  \(p.pod)  \(count(p.counts.entries)) entries, errors \(percent(p.counts.errorRate))"
                out += p.counts.latencyMs.map { ", p99 \(ms($0.p99))" } ?? ""
                out += "\n"
            }
        }
        if r.templates.isEmpty {
            out += "error templates: none\n"
        } else {
            out += "error templates:\n"
            for t in r.templates { out += "  \(count(t.count))×  \(t.template)  (\(t.pods.count) pod\(t.pods.count == 1 ? "" : "s"))\n" }
            if r.otherTemplateEntries > 0 { out += "  \(count(r.otherTemplateEntries))×  (other templates past the table's limit)\n" }
        }
        return out
    }

    static func comparison(_ r: CompareReport) -> String {
        var out = "\(r.verdict.rawValue)\n"
        for reason in r.reasons { out += "  - \(reason)\n" }
        out += "baseline: \(counts(r.baseline)); \(latency(r.baseline.latencyMs))\n"
        out += "after:    \(counts(r.after)); \(latency(r.after.latencyMs))\n"
        if !r.newTemplates.isEmpty {
            out += "new error templates:\n"
            for t in r.newTemplates { out += "  \(count(t.count))× on \(t.pods.count) pod\(t.pods.count == 1 ? "" : "s")  \(t.template)\n" }
        }
        out += "exit \(r.exitCode)\n"
        return out
    }
}
