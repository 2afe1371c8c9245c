import Foundation

/// Latency percentiles in milliseconds.
public struct LatencyReport: Codable, Sendable, Equatable {
    public var samples: Int
    public var p50: Double
    public var p95: Double
    public var p99: Double
    public var max: Double

    public init?(_ h: LatencyHistogram) {
        guard h.count > 0, let p50 = h.quantileMs(0.5), let p95 = h.quantileMs(0.95), let p99 = h.quantileMs(0.99) else { return nil }
        samples = h.count; self.p50 = p50; self.p95 = p95; self.p99 = p99; max = Double(h.maxMicros) / 1000
    }
}

/// The counts of one scope, for output.
public struct CountsReport: Codable, Sendable, Equatable {
    public var entries: Int
    public var requests: Int
    public var errors: Int
    public var warnings: Int
    public var errorRate: Double
    public var levels: [String: Int]
    public var latencyMs: LatencyReport?

    public init(_ c: LogCounters) {
        entries = c.entries; requests = c.requests; errors = c.errors; warnings = c.warnings; errorRate = c.errorRate
        var levels: [String: Int] = [:]
        for level in LogLevel.allCases where c.levels[level] > 0 { levels[level.name] = c.levels[level] }
        self.levels = levels
        latencyMs = LatencyReport(c.latency)
    }
}

public struct PodReport: Codable, Sendable, Equatable {
    /// Empty for lines without a kubectl prefix.
    public var pod: String
    public var counts: CountsReport
}

public struct BucketReport: Codable, Sendable, Equatable {
    public var start: Date
    public var entries: Int
    public var errors: Int
    public var errorRate: Double
    public var p99Ms: Double?
}

public struct TemplateReport: Codable, Sendable, Equatable {
    public var template: String
    public var count: Int
    public var pods: [String]
    public var example: String
}

/// `hotfix logs analyze --json`.
public struct AnalyzeReport: Codable, Sendable, Equatable {
    public var lines: Int
    public var totals: CountsReport
    public var firstTime: Date?
    public var lastTime: Date?
    public var durationSeconds: Double?
    public var untimedEntries: Int
    public var bucketSeconds: Double
    public var pods: [PodReport]
    public var buckets: [BucketReport]
    /// Error templates, most frequent first.
    public var templates: [TemplateReport]
    /// Error entries that fell outside the bounded template table.
    public var otherTemplateEntries: Int

    public init(_ s: LogSummary, topTemplates: Int = 10) {
        lines = s.lines
        totals = CountsReport(s.total)
        firstTime = s.firstTime.map { Date(timeIntervalSince1970: $0) }
        lastTime = s.lastTime.map { Date(timeIntervalSince1970: $0) }
        durationSeconds = s.durationSeconds
        untimedEntries = s.untimed
        bucketSeconds = s.series.bucketSeconds
        pods = s.pods.sorted { $0.key < $1.key }.map { PodReport(pod: $0.key, counts: CountsReport($0.value)) }
        buckets = s.series.buckets.map {
            BucketReport(start: Date(timeIntervalSince1970: $0.start), entries: $0.counters.entries, errors: $0.counters.errors,
                         errorRate: $0.counters.errorRate, p99Ms: $0.counters.latency.quantileMs(0.99))
        }
        templates = s.templates.ranked.prefix(topTemplates).map(TemplateReport.init)
        otherTemplateEntries = s.templates.overflow
    }
}

extension TemplateReport {
    init(_ c: TemplateMiner.Cluster) {
        self.init(template: DisplaySanitizer.inline.line(c.template), count: c.count, pods: c.pods.map(DisplaySanitizer.inline.line), example: DisplaySanitizer.inline.line(c.example))
    }
}

/// `hotfix logs compare --json`.
public struct CompareReport: Codable, Sendable, Equatable {
    public var verdict: VerdictOutcome
    public var exitCode: Int32
    public var reasons: [String]
    public var signals: [VerdictSignal]
    public var targetTemplate: String?
    /// Baseline errors as frequent as the target (the choice was the tie-break's; name one with --target).
    public var targetTies: [String]
    public var newTemplates: [NewTemplate]
    public var baseline: CountsReport
    public var after: CountsReport
    public var baselinePods: Int
    public var afterPods: Int

    public init(_ v: Verdict, baseline: LogSummary, after: LogSummary) {
        verdict = v.outcome
        exitCode = v.outcome.exitCode
        reasons = v.reasons.map(DisplaySanitizer.inline.line)
        signals = v.signals.map { var s = $0; s.reason = DisplaySanitizer.inline.line(s.reason); return s }
        targetTemplate = v.targetTemplate.map(DisplaySanitizer.inline.line)
        targetTies = v.targetTies.map(DisplaySanitizer.inline.line)
        newTemplates = v.newTemplates.map {
            NewTemplate(template: DisplaySanitizer.inline.line($0.template), count: $0.count, pods: $0.pods.map(DisplaySanitizer.inline.line),
                        example: DisplaySanitizer.inline.line($0.example), counts: $0.counts)
        }
        self.baseline = CountsReport(baseline.total)
        self.after = CountsReport(after.total)
        baselinePods = baseline.pods.keys.filter { !$0.isEmpty }.count
        afterPods = after.pods.keys.filter { !$0.isEmpty }.count
    }
}
