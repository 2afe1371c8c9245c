import HotfixLogs
import Testing

/// The window's end waits for lines stamped inside it that are still on their way (a CI-like run
/// on a loaded machine judged a working fix INCONCLUSIVE with the new pods' logs 27 s behind),
/// never for a stream that has gone quiet.
@Suite struct LogCatchUpTests {
    let rule = LogCatchUp(quietAfter: 2, limit: 60)
    let end = 1_000.0

    @Test func linesBehindAndStillArrivingAreWaitedFor() {
        #expect(rule.decide(end: end, newest: end - 27, sinceArrival: 0.1, overFor: 1) == .wait(behind: 27))
        #expect(rule.decide(end: end, newest: end - 3, sinceArrival: 1.9, overFor: 59) == .wait(behind: 3))
    }

    @Test func caughtUpQuietOrNoLinesIsJudgedAtOnce() {
        #expect(rule.decide(end: end, newest: end + 0.2, sinceArrival: 0, overFor: 0) == .judge, "caught up")
        #expect(rule.decide(end: end, newest: end - 0.4, sinceArrival: 0, overFor: 0) == .judge, "within half a second")
        #expect(rule.decide(end: end, newest: end - 40, sinceArrival: 5, overFor: 0) == .judge, "a stream gone quiet is a finding, not a delay")
        #expect(rule.decide(end: end, newest: nil, sinceArrival: .infinity, overFor: 0) == .judge, "no new pod's line at all")
    }

    @Test func theWaitHasALimit() {
        #expect(rule.decide(end: end, newest: end - 90, sinceArrival: 0, overFor: 60) == .judge)
        #expect(LogCatchUp(limit: 0).decide(end: end, newest: end - 5, sinceArrival: 0, overFor: 0) == .judge, "limit 0: never waits")
    }
}
