import Foundation
import HotfixLogs
import Testing

/// Synthetic kubectl logs: `entries` lines spread over pods, one every `spacing` seconds.
struct LogCorpus {
    var pods = ["api-old-a1", "api-old-b2", "api-old-c3"]
    var entries = 3000
    var start = 1_795_689_600.0
    var spacing = 1.0
    /// Every n-th entry is the incident's error (nil: never).
    var targetEvery: Int? = 10
    var latencyMs = 20
    /// Extra lines appended at entry positions: (index, lines without prefix).
    var extra: [(Int, [String])] = []

    /// RFC 3339 for times on 2026-11-26 (the corpora stay within that day).
    func iso(_ t: Double) -> String {
        let day = 1_795_651_200.0
        precondition(t >= day && t < day + 86400)
        let ms = Int(((t - day) * 1000).rounded())
        let s = ms / 1000
        return String(format: "2026-11-26T%02d:%02d:%02d.%03dZ", s / 3600, s % 3600 / 60, s % 60, ms % 1000)
    }

    var text: String {
        var out: [String] = []
        for i in 0..<entries {
            let prefix = "[pod/\(pods[i % pods.count])/app] \(iso(start + Double(i) * spacing)) "
            if let every = targetEvery, i % every == 0 {
                out.append(prefix + "ERROR GET /users/\(i) 500 \(latencyMs + 3)ms Database timeout after 3000ms")
            } else {
                out.append(prefix + "INFO GET /users/\(i) 200 \(latencyMs + i % 5)ms")
            }
            for (at, lines) in extra where at == i { out += lines.map { prefix + $0 } }
        }
        return out.joined(separator: "\n") + "\n"
    }

    var summary: LogSummary {
        var analyzer = LogAnalyzer()
        _ = Array(text.utf8).withUnsafeBytes { analyzer.consume($0) }
        return analyzer.finish()
    }
}

@Suite struct LogsVerdictTests {
    let baseline = LogCorpus()
    var after: LogCorpus {
        var c = LogCorpus()
        c.pods = ["api-new-x1", "api-new-y2", "api-new-z3"]
        c.start = baseline.start + 4000
        return c
    }

    func judge(_ after: LogCorpus) -> Verdict {
        VerdictJudge.judge(baseline: VerdictSide(baseline.summary), hotfix: VerdictSide(after.summary))
    }

    func signal(_ v: Verdict, _ name: String) throws -> VerdictSignal {
        try #require(v.signals.first { $0.name == name })
    }

    @Test func theFixWorks() throws {
        var fixed = after
        fixed.targetEvery = 300
        let v = judge(fixed)
        #expect(v.outcome == .pass, "\(v.reasons)")
        #expect(v.targetTemplate == "GET /users/<id> <num> <num>ms Database timeout after <num>ms")
        let target = try signal(v, "targeted error")
        #expect(target.status == .pass)
        #expect(target.reason.contains("dropped by more than half"))
        #expect(try #require(target.numbers["pDropByHalf"]) < 0.05)
        #expect(target.numbers["baselineCount"] == 300)
        #expect(target.numbers["hotfixCount"] == 10)
        #expect(v.outcome.exitCode == 0)
    }

    @Test func noChangeFailsBecauseTheTargetedErrorDidNotDrop() throws {
        let v = judge(after)
        #expect(v.outcome == .fail)
        let target = try signal(v, "targeted error")
        #expect(target.status == .fail)
        #expect(target.reason.contains("did not drop"))
        #expect(v.reasons.first?.hasPrefix("targeted error:") == true)
        #expect(v.outcome.exitCode == 1)
    }

    @Test func aNewExceptionFailsAndIsNamed() throws {
        var broken = after
        broken.targetEvery = nil
        let trace = ["ERROR Unhandled exception in handler", "Traceback (most recent call last):",
                     "  File \"/app/handlers.py\", line 12, in get_user", "    return users[uid]", "KeyError: 'user_id'"]
        broken.extra = [(100, trace), (401, trace), (702, trace), (1000, trace)]
        let v = judge(broken)
        #expect(v.outcome == .fail)
        let fresh = try signal(v, "new errors")
        #expect(fresh.status == .fail)
        #expect(fresh.reason.contains("Unhandled exception in handler | KeyError: <str>"))
        #expect(fresh.reason.contains("4×"))
        #expect(v.newTemplates.first?.pods.count == 3)
        #expect(try signal(v, "targeted error").status == .pass, "the old error is gone; the new one is what fails")
    }

    @Test func aNewErrorSeenOnceOnOnePodDoesNotFail() throws {
        var once = after
        once.targetEvery = 300
        once.extra = [(50, ["ERROR Disk quota exceeded on /var/cache"])]
        let v = judge(once)
        #expect(v.outcome == .pass, "\(v.reasons)")
        #expect(try signal(v, "new errors").reason.contains("under 3×"))
    }

    @Test func aLatencyRegressionFails() throws {
        var slow = after
        slow.targetEvery = 300
        slow.latencyMs = 900
        let v = judge(slow)
        #expect(v.outcome == .fail)
        let latency = try signal(v, "latency")
        #expect(latency.status == .fail)
        #expect(latency.reason.contains("over 500 ms"))
        #expect(try #require(latency.numbers["hotfixP99Ms"]) > 880)
    }

    @Test func tooLittleTrafficIsInconclusive() throws {
        var quiet = after
        quiet.entries = 30
        quiet.spacing = 10
        let v = judge(quiet)
        #expect(v.outcome == .inconclusive, "\(v.reasons)")
        #expect(try signal(v, "targeted error").status == .noData)
        #expect(try signal(v, "error rate").reason.contains("too little traffic"))
        #expect(v.outcome.exitCode == 5)
    }

    @Test func aDropShortOfHalfIsMarginal() throws {
        var partly = after
        partly.targetEvery = 13
        partly.entries = 30000
        var base = baseline
        base.entries = 30000
        let v = VerdictJudge.judge(baseline: VerdictSide(base.summary), hotfix: VerdictSide(partly.summary))
        #expect(v.outcome == .marginal, "\(v.reasons)")
        #expect(v.outcome.exitCode == 4)
    }

    @Test func theTargetCanBeNamedByAFragmentOfItsMessage() throws {
        var base = baseline
        base.extra = (0..<40).map { ($0 * 50, ["ERROR cache miss storm on key \($0)"]) }
        var fixed = after
        fixed.targetEvery = nil
        let v = VerdictJudge.judge(baseline: VerdictSide(base.summary), hotfix: VerdictSide(fixed.summary), target: "cache miss storm")
        #expect(v.targetTemplate == "cache miss storm on key <num>")
        #expect(try signal(v, "targeted error").status == .pass)
        let unknown = VerdictJudge.judge(baseline: VerdictSide(base.summary), hotfix: VerdictSide(fixed.summary), target: "disk on fire")
        #expect(try signal(unknown, "targeted error").reason == "the chosen error does not appear in the baseline")
    }

    /// Two baseline errors exactly as frequent, on the same pods: whichever arrived first, the
    /// target is the same (count, then pods, then text), the other is named as a tie, and
    /// `--target` picks the other.
    @Test func twoEquallyFrequentBaselineErrorsGiveTheSameTargetEveryRunAndTargetPicksTheOther() throws {
        var base = baseline
        base.targetEvery = nil
        let db = "ERROR GET /users/7 500 23ms Database timeout after 3000ms"
        let pay = "ERROR payment declined by processor code=42"
        var chosen: Set<String> = []
        // Each run, the two errors arrive in another order (as tails of several pods do).
        for run in 0..<6 {
            base.extra = (0..<60).map { i in (i * 40 + run, (i + run) % 2 == 0 ? [db, pay] : [pay, db]) }
            var fixed = after
            fixed.targetEvery = nil
            let v = VerdictJudge.judge(baseline: VerdictSide(base.summary), hotfix: VerdictSide(fixed.summary))
            chosen.insert(v.targetTemplate ?? "none")
            #expect(v.targetTies.count == 1, "\(v.targetTies)")
            let reason = try signal(v, "targeted error").reason
            #expect(reason.contains("as frequent in the baseline as the target (60× on 3 pods)"), "\(reason)")
            #expect(reason.contains("--target"), "\(reason)")
        }
        #expect(chosen == ["GET /users/<id> <num> <num>ms Database timeout after <num>ms"], "the same target every run: \(chosen)")
        var fixed = after
        fixed.targetEvery = nil
        let other = VerdictJudge.judge(baseline: VerdictSide(base.summary), hotfix: VerdictSide(fixed.summary), target: "payment declined")
        #expect(other.targetTemplate == "payment declined by processor code=<num>")
        #expect(other.targetTies.isEmpty, "a named target is no tie")
        #expect(try !signal(other, "targeted error").reason.contains("as frequent"))
    }

    /// A clearly more frequent error is the target without a tie note.
    @Test func aClearlyMoreFrequentErrorIsTheTargetWithoutATie() throws {
        var base = baseline
        base.extra = (0..<20).map { ($0 * 100, ["ERROR payment declined by processor code=42"]) }
        let v = VerdictJudge.judge(baseline: VerdictSide(base.summary), hotfix: VerdictSide(after.summary))
        #expect(v.targetTemplate?.contains("Database timeout") == true)
        #expect(v.targetTies.isEmpty)
    }

    /// Issue 12: a baseline error line that mentions a duration in prose ("after 5000ms") is no
    /// request latency, so the baseline p99 stays the requests' and a real regression fails.
    @Test func aDurationInABaselineErrorMessageDoesNotRaiseTheLatencyCeiling() throws {
        var base = baseline
        base.extra = (0..<60).map { ($0 * 50, ["ERROR payment: timeout calling /v1/charge after 5000ms req=000123"]) }
        var slow = after
        slow.latencyMs = 900
        let v = VerdictJudge.judge(baseline: VerdictSide(base.summary), hotfix: VerdictSide(slow.summary))
        let latency = try signal(v, "latency")
        #expect(latency.status == .fail, "\(latency.reason)")
        #expect((latency.numbers["baselineP99Ms"] ?? 0) < 100, "\(latency.numbers)")
    }

    @Test func aPodProblemFailsAtOnce() {
        var fixed = after
        fixed.targetEvery = 300
        let v = VerdictJudge.judge(baseline: VerdictSide(baseline.summary), hotfix: VerdictSide(fixed.summary),
                                   problems: [PodProblem(kind: .crashLoopBackOff, pod: "api-new-x1")])
        #expect(v.outcome == .fail)
        #expect(v.reasons.first == "pods: crashLoopBackOff api-new-x1")
    }

    @Test func oneSidedRateTests() {
        // 100 errors in 1000 before, 10 in 1000 after: clearly below half.
        #expect(RateTests.pBelow(ratio: 0.5, before: 100, of: 1000, after: 10, of: 1000) < 0.001)
        // The same rate: no evidence of any drop.
        #expect(RateTests.pBelow(ratio: 1, before: 100, of: 1000, after: 100, of: 1000) > 0.4)
        // Doubled: a rise of 1.2× is significant.
        #expect(RateTests.pAbove(ratio: 1.2, before: 50, of: 1000, after: 100, of: 1000) < 0.02)
        #expect(abs(RateTests.binomialCDF(5, n: 10, p: 0.5) - 0.623046875) < 1e-9)
    }
}
