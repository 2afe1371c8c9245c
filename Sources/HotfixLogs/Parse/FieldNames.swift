/// The field names the parser knows in JSON and logfmt, and the names that say a latency.
extension Words {
    /// The fields the parser looks for in JSON and logfmt.
    enum Key: Equatable {
        case level, status, time, message, error, http, other
        case latency(Unit)
    }

    /// The unit a latency value is in when it carries none.
    enum Unit: Equatable { case guess, ns, us, ms, s }

    static func key(_ p: UnsafeRawBufferPointer, _ s: Int, _ e: Int) -> Key {
        func eq(_ word: StaticString) -> Bool {
            guard word.utf8CodeUnitCount == e - s else { return false }
            let w = word.utf8Start
            for k in 0..<(e - s) where p[s + k] != w[k] { return false }
            return true
        }
        switch e - s {
        case 2: if eq("ts") { return .time }
        case 3:
            if eq("lvl") { return .level }
            if eq("msg") { return .message }
            if eq("err") { return .error }
        case 4:
            if eq("time") { return .time }
            if eq("code") { return .status }
            if eq("took") { return .latency(.guess) }
            if eq("http") { return .http }
        case 5:
            if eq("level") { return .level }
            if eq("error") { return .error }
            if eq("event") { return .message }
            if eq("stack") { return .error }
        case 6: if eq("status") { return .status }
        case 7:
            if eq("message") { return .message }
            if eq("latency") { return .latency(.guess) }
            if eq("elapsed") { return .latency(.guess) }
            if eq("took_ms") { return .latency(.ms) }
            if eq("asctime") { return .time }
        case 8:
            if eq("severity") { return .level }
            if eq("duration") { return .latency(.guess) }
            if eq("exc_info") { return .error }
        case 9:
            if eq("timestamp") { return .time }
            if eq("levelname") { return .level }
            if eq("log.level") { return .level }
            if eq("exception") { return .error }
        case 10:
            if eq("latency_ms") { return .latency(.ms) }
            if eq("elapsed_ms") { return .latency(.ms) }
            if eq("latency_us") { return .latency(.us) }
            if eq("@timestamp") { return .time }
            if eq("statusCode") { return .status }
            if eq("stacktrace") { return .error }
        case 11:
            if eq("status_code") { return .status }
            if eq("duration_ms") { return .latency(.ms) }
            if eq("http_status") { return .status }
            if eq("http.status") { return .status }
            if eq("stack_trace") { return .error }
            if eq("duration_ns") { return .latency(.ns) }
        case 12:
            if eq("request_time") { return .latency(.s) }
            if eq("responseTime") { return .latency(.guess) }
        case 13: if eq("response_time") { return .latency(.guess) }
        case 16: if eq("http.status_code") { return .status }
        case 25: if eq("http.response.status_code") { return .status }
        default: break
        }
        // For speed: most other names (caller, method, path…) are ruled out by their last letter
        // and length, without a call.
        switch e > s ? p[e - 1] | 0x20 : 0 {
        case 0x73: return e - s >= 4 ? latencyKey(p, s, e) : .other  // …_ms, …Ms
        case 0x79, 0x64: return e - s >= 9 ? latencyKey(p, s, e) : .other  // ….latency, …_elapsed
        case 0x6E: return e - s >= 10 ? latencyKey(p, s, e) : .other  // …_duration
        default: return .other
        }
    }

    /// Field names not in the table that still name a request's latency: `*_ms` / `*Ms`
    /// (`request_duration_ms`, `upstreamMs`) and names ending in `latency`, `duration` or
    /// `elapsed` after a `.` or `_` (`http.duration`). A name that says it is a limit or a wait
    /// (`timeout_ms`, `retry_after_ms`, `backoff_ms`) is not a latency.
    @inline(never)  // rarely reached: kept out of `key`, which every JSON and logfmt field goes through
    static func latencyKey(_ p: UnsafeRawBufferPointer, _ s: Int, _ e: Int) -> Key {
        let len = e - s
        guard len >= 4 && len <= 48 else { return .other }
        // For speed (JSON lines carry several other keys: caller, method, path…): the last letter
        // and the length rule out most names before any word is compared.
        var stemEnd = e
        var unit = Unit.guess
        switch p[e - 1] | 0x20 {
        case 0x73:  // …_ms, …Ms
            guard p[e - 2] | 0x20 == 0x6D, p[e - 3] == 0x5F || p[e - 2] == 0x4D else { return .other }
            stemEnd = p[e - 3] == 0x5F ? e - 3 : e - 2
            unit = .ms
        case 0x79: guard len >= 9, endsWord(p, s, e, "latency") else { return .other }
        case 0x6E: guard len >= 10, endsWord(p, s, e, "duration") else { return .other }
        case 0x64: guard len >= 9, endsWord(p, s, e, "elapsed") else { return .other }
        default: return .other
        }
        let stem = lowercased(UnsafeRawBufferPointer(rebasing: p[s..<stemEnd]))
        for word in ["timeout", "retry", "backoff", "delay", "interval", "wait", "sleep", "ttl", "after", "deadline", "limit"] where stem.contains(word) {
            return .other
        }
        return .latency(unit)
    }

    /// Whether `p[s..<e]` ends with `.word` or `_word` (letters in any case).
    private static func endsWord(_ p: UnsafeRawBufferPointer, _ s: Int, _ e: Int, _ word: StaticString) -> Bool {
        let w = word.utf8Start, n = word.utf8CodeUnitCount
        guard e - s > n, p[e - n - 1] == 0x2E || p[e - n - 1] == 0x5F else { return false }
        for k in 0..<n where p[e - n + k] | 0x20 != w[k] { return false }
        return true
    }

    /// ASCII letters lowered (field names only; short).
    private static func lowercased(_ b: UnsafeRawBufferPointer) -> String {
        String(decoding: b.map { $0 &- 0x41 < 26 ? $0 | 0x20 : $0 }, as: UTF8.self)
    }
}
