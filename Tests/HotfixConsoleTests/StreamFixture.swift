import Foundation
import HotfixEngine
import HotfixLogs
import HotfixScreen
@testable import HotfixConsole

/// A deploy's pods for the stream: three old pods with the incident's TypeError (1 event in 16)
/// before the rollout at `deployAt`, then three new pods where the TypeError is gone and a
/// KeyError no baseline had comes with its traceback (1 event in 25); one event every `step` s.
enum StreamFixture {
    static let oldPods = ["users-api-6f7c9d8b4-q8w2e", "users-api-6f7c9d8b4-z4r5t", "users-api-6f7c9d8b4-m1n2b"]
    static let newPods = ["users-api-7d9f8c6b5-x1k2p", "users-api-7d9f8c6b5-c3v4b", "users-api-7d9f8c6b5-h7j9k"]

    static func inputs(from: Double, deployAt: Double, until: Double, step: Double = 0.5) -> [MonitorInput] {
        var out: [MonitorInput] = []
        var i = 0
        var t = from
        var started = false
        while t < until {
            let at = IncidentFixture.t0 + t
            let stamp = Durations.iso(at)
            let user = 100 + (i * 37) % 900
            let old = t < deployAt
            if !old && !started {
                out.append(.deployStarted(at: (IncidentFixture.t0 + deployAt).timeIntervalSince1970))
                started = true
            }
            let pod = (old ? oldPods : newPods)[i % 3]
            let prefix = "[pod/\(pod)/api] \(stamp) "
            var lines: [String]
            if old && i % 16 == 5 {
                lines = ["ERROR GET /users/\(user) 500 31ms TypeError: 'NoneType' object is not subscriptable"]
            } else if !old && i % 25 == 7 {
                lines = ["ERROR POST /users/\(user) 500 44ms KeyError: 'email' in serialize_user", "Traceback (most recent call last):",
                         "  File \"/app/app/serializers.py\", line 41, in serialize_user", "KeyError: 'email'"]
            } else if i % 97 == 50 {
                lines = ["WARN GET /users/\(user) 404 \(12 + i % 9)ms not found"]
            } else {
                lines = ["INFO GET /users/\(user) 200 \(12 + i % 9)ms"]
            }
            for text in lines { out.append(.line(prefix + text, old ? .baseline : .hotfix, at: at.timeIntervalSince1970)) }
            i += 1
            t += step
        }
        return out
    }

    /// The pod watch's view of the same pods at `seconds` after t0: old ones gone after the rollout.
    static func pods(at seconds: Double, deployAt: Double) -> [StreamPodUpdate] {
        let t = IncidentFixture.t0.timeIntervalSince1970
        return oldPods.map { StreamPodUpdate(name: $0, isNew: false, created: t + 1500, deleted: seconds > deployAt + 60) }
            + newPods.enumerated().map { StreamPodUpdate(name: $1, isNew: true, created: t + deployAt + 5 + Double($0) * 7) }
    }

    /// A console in DEPLOY at `now` seconds after t0 (the window began at 2800 s, set image then),
    /// with the pods' lines from 2700 s on.
    static func model(now: Double, size: Size, journalUntil: Double = 2800) -> ConsoleModel {
        var model = IncidentFixture.model(events: journalUntil, now: now, size: size)
        model.streamCapacity = 10_000
        _ = model.update(.monitor(inputs(from: 2700, deployAt: 2800, until: now)))
        _ = model.update(.stream(StreamChunk(pods: pods(at: now, deployAt: 2800))))
        _ = model.update(.tick(IncidentFixture.t0 + now))
        return model
    }

    /// A key, then a frame's update.
    static func press(_ model: inout ConsoleModel, _ keys: Key...) {
        for key in keys { _ = model.update(.key(key)) }
    }

    static func type(_ model: inout ConsoleModel, _ text: String) {
        for ch in text { _ = model.update(.key(.char(ch))) }
    }
}
