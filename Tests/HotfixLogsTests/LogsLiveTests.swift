import Foundation
import HotfixLogs
import Testing

/// Lines as a live view reads them: what the DEPLOY stream and `hotfix logs follow` show.
@Suite struct LogsLiveTests {
    static let t = 1_795_687_200.0  // 2026-11-26T10:00:00Z

    func read(_ reader: inout LiveLineReader, _ text: String, at time: Double = t) -> LiveLine {
        var text = text
        return text.withUTF8 { reader.read(UnsafeRawBufferPointer($0), time: time) }
    }

    @Test func theApplicationsTimestampGivesWayToKubectlsOnlyWhenTheySayTheSameTime() {
        var r = LiveLineReader()
        let same = read(&r, "2026-11-26 10:00:01,250 INFO GET /users/12 200 14ms")
        #expect(same.text == "INFO GET /users/12 200 14ms")
        #expect(same.level == .info)
        #expect(!same.isError)
        // Another time zone (or a buffered write): the application's time stays in the text.
        let far = read(&r, "2026-11-26 11:00:01,250 INFO GET /users/12 200 14ms")
        #expect(far.text.hasPrefix("2026-11-26 11:00:01,250 INFO"))
    }

    @Test func aStackTraceBelongsToTheErrorAboveItAndOnlyTheFirstLineHasAShape() throws {
        var r = LiveLineReader()
        let error = read(&r, "2026-11-26 10:00:00,100 ERROR POST /users/3 500 40ms req=x1k2p-000007 KeyError: 'email' in serialize_user")
        #expect(error.isError)
        #expect(!error.isContinuation)
        let shape = try #require(error.errorShape)
        #expect(shape == "POST /users/<id> <num> <num>ms req=<*> KeyError: <str> in serialize_user")
        for line in ["Traceback (most recent call last):", "  File \"/app/app/serializers.py\", line 41, in serialize_user", "KeyError: 'email'"] {
            let l = read(&r, line)
            #expect(l.isError, "\(line) is part of the error")
            #expect(l.isContinuation)
            #expect(l.errorShape == nil)
        }
        let next = read(&r, "2026-11-26 10:00:00,200 INFO GET /health 200 3ms")
        #expect(!next.isError && !next.isContinuation)
        // A 5xx without a level is an error too.
        #expect(read(&r, "GET /users/9 502 12ms").isError)
    }

    @Test func controlSequencesNeverReachTheText() {
        var r = LiveLineReader()
        let l = read(&r, "INFO \u{1b}]52;c;ZXZpbA==\u{7}hello \u{1b}[31mred\u{1b}[0m\tend")
        #expect(!l.text.contains("\u{1b}"))
        #expect(l.text.contains("hello red"))
    }

    @Test func aShapeMatchesTheTemplateItWasMinedIntoAndNoOther() {
        var miner = TemplateMiner()
        let messages = (0..<5).map { "POST /users/\(100 + $0) 500 \(30 + $0)ms req=x1k2p-00000\($0) KeyError: 'email' in serialize_user" }
        for m in messages { miner.learn(m) }
        miner.learn("GET /users/7 500 31ms TypeError: 'NoneType' object is not subscriptable")
        let templates = miner.ranked.map(\.template)
        #expect(templates.count == 2)
        var r = LiveLineReader()
        let line = read(&r, "ERROR " + messages[0])
        let shape = line.errorShape ?? ""
        #expect(LiveShape.matches(shape, template: templates[0]))
        #expect(!LiveShape.matches(shape, template: templates[1]))
        // A template mined from a whole entry (message | exception) matches its first line.
        #expect(LiveShape.matches("Worker failed to boot", template: "Worker failed to boot | ImportError: <str>"))
        #expect(!LiveShape.matches("Worker failed", template: "Worker failed to boot | ImportError: <str>"))
    }

    @Test func podsAreTaggedByTheirRandomSuffixInAColourThatStays() {
        #expect(LiveTag.short("users-api-7d9f8c6b5-x1k2p") == "x1k2p")
        #expect(LiveTag.short("web-12") == "web-12")
        #expect(LiveTag.short("postgres-primary-0") == "primary-0")
        // A ReplicaSet's random suffix that happens to be all digits is still its suffix (a test
        // at 80 cols once saw a 10-wide tag column from one); a StatefulSet's ordinal is not one.
        #expect(LiveTag.short("users-api-7d9f8c6b5-24567") == "24567")
        #expect(LiveTag.short("users-api-3823408412-99642") == "99642")
        #expect(LiveTag.short("kafka-broker-10234") == "broker-10234")
        #expect(LiveTag.short("redis-cache-12") == "cache-12")
        #expect(LiveTag.short("a") == "a")
        #expect(LiveTag.colour("users-api-7d9f8c6b5-x1k2p", count: 6) == LiveTag.colour("users-api-7d9f8c6b5-x1k2p", count: 6))
        let colours = Set((0..<40).map { LiveTag.colour("api-7d9f8-pod\($0)", count: 6) })
        #expect(colours.count > 3, "forty pods spread over the colours")
        #expect(LiveTag.side(isNew: true) == "+" && LiveTag.side(isNew: false) == "-")
    }

    @Test func aRecordedLineGivesItsPodContainerAndKubectlsTime() {
        var r = PrefixedLineReader()
        let got = r.read("[pod/api-7d9f8-x1k2p/api] 2026-11-26T10:00:02.500000000Z ERROR GET /users/1 500 9ms", receivedAt: 0)
        #expect(got.pod == "api-7d9f8-x1k2p")
        #expect(got.container == "api")
        #expect(got.time == Self.t + 2.5)
        #expect(got.line.isError)
        #expect(got.line.text == "ERROR GET /users/1 500 9ms")
        let bare = r.read("no prefix here", receivedAt: 42)
        #expect(bare.pod == "" && bare.time == 42)
    }
}
