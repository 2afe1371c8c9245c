import ArgumentParser
import Foundation
import HotfixConsole
import HotfixEngine
import HotfixLogs
import HotfixRuntime
import HotfixScreen
#if canImport(Glibc)
import Glibc
#endif

/// `hotfix _console-bench`: the console's model under the follower's load at scale, without a
/// cluster or a terminal. A producer thread hands every container's lines to the verdict's
/// monitor and the stream's inbox, as the deploy's readers get them; a runner thread posts the
/// monitor's model twice a second, as the deploy does; a key thread presses keys; the loop thread
/// takes the inbox once per beat, updates the model, renders the screen and diffs it with the
/// last frame (what the terminal layer does before ncurses writes). Prints frame times, input
/// latency and memory (for `scripts/bench-console-stream`).
struct ConsoleBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "_console-bench",
        abstract: "Feed the console's model the follower's load and print frame time, input latency and memory.",
        shouldDisplay: false)

    @Option(help: "Lines a second, all containers together.") var rate: Double = 20_000
    @Option(help: "How long, in seconds.") var seconds: Double = 30
    @Option(help: "Pods (each with an app and a proxy container), half of them old.") var pods: Int = 100
    @Option(help: "stream (this design) or old (the monitoring panel only, no stream: before issue 15).") var design: String = "stream"
    @Option(help: "The terminal's size, WxH.") var size: String = "160x48"
    @Option(help: "logs.history") var history: Int = 10_000

    func run() async throws {
        guard ["stream", "old"].contains(design) else { throw HotfixError.usage("--design is stream or old") }
        let parts = size.split(separator: "x").compactMap { Int($0) }
        guard parts.count == 2, parts[0] >= 80, parts[1] >= 24 else { throw HotfixError.usage("--size is WxH, at least 80x24") }
        let bench = StreamBench(rate: rate, seconds: seconds, pods: max(2, pods), stream: design == "stream",
                                size: Size(width: parts[0], height: parts[1]), history: history)
        print(bench.run().joined(separator: "\n"))
    }
}

/// The measured run (see `ConsoleBench`).
final class StreamBench: @unchecked Sendable {
    let rate: Double, seconds: Double, pods: Int, stream: Bool, size: Size, history: Int
    private let lock = NSCondition()
    private var posted: [(ConsoleMessage, Double)] = []
    private var done = false

    init(rate: Double, seconds: Double, pods: Int, stream: Bool, size: Size, history: Int) {
        self.rate = rate; self.seconds = seconds; self.pods = pods; self.stream = stream; self.size = size; self.history = history
    }

    static func now() -> Double { ProcessInfo.processInfo.systemUptime }

    func post(_ m: ConsoleMessage) {
        lock.lock()
        posted.append((m, Self.now()))
        lock.signal()
        lock.unlock()
    }

    func run() -> [String] {
        let t0 = Date()
        var model = Self.deployingModel(now: t0, size: size)
        model.streamCapacity = history
        let inbox = StreamInbox(capacity: history) { [self] in lock.lock(); lock.signal(); lock.unlock() }
        var config = MonitorConfig()
        config.bucketSeconds = 10
        config.policy.warmupSeconds = 5
        config.policy.windowSeconds = seconds
        let monitor = BenchMonitor(MonitorModel(config: config, deployedAt: t0.timeIntervalSince1970))
        let sinks = LogFanout([monitor] + (stream ? [BenchInboxSink(inbox: inbox)] : []))
        let end = Self.now() + seconds
        let producer = Thread { [self] in produce(into: sinks, until: end, start: t0.timeIntervalSince1970) }
        let runner = Thread { [self] in
            while Self.now() < end {
                usleep(500_000)
                post(.monitorModel(monitor.judged(at: Date().timeIntervalSince1970)))
            }
        }
        let keys = Thread { [self] in pressKeys(until: end) }
        for t in [producer, runner, keys] { t.start() }

        var frames: [Double] = [], latencies: [Double] = [], peakRSS = Self.rss()
        var beat = StreamBeat()
        var previous: CellBuffer?
        var nextTick = Self.now() + 1
        var changedCells = 0
        while Self.now() < end + 0.2 {
            lock.lock()
            let wait = min(nextTick, Self.now() + (beat.wait(pending: inbox.hasPending, now: Self.now()) ?? 1))
            while posted.isEmpty && Self.now() < wait && !(inbox.hasPending && beat.wait(pending: true, now: Self.now()) == 0) {
                _ = lock.wait(until: Date(timeIntervalSinceNow: max(0.001, wait - Self.now())))
            }
            let batch = posted
            posted = []
            lock.unlock()
            let started = Self.now()
            var messages = batch.map(\.0)
            if started >= nextTick { messages.append(.tick(Date())); nextTick += 1 }
            if beat.take(pending: inbox.hasPending, now: started) { messages.append(.stream(inbox.take())) }
            guard !messages.isEmpty else { continue }
            for m in messages { _ = model.update(m) }
            let buf = Screen.render(model)
            changedCells += Self.diff(buf, previous)
            previous = buf
            let finished = Self.now()
            frames.append(finished - started)
            for (m, at) in batch { if case .key = m { latencies.append(finished - at) } }
            peakRSS = max(peakRSS, Self.rss())
        }
        for t in [producer, runner, keys] { while t.isExecuting { usleep(10_000) } }
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        let received = model.stream?.received ?? 0
        let ingested = monitor.lines
        func ms(_ xs: [Double], _ q: Double) -> String {
            guard !xs.isEmpty else { return "–" }
            let sorted = xs.sorted()
            return String(format: "%.2f", sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * q))] * 1000)
        }
        return [
            "design \(stream ? "stream" : "old") size \(size.width)x\(size.height) rate \(Int(rate)) containers \(pods * 2) seconds \(Int(seconds)) history \(history)",
            "lines produced \(ingested) (\(Int(Double(ingested) / seconds))/s) verdict read \(ingested) stream received \(received) kept \(model.stream?.kept ?? 0) skipped \(model.stream?.skipped ?? 0)",
            "frames \(frames.count) (\(String(format: "%.1f", Double(frames.count) / seconds))/s) frame ms median \(ms(frames, 0.5)) p99 \(ms(frames, 0.99)) max \(ms(frames, 1))",
            "input latency ms median \(ms(latencies, 0.5)) p99 \(ms(latencies, 0.99)) max \(ms(latencies, 1)) keys \(latencies.count)",
            "cells changed per frame \(frames.isEmpty ? 0 : changedCells / frames.count)",
            "memory peak RSS \(usage.ru_maxrss / 1024) MiB (sampled \(peakRSS / 1024 / 1024) MiB)",
        ]
    }

    /// Every container's lines at `rate` in all, in batches of 50 ms per container.
    func produce(into sink: LogFanout, until end: Double, start: Double) {
        let containers = pods * 2
        let perBatch = rate / Double(containers) / 20
        var owed = [Double](repeating: 0, count: containers)
        // A traceback's lines come one by one like any other line: the rate is of lines.
        var pending = [[String]](repeating: [], count: containers)
        var n = 0
        var tick = Self.now()
        while tick < end {
            for c in 0..<containers {
                owed[c] += perBatch
                let count = Int(owed[c])
                guard count > 0 else { continue }
                owed[c] -= Double(count)
                let pod = c / 2, isNew = pod >= pods / 2
                let name = "users-api-\(isNew ? "7d9f8c6b5" : "6f7c9d8b4")-\(String(format: "%05x", 0x1a2b3 &+ pod &* 7919))"
                var batch = LogBatch(source: LogSource(pod: name, container: c % 2 == 0 ? "app" : "proxy", templateHash: isNew ? "7d9f8c6b5" : "6f7c9d8b4", isNew: isNew))
                let now = Date().timeIntervalSince1970
                let ts = KubeTimestamp(seconds: Int(now), nanos: Int((now - now.rounded(.down)) * 1e9))
                for _ in 0..<count {
                    if pending[c].isEmpty {
                        n &+= 1
                        pending[c] = Self.lines(n, isNew: isNew, sidecar: c % 2 == 1)
                    }
                    batch.append(pending[c].removeFirst(), timestamp: ts)
                }
                sink.receive(batch)
            }
            tick += 0.05
            let wait = tick - Self.now()
            if wait > 0 { usleep(UInt32(wait * 1_000_000)) }
        }
    }

    /// What a pod writes for event `n`: the old pods' TypeError 1 in 16, the new pods' KeyError 1 in 25 with its traceback.
    static func lines(_ n: Int, isNew: Bool, sidecar: Bool) -> [String] {
        let user = 100 + (n &* 37) % 9000, ms = 10 + n % 90
        if sidecar { return ["INFO envoy GET /users/\(user) \(n % 53 == 0 ? 500 : 200) \(ms + 1)ms upstream=127.0.0.1:8000"] }
        if !isNew && n % 16 == 5 { return ["ERROR GET /users/\(user) 500 \(ms)ms TypeError: 'NoneType' object is not subscriptable"] }
        if isNew && n % 25 == 7 {
            return ["ERROR POST /users/\(user) 500 \(ms)ms req=\(n) KeyError: 'email' in serialize_user", "Traceback (most recent call last):",
                    "  File \"/app/app/serializers.py\", line 41, in serialize_user", "KeyError: 'email'"]
        }
        return ["INFO GET /users/\(user) 200 \(ms)ms req=\(n)"]
    }

    /// A key every 250 ms: a filter typed and kept, errors only, old/new, the pod list, marks, pause and follow.
    func pressKeys(until end: Double) {
        let script: [Key] = [.char("/"), .char("K"), .char("e"), .char("y"), .char("E"), .enter, .char("e"), .char("e"), .char("o"), .char("o"),
                             .char("o"), .char("P"), .down, .down, .enter, .char("["), .char("["), .char("]"), .char("f"), .escape,
                             .char(" "), .down, .pageUp, .char(" "), .char("w"), .char("w")]
        var i = 0
        while Self.now() < end - 0.3 {
            usleep(250_000)
            post(.key(script[i % script.count]))
            i += 1
        }
    }

    /// Cells that differ from the last frame (all of them for the first).
    static func diff(_ a: CellBuffer, _ b: CellBuffer?) -> Int {
        guard let b, b.width == a.width, b.height == a.height else { return a.width * a.height }
        var n = 0
        for y in 0..<a.height { for x in 0..<a.width where a[x, y] != b[x, y] { n += 1 } }
        return n
    }

    /// Resident memory now, in bytes.
    static func rss() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
              let pages = text.split(separator: " ").dropFirst().first.flatMap({ Int($0) }) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// A console on an incident in DEPLOY whose image is set: the window is running.
    static func deployingModel(now: Date, size: Size) -> ConsoleModel {
        let id = try! IncidentID("001-bench")
        var bodies: [EventBody] = [.started(Started(id: id, title: "API returns 500 on /users endpoint", severity: .p0, detectedAt: now - 900, budgets: .workflow))]
        var from = Phase.assess
        for to in [Phase.branch, .fix, .test, .deploy] {
            if to == .deploy { bodies += ChecklistItem.allCases.map { .checked(Check(item: $0, status: .passed)) } }
            bodies.append(.phaseChanged(PhaseChange(from: from, to: to)))
            from = to
        }
        bodies += [.deploy(DeployRecord(.baseline, .done, image: "registry/app:1.4.2", revision: 7)),
                   .deploy(DeployRecord(.setImage, .done, image: "registry/app:hotfix-001-bench"))]
        let events = bodies.enumerated().map { Event(seq: $0 + 1, at: now - 60 + Double($0), body: $1) }
        var model = ConsoleModel(events: events, now: now, size: size)!
        model.viewed = .deploy
        return model
    }
}

/// The verdict's reader, as the deploy's monitor sink reads a batch (under its lock, straight from the bytes).
final class BenchMonitor: LogSink, @unchecked Sendable {
    private let lock = NSLock()
    private var model: MonitorModel
    private var count = 0

    init(_ model: MonitorModel) { self.model = model }

    func receive(_ batch: LogBatch) {
        let side: MonitorSide = batch.source.isNew ? .hotfix : .baseline
        lock.withLock {
            batch.forEach { text, ts in model.ingest(body: text, pod: batch.source.pod, container: batch.source.container, side: side, time: ts.time) }
            count += batch.lines.count
        }
    }

    var lines: Int { lock.withLock { count } }

    /// The model as the deploy posts it: open entries mined, then copied.
    func judged(at now: Double) -> MonitorModel {
        lock.withLock {
            model.settle()
            _ = model.verdict(now: now)
            return model
        }
    }
}

/// The stream's reader: the console's inbox, as the deploy's live reader hands it a batch.
struct BenchInboxSink: LogSink {
    let inbox: StreamInbox
    func receive(_ batch: LogBatch) {
        inbox.receive(pod: batch.source.pod, container: batch.source.container, isNew: batch.source.isNew, count: batch.lines.count) { body in
            batch.forEach { body($0, $1.time) }
        }
    }
}
