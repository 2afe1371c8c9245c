/// Which version a line comes from: the old pods (and logs from before `set image`) or the new.
public enum MonitorSide: String, Sendable, Codable, Equatable {
    case baseline, hotfix
}

/// One line as the log pane shows it: sanitized, with where it came from.
public struct MonitorLine: Sendable, Equatable {
    public var side: MonitorSide
    /// The pod name ("" without a kubectl prefix).
    public var pod: String
    /// The container ("" when the line did not say).
    public var container = ""
    /// The line's time (its timestamp, else its arrival), seconds since 1970.
    public var time: Double
    public var level: LogLevel
    public var isError: Bool
    /// The application's text, safe for the terminal.
    public var text: String
}

/// Where the monitoring window stands.
public enum MonitorPhase: Sendable, Equatable {
    /// Before the deploy is known to have started.
    case waiting
    /// New pods' lines are not judged yet.
    case warmingUp(secondsLeft: Double)
    /// Judging; the verdict may still change.
    case running(secondsLeft: Double)
    /// The window is over: this verdict stands.
    case final
}

/// The verdict at a moment of the window.
public struct MonitorVerdict: Sendable, Equatable {
    public var phase: MonitorPhase
    public var verdict: Verdict
}

/// Settings of the monitoring window.
public struct MonitorConfig: Sendable, Equatable {
    public var bucketSeconds = 30.0
    /// Lines kept for the log pane.
    public var historyLines = 10_000
    public var policy = VerdictPolicy()
    /// The error the fix targets (a message), else the baseline's most frequent error template.
    public var target: String?

    public init() {}
}

/// The monitoring window as data: the live kubectl feed and the replay both push lines tagged
/// baseline or hotfix; the screen asks for statistics, error-rate sparklines, new templates and
/// the running verdict at an injected `now`. Pure and bounded (history ring, bounded tables).
public struct MonitorModel: Sendable {
    public let config: MonitorConfig
    /// When the new version started rolling out (seconds since 1970); nil until known.
    public private(set) var deployedAt: Double?
    public private(set) var history: LineRing<MonitorLine>
    public private(set) var problems: [PodProblem] = []
    private var baseline: LogAnalyzer
    private var hotfix: LogAnalyzer
    /// The new pods' lines inside the judged window (after the warm-up).
    private var judged: LogAnalyzer
    private var scanner = LineScanner()
    /// Each pod's index in the three analyzers, for lines whose pod is known.
    private var podIndexes: [String: (baseline: Int, hotfix: Int, judged: Int)] = [:]

    public init(config: MonitorConfig = MonitorConfig(), deployedAt: Double? = nil) {
        self.config = config
        self.deployedAt = deployedAt
        history = LineRing(capacity: config.historyLines)
        baseline = LogAnalyzer(bucketSeconds: config.bucketSeconds, maxBuckets: 240)
        hotfix = LogAnalyzer(bucketSeconds: config.bucketSeconds, maxBuckets: 240)
        judged = LogAnalyzer(bucketSeconds: config.bucketSeconds, maxBuckets: 240)
    }

    /// Marks the start of the rollout (the `set image`).
    public mutating func deployStarted(at time: Double) { deployedAt = time }

    /// A pod problem (restart, CrashLoopBackOff, …): fails the window at once.
    public mutating func report(_ problem: PodProblem) {
        if problems.count < 100 { problems.append(problem) }
    }

    public mutating func ingest(_ line: String, side: MonitorSide, receivedAt: Double) {
        var bytes = Array(line.utf8)
        bytes.withUnsafeMutableBytes { ingest(bytes: UnsafeRawBufferPointer($0), side: side, receivedAt: receivedAt) }
    }

    /// One raw line (without its line break) from a pod of `side`.
    public mutating func ingest(bytes p: UnsafeRawBufferPointer, side: MonitorSide, receivedAt: Double) {
        var f = LineFields()
        scanner.scan(p, p.count, into: &f)
        let time = f.time.isNaN ? receivedAt : f.time
        switch side {
        case .baseline:
            baseline.line(p, fallbackTime: receivedAt)
        case .hotfix:
            hotfix.line(p, fallbackTime: receivedAt)
            if let (start, end) = judgedRange, time >= start && time < end { judged.line(p, fallbackTime: receivedAt) }
        }
        history.append(MonitorLine(
            side: side, pod: f.hasPod ? RecordText.text(p, f.podStart, f.podEnd) : "", time: time, level: f.level, isError: f.isError,
            text: DisplaySanitizer.display.line(UnsafeRawBufferPointer(rebasing: p[f.bodyStart..<max(f.bodyStart, f.end)]))))
    }

    /// One line from a log stream, its source known: `body` is the application's text (no
    /// kubectl prefix or timestamp), `time` the kubelet's timestamp (seconds since 1970).
    public mutating func ingest(body p: UnsafeRawBufferPointer, pod: String, container: String, side: MonitorSide, time: Double) {
        var f = LineFields()
        scanner.scanBody(p, p.count, time: time, into: &f)
        let index = podIndex(pod)
        switch side {
        case .baseline:
            baseline.line(body: p, pod: index.baseline, time: time)
        case .hotfix:
            hotfix.line(body: p, pod: index.hotfix, time: time)
            if let (start, end) = judgedRange, time >= start && time < end { judged.line(body: p, pod: index.judged, time: time) }
        }
        history.append(MonitorLine(
            side: side, pod: pod, container: container, time: time, level: f.level, isError: f.isError,
            text: DisplaySanitizer.display.line(UnsafeRawBufferPointer(rebasing: p[f.bodyStart..<max(f.bodyStart, f.end)]))))
    }

    private mutating func podIndex(_ pod: String) -> (baseline: Int, hotfix: Int, judged: Int) {
        if let known = podIndexes[pod] { return known }
        // Bounded: past this many names the cache starts again (the analyzers keep their own tables).
        if podIndexes.count >= 4096 { podIndexes.removeAll(keepingCapacity: true) }
        let index = (baseline.podIndex(named: pod), hotfix.podIndex(named: pod), judged.podIndex(named: pod))
        podIndexes[pod] = index
        return index
    }

    /// Finishes entries still open (their error templates count from now on); call on each tick.
    public mutating func settle() {
        baseline.settle(); hotfix.settle(); judged.settle()
    }

    /// Statistics of one side (the hotfix side: all its lines, warm-up included).
    public func summary(_ side: MonitorSide) -> LogSummary {
        side == .baseline ? baseline.snapshot() : hotfix.snapshot()
    }

    /// Error rate per bucket for the last `buckets` buckets up to `now`, oldest first; nil
    /// where a bucket has no entries.
    public func errorRates(_ side: MonitorSide, now: Double, buckets: Int = 20) -> [Double?] {
        let series = summary(side).series
        let width = series.bucketSeconds
        let lastStart = (now / width).rounded(.down) * width
        var byStart: [Double: LogCounters] = [:]
        for b in series.buckets where b.start > lastStart - Double(buckets) * width { byStart[b.start] = b.counters }
        return (0..<max(0, buckets)).map { i in
            let start = lastStart - Double(buckets - 1 - i) * width
            guard let c = byStart[start], c.entries > 0 else { return nil }
            return c.errorRate
        }
    }

    /// Error templates of the new pods never seen in the baseline, most frequent first.
    public var newTemplates: [NewTemplate] {
        verdict(now: .infinity).verdict.newTemplates
    }

    /// The new pods' judged window: from the end of the warm-up for `windowSeconds`.
    private var judgedRange: (Double, Double)? {
        guard let deployedAt else { return nil }
        let start = deployedAt + config.policy.warmupSeconds
        return (start, start + config.policy.windowSeconds)
    }

    /// The verdict at `now`, with where the window stands.
    public func verdict(now: Double) -> MonitorVerdict {
        let base = baseline.snapshot()
        let after = judged.snapshot()
        var seconds: Double?
        let phase: MonitorPhase
        if let (start, end) = judgedRange {
            if now < start { phase = .warmingUp(secondsLeft: start - now) }
            else if now < end { phase = .running(secondsLeft: end - now) }
            else { phase = .final }
            seconds = max(0, min(now, end) - start)
        } else {
            phase = .waiting
        }
        let side = VerdictSide(counters: after.total, entriesPerPod: after.pods.mapValues(\.entries),
                               seconds: seconds.flatMap { $0 >= 1 ? $0 : nil }, templates: after.templates)
        let verdict = VerdictJudge.judge(baseline: VerdictSide(base), hotfix: side, target: config.target,
                                         problems: problems, policy: config.policy)
        return MonitorVerdict(phase: phase, verdict: verdict)
    }
}

extension LogAnalyzer {
    /// Mines the entries still open, so a quiet pod's last error is not held back.
    public mutating func settle() {
        _ = flushOpen()
    }
}
