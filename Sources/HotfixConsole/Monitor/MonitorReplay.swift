import Foundation
import HotfixEngine
import HotfixLogs
import HotfixScreen

/// A recorded deploy played into the console's monitoring window: the baseline file at once,
/// then the new pods' lines at the pace of their timestamps times `speed`, on a virtual clock
/// that starts at the first replayed line (the rollout).
public struct MonitorReplay: Sendable {
    var baseline: [String]
    var lines: [String]
    var speed: Double

    /// Reads the files; a missing or unreadable one is a usage error naming it.
    public static func load(replay: String, baseline: String?, speed: Double) throws(HotfixError) -> MonitorReplay {
        guard speed > 0, speed.isFinite else { throw HotfixError.usage("--speed must be a positive number, not \(speed)") }
        return MonitorReplay(baseline: try baseline.map(read) ?? [], lines: try read(replay), speed: speed)
    }

    static func read(_ path: String) throws(HotfixError) -> [String] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw HotfixError.usage("cannot read the log file \(path)", next: "give a file written by kubectl logs --prefix --timestamps")
        }
        return String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
    }

    /// The RFC 3339 time after an optional `[pod/…] ` prefix, if the line has one.
    static func timestamp(_ line: String) -> Double? {
        var rest = Substring(line)
        if rest.hasPrefix("["), let close = rest.firstIndex(of: "]") { rest = rest[rest.index(after: close)...].drop { $0 == " " } }
        guard let token = rest.split(separator: " ", maxSplits: 1).first else { return nil }
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let d = f.date(from: String(token)) { return d.timeIntervalSince1970 }
        f.formatOptions = [.withInternetDateTime]
        return f.date(from: String(token))?.timeIntervalSince1970
    }

    /// Feeds the mailbox until the lines run out or the task is cancelled.
    public func play(clock: any Clock, post: @Sendable (ConsoleMessage) -> Void) async {
        let wallStart = clock.now.timeIntervalSince1970
        let start = lines.lazy.compactMap(Self.timestamp).first ?? wallStart
        // Lines without a time are spread 50 ms apart on the recorded clock.
        var virtual = start
        post(.monitor(baseline.map { .line($0, .baseline, at: Self.timestamp($0) ?? start) }
                              + [.deployStarted(at: start), .clock(start)]))
        var batch: [MonitorInput] = []
        for line in lines {
            if Task.isCancelled { return }
            virtual = max(virtual, Self.timestamp(line) ?? virtual + 0.05)
            let due = wallStart + (virtual - start) / speed
            let wait = due - clock.now.timeIntervalSince1970
            if wait > 0.05 {
                if !batch.isEmpty { post(.monitor(batch + [.clock(virtual)])); batch = [] }
                try? await Task.sleep(for: .seconds(wait))
            }
            batch.append(.line(line, .hotfix, at: virtual))
        }
        post(.monitor(batch + [.clock(virtual)]))
        // Then the window's clock keeps running at the replay's speed until it is over.
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(1))
            virtual += speed
            post(.monitor([.clock(virtual)]))
            if virtual > start + 3600 { return }
        }
    }
}
