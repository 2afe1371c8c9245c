import Foundation

/// The outcome of the monitoring window (DESIGN §8).
public enum VerdictOutcome: String, Sendable, Codable, Equatable {
    case pass = "PASS", marginal = "MARGINAL", fail = "FAIL", inconclusive = "INCONCLUSIVE"

    /// `hotfix logs compare` exit codes: 0 PASS, 1 FAIL, 4 MARGINAL, 5 INCONCLUSIVE.
    public var exitCode: Int32 {
        switch self {
        case .pass: 0
        case .fail: 1
        case .marginal: 4
        case .inconclusive: 5
        }
    }
}

/// One check behind a verdict, with its reason in words and the numbers behind it.
public struct VerdictSignal: Sendable, Codable, Equatable {
    public enum Status: String, Sendable, Codable { case pass, marginal, fail, noData = "no data" }
    /// `targeted error`, `error rate`, `new errors`, `latency`, `pods`.
    public var name: String
    public var status: Status
    public var reason: String
    public var numbers: [String: Double]
}

/// Something that fails the window at once: a restart, CrashLoopBackOff, an image pull error,
/// OOMKilled, a rollout past its deadline.
public struct PodProblem: Sendable, Codable, Equatable {
    public enum Kind: String, Sendable, Codable { case restart, crashLoopBackOff, imagePullError, oomKilled, rolloutDeadline }
    public var kind: Kind
    public var pod: String?
    public var detail: String?

    public init(kind: Kind, pod: String? = nil, detail: String? = nil) {
        self.kind = kind; self.pod = pod; self.detail = detail
    }
}

/// The thresholds of DESIGN §8.
public struct VerdictPolicy: Sendable, Equatable {
    public var warmupSeconds = 30.0
    public var windowSeconds = 300.0
    /// The targeted error must fall to this share of its baseline rate…
    public var targetDropRatio = 0.5
    /// …with a one-sided test below this p.
    public var targetDropP = 0.05
    /// The overall error rate rising by this factor…
    public var errorRiseRatio = 1.2
    /// …at p below this is a failure.
    public var errorRiseP = 0.02
    /// A template never seen in the baseline is a new error from this many entries…
    public var newErrorMinCount = 3
    /// …or this many pods.
    public var newErrorMinPods = 2
    /// p99 may not exceed max(latencyFloorMs, latencyRatio × baseline p99).
    public var latencyFloorMs = 500.0
    public var latencyRatio = 1.2
    public var minLatencySamples = 20
    /// New pods with less than this share of the baseline's traffic per pod give "no data".
    public var minTrafficShare = 0.2
    /// Fewer expected occurrences of the targeted error than this cannot show a drop.
    public var minExpectedTargetErrors = 5.0

    public init() {}
}

/// What the verdict compares: one side's counts, pods, window length, latency and templates.
public struct VerdictSide: Sendable {
    public var counters: LogCounters
    public var entriesPerPod: [String: Int]
    public var seconds: Double?
    public var templates: TemplateMiner

    public init(counters: LogCounters, entriesPerPod: [String: Int], seconds: Double?, templates: TemplateMiner) {
        self.counters = counters; self.entriesPerPod = entriesPerPod; self.seconds = seconds; self.templates = templates
    }

    public init(_ summary: LogSummary) {
        self.init(counters: summary.total, entriesPerPod: summary.pods.mapValues(\.entries),
                  seconds: summary.durationSeconds, templates: summary.templates)
    }
}

/// A new error template seen after the deploy.
public struct NewTemplate: Sendable, Codable, Equatable {
    public var template: String
    public var count: Int
    public var pods: [String]
    public var example: String
    /// Seen often or widely enough to fail the window.
    public var counts: Bool
}

/// PASS, MARGINAL, FAIL or INCONCLUSIVE, with its signals.
public struct Verdict: Sendable, Codable, Equatable {
    public var outcome: VerdictOutcome
    public var signals: [VerdictSignal]
    public var newTemplates: [NewTemplate]
    /// The baseline template the fix was meant to remove.
    public var targetTemplate: String?
    /// Other baseline errors as frequent as the target, when it was chosen by frequency (not named).
    public var targetTies: [String] = []
    /// Why the window ended before its time (the engine's `endedEarly`); the first reason when set.
    public var note: String?

    /// A verdict with its signals; one not computed from a window (a rollout that never came) has only a note.
    public init(outcome: VerdictOutcome, signals: [VerdictSignal] = [], newTemplates: [NewTemplate] = [], targetTemplate: String? = nil,
                targetTies: [String] = [], note: String? = nil) {
        self.outcome = outcome; self.signals = signals; self.newTemplates = newTemplates; self.targetTemplate = targetTemplate
        self.targetTies = targetTies; self.note = note
    }

    /// The reasons in words, failures first (after the note, when the window was cut short).
    public var reasons: [String] {
        let order: [VerdictSignal.Status] = [.fail, .marginal, .noData, .pass]
        return (note.map { [$0] } ?? []) + order.flatMap { status in signals.filter { $0.status == status }.map { "\($0.name): \($0.reason)" } }
    }

    /// Flattened numbers for the journal's `VerdictRecord`.
    public var numbers: [String: Double] {
        var all: [String: Double] = [:]
        for s in signals { for (k, v) in s.numbers { all["\(s.name.replacingOccurrences(of: " ", with: "_")).\(k)"] = v } }
        return all
    }
}
