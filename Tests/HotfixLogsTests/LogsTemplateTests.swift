import HotfixLogs
import Testing

/// Error templates: variable parts masked, similar messages joined, new ones recognised.
@Suite struct LogsTemplateTests {
    @Test func variablePartsAreMasked() {
        #expect(Masking.tokens("Timeout after 3000ms connecting to 10.0.0.5:5432") == ["Timeout", "after", "<num>ms", "connecting", "to", "<ip>"])
        #expect(Masking.tokens("order 550e8400-e29b-41d4-a716-446655440000 failed at 0x7ffd12ab") == ["order", "<uuid>", "failed", "at", "<hex>"])
        #expect(Masking.tokens("GET /users/123/orders/9f8e7d6c5b HTTP/1.1") == ["GET", "/users/<id>/orders/<id>", "HTTP/<id>"])
        #expect(Masking.tokens("KeyError: 'user_id' for \"Jane Doe\"") == ["KeyError:", "<str>", "for", "<str>"])
        #expect(Masking.tokens("user=alice attempt=3 (commit deadbeef42)") == ["user=alice", "attempt=<num>", "(commit", "<hex>)"])
        #expect(Masking.tokens("can't reach db") == ["can't", "reach", "db"], "an apostrophe inside a word is not a quote")
    }

    @Test func similarMessagesShareATemplate() throws {
        var miner = TemplateMiner()
        let a = miner.learn("Database timeout after 3000ms on shard 3", pod: "api-a")
        let b = miner.learn("Database timeout after 2500ms on shard 12", pod: "api-b")
        let c = miner.learn("User alice not found", pod: "api-a")
        let d = miner.learn("User bob not found", pod: "api-a")
        #expect(a == b)
        #expect(c == d)
        #expect(a != c)
        let ranked = miner.ranked
        #expect(ranked.count == 2)
        #expect(ranked.map(\.count) == [2, 2])
        let user = try #require(miner.clusters.first { $0.id == c })
        #expect(user.template == "User <*> not found")
        #expect(user.pods == ["api-a"])
        let db = try #require(miner.clusters.first { $0.id == a })
        #expect(db.pods == ["api-a", "api-b"])
    }

    @Test func judgeModeFindsKnownAndNewTemplatesWithoutLearning() {
        var baseline = TemplateMiner()
        baseline.learn("Database timeout after 3000ms")
        #expect(baseline.match("Database timeout after 1200ms") != nil)
        #expect(baseline.match("Unhandled exception | KeyError: 'user_id'") == nil)
        #expect(baseline.clusters.count == 1)
        #expect(baseline.clusters[0].count == 1, "judging changes nothing")
    }

    @Test func theTableIsBounded() {
        var miner = TemplateMiner(maxClusters: 3)
        for word in ["alpha", "bravo", "charlie", "delta", "echo"] {
            miner.learn("\(word) exploded badly here now")
            miner.learn("\(word) \(word) \(word)")
        }
        #expect(miner.clusters.count == 3)
        #expect(miner.overflow > 0)
    }

    @Test func mergingPartsKeepsCounts() {
        var a = TemplateMiner(), b = TemplateMiner()
        a.learn("Database timeout after 3000ms", pod: "p1")
        b.learn("Database timeout after 100ms", pod: "p2")
        b.learn("Disk full on /var/lib/data")
        a.merge(b)
        #expect(a.ranked.first?.count == 2)
        #expect(a.ranked.first?.pods == ["p1", "p2"])
        #expect(a.clusters.count == 2)
    }
}
