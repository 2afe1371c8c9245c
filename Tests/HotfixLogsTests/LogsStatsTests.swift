import HotfixLogs
import Testing

/// Percentiles from a histogram, counts per bucket and pod, bounded history.
@Suite struct LogsStatsTests {
    @Test func percentilesAreWithinThreePercentWithoutKeepingSamples() throws {
        var h = LatencyHistogram()
        for ms in 1...10_000 { h.add(micros: ms * 1000) }
        for (q, truth) in [(0.5, 5000.0), (0.95, 9500.0), (0.99, 9900.0)] {
            let got = try #require(h.quantileMs(q))
            #expect(abs(got - truth) / truth < 0.03, "q\(q): \(got) vs \(truth)")
        }
        #expect(h.count == 10_000)
        #expect(LatencyHistogram().quantileMs(0.99) == nil)
    }

    @Test func histogramsMergeLikeOne() {
        var a = LatencyHistogram(), b = LatencyHistogram(), all = LatencyHistogram()
        for v in stride(from: 100, to: 900_000, by: 997) {
            if v % 2 == 0 { a.add(micros: v) } else { b.add(micros: v) }
            all.add(micros: v)
        }
        a.merge(b)
        #expect(a == all)
    }

    @Test func analyzerCountsPerPodAndBucket() throws {
        let lines = [
            "[pod/a/app] 2026-11-26T10:41:02Z INFO GET /x 200 10ms",
            "[pod/b/app] 2026-11-26T10:41:10Z ERROR GET /x 500 90ms boom",
            "[pod/a/app] 2026-11-26T10:41:40Z WARN GET /x 200 30ms slow",
            "[pod/a/app] 2026-11-26T10:41:41Z   continuation of the warning",
            "",
            "no prefix, no time",
            "error: unexpected EOF",
        ]
        var analyzer = LogAnalyzer(bucketSeconds: 30)
        let text = lines.joined(separator: "\n") + "\n"
        let used = Array(text.utf8).withUnsafeBytes { analyzer.consume($0) }
        #expect(used == text.utf8.count)
        let s = analyzer.finish()
        #expect(s.lines == 7)
        #expect(s.total.entries == 4)
        #expect(s.total.errors == 1, "kubectl's own dropped-stream message is not an application error")
        #expect(s.total.requests == 3)
        #expect(s.untimed == 1)
        #expect(s.pods["a"]?.entries == 2)
        #expect(s.pods["b"]?.errors == 1)
        let buckets = s.series.buckets
        #expect(buckets.map(\.counters.entries) == [2, 1])
        #expect(buckets[0].start == 1_795_689_660)
        #expect(s.templates.ranked.first?.template == "GET /x <num> <num>ms boom")
    }

    @Test func bucketsAreBounded() {
        var analyzer = LogAnalyzer(bucketSeconds: 1, maxBuckets: 10)
        for second in 0..<100 {
            var line = Array("2026-11-26T10:\(40 + second / 60):\(String(format: "%02d", second % 60))Z INFO ok".utf8)
            line.withUnsafeMutableBytes { analyzer.line(UnsafeRawBufferPointer($0)) }
        }
        let s = analyzer.finish()
        #expect(s.series.count == 10)
        #expect(s.total.entries == 100, "dropped buckets stay in the totals")
    }

    @Test func theHistoryRingKeepsTheNewest() {
        var ring = LineRing<Int>(capacity: 100)
        for i in 0..<250 { ring.append(i) }
        #expect(ring.count == 100)
        #expect(ring.dropped == 150)
        #expect(ring[0] == 150)
        #expect(ring.last(3) == [247, 248, 249])
        #expect(ring.all.count == 100)
    }
}
