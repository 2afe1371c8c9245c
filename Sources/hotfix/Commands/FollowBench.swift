import ArgumentParser
import Foundation
import HotfixEngine
import HotfixRuntime

/// `hotfix _follow-bench`: DEPLOY's rollout and monitoring window against a cluster (the
/// simulated one, for `scripts/bench-follow`), through kubectl proxy or one kubectl per
/// container, recording every line the monitor received (pod, container, timestamp, a hash of
/// the text) so a script can count lines lost or doubled against what the pods wrote.
struct FollowBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "_follow-bench",
        abstract: "Roll out and follow every pod's logs for a window, recording what arrived (for scripts/bench-follow).",
        shouldDisplay: false)

    @Option var kubeconfig: String
    @Option var image: String = "registry/app:hotfix-bench"
    @Option var deployment: String = "app"
    @Option var container: String = "app"
    @Option(help: "Seconds of monitoring after the warm-up.") var window: Double = 60
    @Option var warmup: Double = 5
    @Option(help: "proxy (one kubectl proxy) or kubectl (one kubectl per container).") var mode: String = "proxy"
    @Option(help: "Where the received lines are written (TSV).") var record: String
    @Option(help: "A private folder for kubectl's HOME, cache and the proxy's socket.") var home: String

    func run() async throws {
        guard ["proxy", "kubectl"].contains(mode) else { throw HotfixError.usage("--mode is proxy or kubectl") }
        guard let out = FileHandle(forWritingAtPath: record) ?? (FileManager.default.createFile(atPath: record, contents: nil) ? FileHandle(forWritingAtPath: record) : nil) else {
            throw HotfixError.usage("cannot write \(record)")
        }
        let target = KubeTarget(kubeconfig: kubeconfig, cacheDir: home + "/cache")
        let kubectl = Kubectl(target: target, runner: ProcessRunner(environment: ["HOME": home]))
        let settings = DeployPlan.Settings(image: image, build: [], push: [], deployment: deployment, container: container, target: target,
                                           window: window, warmup: warmup, interval: 10, rolloutTimeout: 300)
        let recorder = Recorder(out)
        let notices = NoticeCount()
        var runner = DeployRunner(plan: DeployPlan(settings), kubectl: kubectl, root: home, clock: SystemClock(), baselineLookback: 10,
                                  journal: { _ in }, progress: { p in if case .notice(let t) = p { notices.add(t) } })
        runner.followThroughProxy = mode == "proxy"
        runner.proxyDirectory = home
        runner.lineReaders.add(recorder)
        let started = Date()
        let verdict = try await runner.run()
        let seconds = Date().timeIntervalSince(started)
        recorder.finish()
        let (lines, first) = recorder.totals
        // One line of figures for the script, then the notices (drops, restarts) by kind.
        print("lines \(lines) seconds \(String(format: "%.2f", seconds)) first \(String(format: "%.3f", first)) verdict \(verdict.outcome.rawValue)")
        for (text, count) in notices.summary { print("notice \(count)x \(text)") }
    }

    /// Writes `pod container seconds nanos hash` per line and `first pod container arrival` per source.
    final class Recorder: LogSink, @unchecked Sendable {
        private let lock = NSLock()
        private let out: FileHandle
        private var buffer: [UInt8] = []
        private var seen = Set<LogSource>()
        private var lines = 0
        private var firstArrival = Double.infinity

        init(_ out: FileHandle) { self.out = out }

        func receive(_ batch: LogBatch) {
            let now = Date().timeIntervalSince1970
            lock.withLock {
                let key = "\(batch.source.pod)\t\(batch.source.container)"
                if seen.insert(batch.source).inserted {
                    buffer += Array("first\t\(key)\t\(String(format: "%.6f", now))\n".utf8)
                }
                firstArrival = min(firstArrival, now)
                batch.forEach { text, ts in
                    var h: UInt64 = 0xcbf2_9ce4_8422_2325
                    for b in text { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
                    buffer += Array("\(key)\t\(ts.seconds)\t\(ts.nanos)\t\(String(h, radix: 16))\n".utf8)
                    lines += 1
                }
                if buffer.count > 1 << 20 { flush() }
            }
        }

        private func flush() {
            out.write(Data(buffer))
            buffer.removeAll(keepingCapacity: true)
        }

        func finish() { lock.withLock { flush(); try? out.close() } }

        var totals: (Int, Double) { lock.withLock { (lines, firstArrival) } }
    }

    /// Counts notices by their text up to the first colon or digit run (drops, restarts…).
    final class NoticeCount: @unchecked Sendable {
        private let lock = NSLock()
        private var counts: [String: Int] = [:]
        func add(_ text: String) {
            let kind = text.replacingOccurrences(of: #"[0-9a-z]+-[0-9a-z]{5,}(-[0-9a-z]{5})?"#, with: "POD", options: .regularExpression)
            lock.withLock { counts[String(kind.prefix(90)), default: 0] += 1 }
        }
        var summary: [(String, Int)] { lock.withLock { counts.sorted { $0.value > $1.value } } }
    }
}
