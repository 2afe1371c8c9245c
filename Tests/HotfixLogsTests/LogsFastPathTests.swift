import Foundation
@testable import HotfixLogs
import Testing

/// The analyzer's shortcuts (the request-line prelude, the prefix cache, the flat counters) must
/// give exactly what the general code gives: they are checked against it on generated logs.
@Suite struct LogsFastPathTests {
    /// A small deterministic generator (SplitMix64), so a failure can be replayed.
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func int(_ n: Int) -> Int { Int(next() % UInt64(n)) }
        mutating func pick<T>(_ items: [T]) -> T { items[int(items.count)] }
        mutating func chance(_ percent: Int) -> Bool { int(100) < percent }
    }

    /// Bodies near the request shape and just off it: every place the prelude stops.
    static let edgeBodies = [
        "INFO GET /users/1 200 12ms", "INFO GET /users/1 200 5ms", "INFO GET /users/1 200 5ms trailing words",
        "INFO  GET /users/1 200 12ms", "INFO\tGET /users/1 200 12ms", "INFO GET  /users/1 200 12ms",
        "INFO GET /users/1  200 12ms", "INFO GET /users/1 200  12ms", "INFO GET /users/1 099 12ms",
        "INFO GET /users/1 6xx 12ms", "INFO GET /users/1 2 0 12ms", "INFO GET /users/1 200 0.012s",
        "INFO GET /users/1 200 12us", "INFO GET /users/1 200 12", "INFO GET /users/1 200", "INFO GET /users/1",
        "INFO GET /users/1 200 12ms status=503", "INFO GET /users/1 200 12ms msg=\"hello there\"",
        "INFO GET users/1 200 12ms", "INFO OPTIONS /x 204 1ms", "INFO get /x 200 3ms", "Info GET /x 200 3ms",
        "INFO GETX /x 200 3ms", "INFOX GET /x 200 3ms", "INFO: GET /x 200 3ms", "WARN PATCH /x 409 3ms conflict",
        "ERROR DELETE /x/9 500 1670ms Database timeout after 3000ms", "DEBUG HEAD /x 200 0ms",
        "ERROR POST /x 500 99999999999999ms", "ERROR POST /x 500 999999999999999ms", "INFO PUT /x 200 12ms\r",
        "INFO GET /a=b 200 12ms", "INFO GET /x 200 12msx", "INFO GET /x 200 ms", "ERROR", "INFO ", "WARN GET",
        "ERROR Unhandled exception in handler", "Traceback (most recent call last):",
        "  File \"/app/handlers.py\", line 122, in get_user", "KeyError: 'user_99122'",
        "level=error msg=\"db down\" status=500 latency_ms=12", "{\"level\":\"error\",\"status\":500,\"latency\":0.2}",
        "2026-11-26 10:41:02,123 ERROR root: boom", "", " ", "GET /x 200 12ms", "[ERROR] GET /x 500 3ms",
        // Error entries whose template text is not read straight from their bytes, and some that are.
        "{\"level\":\"error\",\"msg\":\"payment failed\",\"error\":\"card declined 4242\"}",
        "ERROR café closed for order 17", "ERROR \ttrailing blanks 3 \t ", "ERROR KeyError: 'user_99122'",
        "level=error msg=db_down status=500", "ERROR POST /x 500 12ms \"quoted\" tail",
        // Durations in prose are no latency; after the path or the status they are.
        "ERROR payment: timeout calling /v1/charge after 5000ms req=000123", "WARN upstream refused, retry in 300ms",
        "INFO took 2s to reconnect", "ERROR GET /v1/charge failed after 5000ms", "INFO GET /x 12ms", "INFO GET /x 12ms 200",
        "INFO GET /x HTTP/1.1 200 12ms", "INFO GET /x 099 12ms", "WARN GET /x 200 retried after 300ms",
        "level=warn msg=\"retry in 300ms\" retry_after_ms=300 request_duration_ms=12", "INFO 200 12ms GET /x",
    ]

    static func randomBody(_ g: inout Generator) -> String {
        if g.chance(30) { return g.pick(edgeBodies) }
        let level = g.pick(["INFO", "INFO", "INFO", "WARN", "ERROR", "DEBUG", "info", "Error"])
        let method = g.pick(["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"])
        let path = g.pick(["/users/", "/orders/", "/carts/", "/p/"]) + String(g.int(100_000))
        let status = g.pick(["200", "200", "201", "404", "500", "503", "099"])
        let latency = g.pick(["\(g.int(2000))ms", "\(g.int(9))ms", "0.\(g.int(999))s", "\(g.int(900))us", ""])
        let tail = g.pick(["", "", " slow query on shard \(g.int(16))", " Database timeout after 3000ms", " error=\"x y\"", " retry in 300ms"])
        return "\(level) \(method) \(path) \(status)\(latency.isEmpty ? "" : " " + latency)\(tail)"
    }

    /// The line's fields; `after` stands for the bytes the analyzer's chunk holds past the line
    /// (the scanner may read words there, never use them).
    static func fields(_ line: String, prelude: Bool, after: String = "") -> LineFields {
        var bytes = Array(line.utf8) + Array(after.utf8)
        let n = line.utf8.count
        return bytes.withUnsafeMutableBytes { raw in
            var scanner = LineScanner()
            scanner.prelude = prelude
            var f = LineFields()
            scanner.scan(UnsafeRawBufferPointer(raw), n, into: &f)
            return f
        }
    }

    static func same(_ a: LineFields, _ b: LineFields) -> Bool {
        a.podStart == b.podStart && a.podEnd == b.podEnd && a.containerStart == b.containerStart
            && a.containerEnd == b.containerEnd && a.bodyStart == b.bodyStart && a.end == b.end
            && a.time.bitPattern == b.time.bitPattern && a.level == b.level && a.status == b.status
            && a.latencyMicros == b.latencyMicros && a.format == b.format && a.messageStart == b.messageStart
            && a.messageEnd == b.messageEnd && a.messageEscaped == b.messageEscaped && a.errorStart == b.errorStart
            && a.errorEnd == b.errorEnd && a.errorEscaped == b.errorEscaped
    }

    @Test func theRequestPreludeReadsEveryLineAsTheGeneralLoopDoes() {
        var g = Generator(state: 42)
        var lines = Self.edgeBodies.flatMap { [$0, "[pod/api-1/app] 2026-11-26T10:40:00.001653159Z " + $0] }
        for _ in 0..<20_000 { lines.append("[pod/api-\(g.int(3))/app] 2026-11-26T10:40:0\(g.int(10)).\(100_000_000 + g.int(800_000_000))Z " + Self.randomBody(&g)) }
        var differ: [String] = []
        // Past the line: nothing, the next line (digits and "ms" included), or a blank run.
        let afters = ["", "\n", "\n12ms 200 12ms 200 12ms", "\n2026-11-26T10:40:00Z INFO", "ms 200 12ms rest of chunk",
                      "                "]
        for line in lines {
            let general = Self.fields(line, prelude: false)
            for after in afters where !Self.same(Self.fields(line, prelude: true, after: after), general) {
                differ.append(line + " ⏎ " + after)
            }
        }
        #expect(differ.isEmpty, "the prelude reads these differently: \(differ.prefix(5))")
        // And it is taken: the usual line gets its level, status and latency.
        let f = Self.fields("[pod/a/app] 2026-11-26T10:40:00Z WARN GET /x 200 5ms slow", prelude: true)
        #expect(f.level == .warn && f.status == 200 && f.latencyMicros == 5000)
        // With the chunk's bytes after it, the status and latency are read eight bytes at a time.
        let wide = Self.fields("INFO GET /users/1 503 987654ms", prelude: true, after: "\n[pod/a/app] 2026")
        #expect(wide.status == 503 && wide.latencyMicros == 987_654_000)
        // The usual request line is read to its end by the prelude alone, with or without the
        // chunk's bytes after it (the eight-byte reads and the byte-by-byte ones).
        for (body, after) in [("INFO GET /users/46993 200 178ms", "\n[pod/api-1/app] 2026"), ("INFO GET /users/46993 200 178ms", ""),
                              ("ERROR DELETE /x/9 500 1670ms", "\n"), ("WARN PATCH /x 409 3ms", "\n[pod/a/b] 2026-11-26T10:40:00Z"),
                              ("INFO PUT /carts/1 200 12345678ms", "\n[pod/a/b] 2026-11-26T10:40:00Z")] {
            var bytes = Array(body.utf8) + Array(after.utf8)
            let n = body.utf8.count
            let (i, token, f) = bytes.withUnsafeMutableBytes { raw -> (Int, Int, LineFields) in
                var f = LineFields()
                var i = 0, token = 0
                var request = RequestTokens()
                LineScanner().requestPrelude(UnsafeRawBufferPointer(raw), &i, n, &f, &token, &request)
                return (i, token, f)
            }
            #expect(i == n && token == 5, "the prelude stopped at \(i) (token \(token)) in \(body)")
            #expect(f.latencyMicros > 0 && f.status >= 200)
        }
        #expect(Words.leadingDigits(0x0000_3D43_0709_0102) == 4)
        #expect(Words.digitsValue(0x0807_0605_0403_0201) == 12_345_678)
    }

    @Test func theOnePassRequestLineReadsAsTheGeneralScanOrLeavesTheLineAlone() {
        var g = Generator(state: 9)
        var bodies = Self.edgeBodies
        for _ in 0..<20_000 { bodies.append(Self.randomBody(&g)) }
        var fast = 0
        var differ: [String] = []
        var scanner = LineScanner()
        for body in bodies {
            let line = "[pod/api-1/app] 2026-11-26T10:40:0\(g.int(10)).\(100_000_000 + g.int(800_000_000))Z " + body
            var bytes = Array(line.utf8) + Array("\n[pod/api-2/app] 2026-11-26T10:40:01.000000001Z INFO".utf8)
            let n = line.utf8.count
            bytes.withUnsafeMutableBytes { raw in
                let p = UnsafeRawBufferPointer(raw)
                var general = LineFields()
                scanner.scan(p, n, into: &general)  // also caches the minute
                var f = LineFields()
                f.end = n; f.podStart = 5; f.podEnd = 10; f.containerStart = 11; f.containerEnd = 14
                let before = f
                if scanner.scanRequestLine(p, 16, n, into: &f) {
                    fast += 1
                    if !Self.same(f, general) { differ.append(line) }
                } else if !Self.same(f, before) {
                    differ.append("changed on refusal: " + line)
                }
            }
        }
        #expect(differ.isEmpty, "\(differ.prefix(5))")
        // Exactly the usual request lines take the one-pass path.
        let usual = try! Regex(#"^(INFO|WARN|ERROR|DEBUG) (GET|PUT|POST|HEAD|PATCH|DELETE) /[^ ]* [1-5][0-9]{2} [0-9]{1,12}ms$"#)
        let want = bodies.filter { $0.wholeMatch(of: usual) != nil }.count
        #expect(fast == want && want > 1_000, "\(fast) lines took the one-pass path, \(want) are usual request lines")
    }

    @Test func aThreeCharacterLatencyIsALatencyNotAStatus() {
        let r = LogParser.parse("INFO GET /x 200 5ms")
        #expect(r.status == 200)
        #expect(r.latencyMs == 5)
    }

    @Test func crlfTextSplitsIntoItsLines() {
        let records = LogParser.records("INFO GET /a 200 3ms\r\nERROR GET /b 500 9ms boom\r\n")
        #expect(records.map(\.status) == [200, 500])
        #expect(records.last?.message == "GET /b 500 9ms boom")
    }

    /// Per pod, per bucket and overall, from the records the general parser assembles.
    static func reference(_ text: String, bucketSeconds: Double) -> (pods: [String: LogCounters], total: LogCounters,
                                                                     buckets: [LogBucket], untimed: Int) {
        var pods: [String: LogCounters] = [:]
        var total = LogCounters()
        var series = BucketSeries(bucketSeconds: bucketSeconds)
        var untimed = 0
        for r in LogParser.records(text) {
            let micros = r.latencyMs.map { Int(($0 * 1000).rounded()) } ?? -1
            pods[r.pod ?? "", default: LogCounters()].add(level: r.level, status: r.status ?? 0, latencyMicros: micros)
            total.add(level: r.level, status: r.status ?? 0, latencyMicros: micros)
            if let t = r.time { series.add(time: t, level: r.level, status: r.status ?? 0, latencyMicros: micros) } else { untimed += 1 }
        }
        return (pods, total, series.buckets, untimed)
    }

    @Test func theAnalyzersCountsMatchTheGeneralParserWithManyPodsAndTimesOutOfOrder() throws {
        var g = Generator(state: 7)
        var lines: [String] = []
        var second = 0
        for _ in 0..<6_000 {
            // Mostly forward in time, sometimes back a few buckets, sometimes a jump ahead.
            if g.chance(40) { second += 1 }
            if g.chance(2) { second += 400 }
            let back = g.chance(5) ? g.int(200) : 0
            let t = max(0, second - back)
            // kubectl's nine fraction digits mostly (the timestamp fast path), six sometimes.
            let fraction = g.chance(80) ? String(format: "%09d", g.int(1_000_000_000)) : String(format: "%06d", g.int(1_000_000))
            let stamp = String(format: "2026-11-26T%02d:%02d:%02d.", 10 + t / 3600, t / 60 % 60, t % 60) + fraction + "Z"
            // 24 pods, more than the prefix cache holds; some lines without a prefix or a time.
            let pod = g.chance(3) ? "" : "[pod/api-7d9f8c6b5-\(g.int(24))x/app] "
            let time = g.chance(3) ? "" : stamp + " "
            let body = Self.randomBody(&g)
            if body.isEmpty || body == " " { continue }
            lines.append(pod + time + body)
        }
        let text = lines.joined(separator: "\n") + "\n"
        var analyzer = LogAnalyzer(bucketSeconds: 30)
        _ = Array(text.utf8).withUnsafeBytes { analyzer.consume($0) }
        let s = analyzer.finish()
        let want = Self.reference(text, bucketSeconds: 30)
        #expect(s.lines == lines.count)
        #expect(s.total == want.total)
        #expect(s.untimed == want.untimed)
        #expect(s.pods.count == want.pods.count)
        for (pod, counters) in want.pods {
            let got = s.pods[pod] ?? LogCounters()
            #expect(got == counters, "pod \(pod): entries \(got.entries)/\(counters.entries) requests \(got.requests)/\(counters.requests) errors \(got.errors)/\(counters.errors) levels \(got.levels)/\(counters.levels) latency \(got.latency.count)/\(counters.latency.count) \(got.latency.sumMicros)/\(counters.latency.sumMicros) \(got.latency.maxMicros)/\(counters.latency.maxMicros)")
        }
        #expect(s.series.buckets.count == want.buckets.count)
        #expect(s.series.buckets == want.buckets, "the buckets differ")
        #expect(want.pods.count > PrefixCache.ways)
        // Error entries (with their traces) reach the template miner as the general parser sees them.
        var miner = TemplateMiner()
        for r in LogParser.records(text) where r.isError { miner.learn(r.templateText, pod: r.pod) }
        #expect(s.templates.ranked.map(\.template) == miner.ranked.map(\.template))
        #expect(s.templates.ranked.map(\.count) == miner.ranked.map(\.count))
        #expect(s.templates.ranked.reduce(0) { $0 + $1.count } > 500)
    }

    @Test func anEntrysShapeReadFromItsBytesIsTheShapeOfItsTemplateText() {
        var g = Generator(state: 5)
        var grouper = RecordGrouper(keepAll: false)
        var scanner = LineScanner()
        var pods = PodTable()
        var fast = 0, slow = 0
        for _ in 0..<4_000 {
            let line = "[pod/api-\(g.int(3))/app] 2026-11-26T10:00:00.000000000Z " + Self.randomBody(&g)
            var bytes = Array(line.utf8)
            bytes.withUnsafeMutableBytes { raw in
                let p = UnsafeRawBufferPointer(raw)
                var f = LineFields()
                scanner.scan(p, p.count, into: &f)
                _ = grouper.feed(p, &f, pod: pods.index(p, f.podStart, f.podEnd))
            }
            guard grouper.hasFinished, let entry = grouper.takeFinishedEntry() else { continue }
            let text = grouper.record(of: entry).templateText
            if let shape = entry.templateShape {
                #expect(shape == TemplateMiner.shape(text), "\(text)")
                fast += 1
            } else {
                slow += 1
            }
        }
        #expect(fast > 300 && slow > 10, "fast \(fast), slow \(slow)")
    }

    @Test func kubectlTimestampsReadOnTheFastPathEqualTheGeneralReading() {
        var g = Generator(state: 11)
        var cache = TimestampCache()
        for _ in 0..<5_000 {
            let digits = String(format: "%09d", g.int(1_000_000_000))
            let text = String(format: "2026-11-%02dT%02d:%02d:%02d.", 1 + g.int(28), g.int(24), g.int(60), g.int(61)) + digits + "Z rest"
            var bytes = Array(text.utf8)
            bytes.withUnsafeMutableBytes { raw in
                let p = UnsafeRawBufferPointer(raw)
                var fresh = TimestampCache()
                let want = fresh.parseAny(p, 0, p.count)
                _ = cache.parse(p, 0, p.count)  // the minute is cached now: the next read takes the fast path
                let got = cache.parse(p, 0, p.count)
                #expect(got?.0.bitPattern == want?.0.bitPattern && got?.1 == want?.1, "\(text)")
            }
        }
        #expect(TimestampCache.firstSixDigits(0x0908_0706_0504_0302) == 234_567)
        #expect(TimestampCache.firstSixDigits(0x0909_0909_0909_0909) == 999_999)
        #expect(TimestampCache.firstSixDigits(0) == 0)
    }
}
