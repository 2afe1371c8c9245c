import Foundation

/// What a container prints: a deterministic function of the pod, its run and time, so that any
/// range of a log can be served again identically (resume, `previous`, `tailLines`) and tests can
/// compare what a follower saw with what the pod wrote.
struct LogGenerator: Sendable {
    enum Behaviour: Sendable { case baseline, fixed, newError, crash, quiet, slow }

    var seed: UInt64
    var behaviour: Behaviour
    var image: String
    var pod: String
    /// Events per real second.
    var eventsPerSecond: Double
    /// Real seconds a crashing run lasts.
    var crashAfter: Double
    /// A sidecar's log: one access line per request the pod's first container serves.
    var sidecar = false

    struct Line: Sendable, Equatable {
        var time: Date
        var text: String
    }

    /// The lines of the run that started at `start`, with times in [from, to).
    func lines(runStart start: Date, run: Int, from: Date, to: Date) -> [Line] {
        var out: [Line] = []
        let quiet = behaviour == .quiet || (sidecar && behaviour == .crash)
        let rate = quiet ? eventsPerSecond * 0.02 : eventsPerSecond
        let startLines = sidecar ? ["INFO envoy proxy ready, upstream 127.0.0.1:8000"] : startup(run: run)
        for (j, text) in startLines.enumerated() {
            let t = start.addingTimeInterval(Double(j) * 0.000_1)
            if t >= from && t < to { out.append(Line(time: t, text: stamp(t) + text)) }
        }
        if behaviour == .crash && !sidecar {
            let crashAt = start.addingTimeInterval(crashAfter)
            if crashAt >= from && crashAt < to {
                for (j, text) in crash().enumerated() {
                    out.append(Line(time: crashAt.addingTimeInterval(Double(j) * 0.000_001), text: (j == 0 ? stamp(crashAt) : "") + text))
                }
            }
            return out
        }
        let body0 = start.addingTimeInterval(0.001)
        let firstIndex = max(0, Int(floor(from.timeIntervalSince(body0) * rate)) - 1)
        var i = firstIndex
        while true {
            let h = Double(mix(UInt64(i), UInt64(run)) % 1000) / 1000
            let t = body0.addingTimeInterval((Double(i) + 0.8 * h) / rate)
            if t >= to { break }
            if t >= from && sidecar {
                out.append(Line(time: t, text: access(i, run: run, time: t)))
            } else if t >= from {
                for (j, text) in event(i, run: run, time: t).enumerated() {
                    out.append(Line(time: t.addingTimeInterval(Double(j) * 0.000_001), text: text))
                }
            }
            i += 1
        }
        return out
    }

    /// When a crashing run ends (nil for the others).
    func runEnd(runStart: Date) -> Date? {
        behaviour == .crash ? runStart.addingTimeInterval(crashAfter + 0.000_01) : nil
    }

    func startup(run: Int) -> [String] {
        [
            "INFO Starting app \(image) (pid 1, restart \(run))",
            "INFO Listening at: http://0.0.0.0:8000",
            "INFO Booting worker with pid: \(7 + run)",
        ]
    }

    func crash() -> [String] {
        [
            "CRITICAL Worker failed to boot: ImportError: cannot import name 'UserCache' from 'app.cache'",
            "Traceback (most recent call last):",
            "  File \"/app/app/__init__.py\", line 12, in <module>",
            "    from app.cache import UserCache",
            "ImportError: cannot import name 'UserCache' from 'app.cache' (/app/app/cache.py)",
        ]
    }

    static let paths = ["/users/{id}", "/users/{id}/orders", "/health", "/orders/{id}", "/users/{id}", "/search"]
    static let methods = ["GET", "GET", "GET", "GET", "POST", "GET"]

    /// The sidecar's access line for request `i`: the same request as the first container's, its
    /// status and a millisecond more.
    func access(_ i: Int, run: Int, time: Date) -> String {
        let r = mix(UInt64(i), UInt64(run) &+ 0x9E37)
        let u = Double(r % 10_000) / 10_000
        let incident = behaviour == .baseline && i % 16 == 5
        let newError = behaviour == .newError && i % 25 == 7
        let pick = incident ? 0 : newError ? 4 : Int((r >> 20) % UInt64(Self.paths.count))
        let path = Self.paths[pick].replacingOccurrences(of: "{id}", with: String(100 + Int((r >> 32) % 9000)))
        let status = incident || newError ? 500 : u > 0.997 ? 404 : 200
        let z = Double((r >> 40) % 10_000) / 10_000
        var latency = 40 * exp(0.65 * Self.probit(max(0.0001, min(0.9999, z))))
        if behaviour == .slow { latency = latency * 4.5 + 120 }
        return stamp(time) + "INFO envoy \(Self.methods[pick]) \(path) \(status) \(Int(latency.rounded()) + 1)ms upstream=127.0.0.1:8000"
    }

    func event(_ i: Int, run: Int, time: Date) -> [String] {
        let r = mix(UInt64(i), UInt64(run) &+ 0x9E37)
        let u = Double(r % 10_000) / 10_000
        // The incident and the new error come at a fixed stride (every 16th and 25th event), not
        // at random: every window of a pod's log then has the same rate, so a scenario's verdict
        // does not depend on which seconds the monitoring window happened to see.
        let incident = behaviour == .baseline && i % 16 == 5
        let newError = behaviour == .newError && i % 25 == 7
        let pick = incident ? 0 : newError ? 4 : Int((r >> 20) % UInt64(Self.paths.count))
        let id = 100 + Int((r >> 32) % 9000)
        let path = Self.paths[pick].replacingOccurrences(of: "{id}", with: String(id))
        let method = Self.methods[pick]
        let req = String(format: "%@-%06d", String(pod.suffix(5)), i)
        // Log-normal-ish latency: median about 40 ms, p99 about 180 ms; slow multiplies it.
        let z = Double((r >> 40) % 10_000) / 10_000
        var latency = 40 * exp(0.65 * Self.probit(max(0.0001, min(0.9999, z))))
        if behaviour == .slow { latency = latency * 4.5 + 120 }
        let ms = "\(Int(latency.rounded()))ms"
        let prefix = stamp(time)
        // The incident: GET /users/{id} fails on 1 event in 16 (about 6 % of all requests); the
        // new error: POST /users/{id} on 1 in 25 (4 %).
        if incident {
            return [
                prefix + "ERROR \(method) \(path) 500 \(ms) req=\(req) AttributeError: 'NoneType' object has no attribute 'id' in get_user",
                "Traceback (most recent call last):",
                "  File \"/app/app/views.py\", line 88, in get_user",
                "    return jsonify(id=user.id, name=user.name)",
                "AttributeError: 'NoneType' object has no attribute 'id'",
            ]
        }
        if newError {
            return [
                prefix + "ERROR \(method) \(path) 500 \(ms) req=\(req) KeyError: 'email' in serialize_user",
                "Traceback (most recent call last):",
                "  File \"/app/app/serializers.py\", line 41, in serialize_user",
                "    return {\"id\": user.id, \"email\": fields[\"email\"]}",
                "KeyError: 'email'",
            ]
        }
        if u > 0.997 {
            return [prefix + "WARN \(method) \(path) 404 \(ms) req=\(req) not found"]
        }
        return [prefix + "INFO \(method) \(path) 200 \(ms) req=\(req)"]
    }

    func stamp(_ t: Date) -> String {
        Self.appTime(t) + " "
    }

    /// The application's own timestamp: "2026-11-26 10:41:02,123".
    static func appTime(_ t: Date) -> String {
        var secs = time_t(floor(t.timeIntervalSince1970))
        var tmv = tm()
        gmtime_r(&secs, &tmv)
        let ms = Int((t.timeIntervalSince1970 - floor(t.timeIntervalSince1970)) * 1000)
        return String(format: "%04d-%02d-%02d %02d:%02d:%02d,%03d", Int(tmv.tm_year) + 1900, Int(tmv.tm_mon) + 1, Int(tmv.tm_mday),
                      Int(tmv.tm_hour), Int(tmv.tm_min), Int(tmv.tm_sec), ms)
    }

    func mix(_ a: UInt64, _ b: UInt64) -> UInt64 {
        var x = seed &+ a &* 0x9E37_79B9_7F4A_7C15 &+ b &* 0xC2B2_AE3D_27D4_EB4F
        x = (x ^ (x >> 30)) &* 0xBF58_476D_1CE4_E5B9
        x = (x ^ (x >> 27)) &* 0x94D0_49BB_1331_11EB
        return x ^ (x >> 31)
    }

    /// An approximation of the standard normal quantile (Acklam's would be overkill here).
    static func probit(_ p: Double) -> Double {
        let t = sqrt(-2 * log(p < 0.5 ? p : 1 - p))
        let x = t - (2.515517 + 0.802853 * t + 0.010328 * t * t) / (1 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t * t * t)
        return p < 0.5 ? -x : x
    }

    static func hash(_ s: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in s.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h
    }
}
