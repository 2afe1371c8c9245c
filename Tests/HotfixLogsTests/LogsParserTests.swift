import Foundation
import HotfixLogs
import Testing

/// Realistic lines in each format, as `kubectl logs --prefix --timestamps` prints them.
@Suite struct LogsParserTests {
    /// 2026-11-26T10:41:02Z
    let t0 = 1_795_689_662.0

    @Test func nginxAccessLine() throws {
        let r = LogParser.parse(#"[pod/web-6c9f7d-2xk4p/nginx] 2026-11-26T10:41:02.500000000Z 10.0.0.1 - - [26/Nov/2026:10:41:02 +0000] "GET /users/123 HTTP/1.1" 503 512 "-" "curl/8.5.0" request_time=0.012"#)
        #expect(r.pod == "web-6c9f7d-2xk4p")
        #expect(r.container == "nginx")
        #expect(r.time == t0 + 0.5)
        #expect(r.status == 503)
        #expect(r.level == .unknown)
        #expect(try #require(r.latencyMs) == 12)
        #expect(r.isError)
        #expect(r.format == .plain)
        #expect(r.message.hasPrefix("10.0.0.1 - - [26/Nov/2026"))
    }

    @Test func plainApplicationLine() {
        let r = LogParser.parse("[pod/api-7d9f-x1k2p/app] 2026-11-26T10:41:02.123456789Z INFO GET /users/123 200 12ms")
        #expect(r.level == .info)
        #expect(r.status == 200)
        #expect(r.latencyMs == 12)
        #expect(abs(r.time! - (t0 + 0.123456)) < 1e-6)
        #expect(r.message == "GET /users/123 200 12ms")
        #expect(!r.isError)
        // Seconds and a level word only as prose later in the line.
        let s = LogParser.parse("WARN POST /orders 201 0.250s retried after an error")
        #expect(s.level == .warn)
        #expect(s.latencyMs == 250)
        #expect(s.status == 201)
        #expect(s.pod == nil && s.time == nil)
    }

    @Test func pythonDefaultLoggingFormat() {
        let r = LogParser.parse("2026-11-26 10:41:02,250 ERROR:payments:charge failed for order 7")
        #expect(r.level == .error)
        #expect(r.time == t0 + 0.25)
        #expect(r.message.contains("charge failed"))
    }

    @Test func goZapJSON() throws {
        let r = LogParser.parse(#"[pod/api-1/app] 2026-11-26T10:41:02Z {"level":"error","ts":1795689662.5,"caller":"api/handler.go:42","msg":"request failed","error":"dial tcp 10.0.0.5:5432: connect: connection refused","status":503,"latency":0.0123,"stacktrace":"main.handler\n\t/app/main.go:42"}"#)
        #expect(r.format == .json)
        #expect(r.level == .error)
        #expect(r.status == 503)
        #expect(abs(try #require(r.latencyMs) - 12.3) < 0.01)
        #expect(r.message == "request failed")
        #expect(r.exception == "dial tcp 10.0.0.5:5432: connect: connection refused")
        #expect(r.time == t0, "kubectl's timestamp wins over the application's")
    }

    @Test func goSlogJSONWithNestedStatus() {
        let r = LogParser.parse(#"{"time":"2026-11-26T12:41:02.000+02:00","level":"WARN","msg":"payment slow \"retrying\"","http":{"method":"POST","status":502},"duration":1500000}"#)
        #expect(r.level == .warn)
        #expect(r.status == 502)
        #expect(r.latencyMs == 1.5, "an integer this large without a unit is nanoseconds (slog)")
        #expect(r.message == #"payment slow "retrying""#)
        #expect(r.time == t0, "the offset is applied")
    }

    @Test func pythonJSONLogger() {
        let r = LogParser.parse(#"{"asctime": "2026-11-26 10:41:02,123", "levelname": "ERROR", "name": "app", "message": "Unhandled exception", "exc_info": "Traceback (most recent call last):\n  File \"/app/main.py\", line 12, in handler\n    return users[uid]\nKeyError: 'user_id'", "status_code": 500}"#)
        #expect(r.level == .error)
        #expect(r.message == "Unhandled exception")
        #expect(r.exception == "KeyError: 'user_id'")
        #expect(r.status == 500)
        #expect(r.time == t0 + 0.123)
        #expect(r.templateText == "Unhandled exception | KeyError: 'user_id'")
    }

    @Test func numericLevelsOfPino() {
        #expect(LogParser.parse(#"{"level":50,"time":1795689662000,"msg":"boom","responseTime":31}"#).level == .error)
        let r = LogParser.parse(#"{"level":30,"time":1795689662000,"msg":"ok","responseTime":31}"#)
        #expect(r.level == .info)
        #expect(r.time == t0, "epoch milliseconds")
        #expect(r.latencyMs == 31)
    }

    @Test func logfmt() {
        let r = LogParser.parse(#"[pod/worker-0/main] time=2026-11-26T10:41:02Z level=warn msg="slow query on shard 3" status=200 latency_ms=812 path=/orders/7"#)
        #expect(r.format == .logfmt)
        #expect(r.pod == "worker-0")
        #expect(r.level == .warn)
        #expect(r.message == "slow query on shard 3")
        #expect(r.status == 200)
        #expect(r.latencyMs == 812)
        #expect(r.time == t0)
        let e = LogParser.parse(#"level=error msg="ERROR in msg does not matter" err="connection reset by peer" duration=2.5s"#)
        #expect(e.level == .error)
        #expect(e.exception == "connection reset by peer")
        #expect(e.latencyMs == 2500)
    }

    @Test func javaStackTraceBelongsToItsLine() throws {
        let p = "[pod/billing-5f6-abcde/app] 2026-11-26T10:41:02Z "
        let text = """
        \(p)2026-11-26 10:41:02.001 ERROR [main] c.a.BillingService - Charge failed
        \(p)java.lang.IllegalStateException: card declined for order 123
        \(p)\tat com.acme.BillingService.charge(BillingService.java:42)
        \(p)\tat com.acme.Api.handle(Api.java:17)
        \(p)Caused by: java.net.SocketTimeoutException: Read timed out
        \(p)\t... 12 more
        \(p)2026-11-26 10:41:03.000 INFO [main] c.a.Api - next request
        """
        let records = LogParser.records(text)
        try #require(records.count == 2)
        #expect(records[0].level == .error)
        #expect(records[0].exception == "java.lang.IllegalStateException: card declined for order 123")
        #expect(records[0].traceLines == 5)
        #expect(records[0].message.contains("Charge failed"))
        #expect(records[1].level == .info)
        #expect(records[1].traceLines == 0)
    }

    @Test func pythonTracebackStaysWithItsPodWhenPodsInterleave() throws {
        let a = "[pod/api-a/app] 2026-11-26T10:41:02Z ", b = "[pod/api-b/app] 2026-11-26T10:41:02Z "
        let text = """
        \(a)ERROR Unhandled exception in handler
        \(a)Traceback (most recent call last):
        \(b)INFO GET /health 200 1ms
        \(a)  File "/app/handlers.py", line 12, in get_user
        \(a)    return users[uid]
        \(a)KeyError: 'user_42'
        \(a)INFO GET /users/1 200 3ms
        """
        let records = LogParser.records(text)
        try #require(records.count == 3)
        let error = try #require(records.first { $0.level == .error })
        #expect(error.pod == "api-a")
        #expect(error.exception == "KeyError: 'user_42'")
        #expect(error.traceLines == 4)
        #expect(records.filter { $0.pod == "api-b" }.count == 1)
    }

    @Test func goPanicWithGoroutines() throws {
        let text = """
        panic: runtime error: index out of range [5] with length 3

        goroutine 1 [running]:
        main.handler(0xc000010000)
        \t/app/main.go:12 +0x1d
        created by net/http.(*Server).Serve
        \t/usr/local/go/src/net/http/server.go:3285 +0x4b4
        exit status 2
        INFO restarted
        """
        let records = LogParser.records(text)
        try #require(records.count == 2)
        #expect(records[0].level == .fatal)
        #expect(records[0].message.hasPrefix("runtime error: index out of range"))
        #expect(records[0].traceLines == 6, "the blank line before the goroutines is not a trace line")
        #expect(records[1].level == .info)
    }

    @Test func aDurationInProseIsNoLatency() {
        for line in [
            "[pod/pay-1/app] 2026-11-26T10:41:02Z ERROR payment: timeout calling /v1/charge after 5000ms req=000123",
            "WARN upstream refused the connection, retry in 300ms",
            "INFO took 2s to reconnect",
            "ERROR GET /v1/charge failed after 5000ms",
            "WARN GET /v1/charge 503 gave up, retry in 300ms",  // the status has no latency beside it
            #"level=warn msg="retry in 300ms" attempt=2"#,
            #"level=info msg=backing-off timeout_ms=5000 retry_after_ms=300 backoff_ms=100 poll_interval_ms=50"#,
            #"{"level":"error","msg":"timeout calling /v1/charge after 5000ms","retryDelayMs":300}"#,
        ] {
            #expect(LogParser.parse(line).latencyMs == nil, "\(line)")
        }
    }

    @Test func requestLinesAndNamedFieldsGiveTheLatency() {
        for (line, ms) in [
            ("INFO GET /users/1 200 12ms", 12.0),
            ("INFO GET /users/1 12ms", 12),  // right after the path
            ("WARN POST /orders HTTP/1.1 201 0.250s retried after 300ms", 250),  // after the status; the prose later is not read
            ("ERROR GET /v1/charge 500 5012ms timeout after 5000ms", 5012),
            (#"level=info msg="served" request_duration_ms=31"#, 31),
            (#"level=info msg="served" http.duration=45ms"#, 45),
            (#"level=info msg="reconnected" took=2s"#, 2000),
            (#"level=info msg="served" elapsed=0.2"#, 200),
            (#"{"msg":"served","upstreamMs":7}"#, 7),
            (#"{"msg":"served","latency":"12ms"}"#, 12),
        ] {
            #expect(LogParser.parse(line).latencyMs == ms, "\(line)")
        }
    }

    @Test func unknownFormatsStillCount() {
        let r = LogParser.parse("just some words 42")
        #expect(r.level == .unknown && r.status == nil && r.latencyMs == nil)
        #expect(r.message == "just some words 42")
        #expect(LogParser.parse("something went very wrong: FATAL disk full").level == .fatal)
        #expect(LogParser.parse("processed 100 items").status == nil, "a number is a status only after an HTTP method")
    }
}
