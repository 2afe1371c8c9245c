import Foundation
import HotfixEngine

/// One application line from a followed container.
public struct FollowedLine: Sendable, Equatable {
    public var pod: String
    public var container: String
    public var templateHash: String
    /// True for pods of another template than the baseline's (the hotfix).
    public var isNew: Bool
    public var timestamp: KubeTimestamp
    public var text: String

    /// The line as `kubectl logs --prefix --timestamps` prints it (what the log pipeline parses).
    public var kubectlLine: String { "[pod/\(pod)/\(container)] \(timestamp) \(text)" }
}

/// What a follower reports besides the lines (which go to its `LogSink`), in order per container.
public enum FollowEvent: Sendable, Equatable {
    /// A pod appeared or changed (phase, readiness, restarts, waiting reason, deletion).
    case pod(PodState, isNew: Bool)
    case podDeleted(String)
    /// A tail started (`resumed` when it continues an earlier one).
    case tailStarted(pod: String, container: String, resumed: Bool)
    /// A tail ended; `dropped` when kubectl reported the connection cut (`error: unexpected EOF`).
    case tailEnded(pod: String, container: String, exitCode: Int32, dropped: Bool)
    /// kubectl said something on stderr (never an application line).
    case kubectlMessage(pod: String?, text: String)
    /// The pod watch ended and is being restarted.
    case watchRestarted(exitCode: Int32)
    /// The API server no longer had the watch's resourceVersion (410 Gone): the pods are listed again.
    case watchExpired
    /// The proxy a follower streams through exited by itself and is being restarted.
    case proxyRestarted(String)
    /// The pod watch failed (kubectl missing, unauthorized, cluster unreachable…); it is retried.
    case watchFailed(HotfixError)
}

/// Follows every container of the pods of a selector with one kubectl per container (the
/// fallback when `kubectl proxy` cannot start): a pod watch (`get pods -l SEL -w
/// --output-watch-events -o json`, restarted when it exits), one `logs -f --timestamps` tail per
/// running container, restarted from the last timestamp when it ends while its pod still runs,
/// without repeating lines. Each kubectl holds about 46 MiB: fine for a few pods, not for 200
/// containers.
public final class LogFollower: PodLogFollowing, @unchecked Sendable {
    public let lineCap: Int
    public let kubectl: Kubectl
    public let selector: String
    /// The baseline's pod-template-hash: other hashes are the new pods.
    public let baselineHash: String?
    /// Where pods that already run at the start are read from (nil: their whole log).
    public let since: Date?

    struct Tail {
        var last: KubeTimestamp?
        /// Lines already delivered with timestamp `last`.
        var countAtLast = 0
        var active = false
        var task: Task<Void, Never>?
        var starts = 0
    }

    private let lock = NSLock()
    private var pods: [String: PodState] = [:]
    private var tails: [String: Tail] = [:]
    private var watchTask: Task<Void, Never>?
    private var stopped = false
    private var startedAt = Date()
    private var continuation: AsyncStream<FollowEvent>.Continuation?
    private var sink: any LogSink = LogFanout()

    public init(kubectl: Kubectl, selector: String, baselineHash: String?, since: Date? = nil, lineCap: Int = 16_384) {
        self.kubectl = kubectl
        self.selector = selector
        self.baselineHash = baselineHash
        self.since = since
        self.lineCap = max(64, lineCap)
    }

    /// Starts following; lines go to `sink`, events arrive on the returned stream until `stop()`.
    public func start(sink: any LogSink) -> AsyncStream<FollowEvent> {
        let (stream, continuation) = AsyncStream<FollowEvent>.makeStream(bufferingPolicy: .bufferingNewest(10_000))
        lock.lock()
        self.continuation = continuation
        self.sink = sink
        startedAt = Date()
        watchTask = Task { [self] in await watchLoop() }
        lock.unlock()
        return stream
    }

    /// Stops the watch and every tail, and waits for their kubectl processes to end.
    public func stop() async {
        let tasks = lock.withLock {
            stopped = true
            return [watchTask].compactMap { $0 } + tails.values.compactMap(\.task)
        }
        for t in tasks { t.cancel() }
        for t in tasks { await t.value }
        lock.withLock { continuation }?.finish()
    }

    private func emit(_ e: FollowEvent) {
        lock.lock()
        let c = continuation
        lock.unlock()
        c?.yield(e)
    }

    private var isStopped: Bool { lock.withLock { stopped } }

    func isNew(_ hash: String) -> Bool { baselineHash.map { $0 != hash } ?? false }

    // MARK: - The pod watch

    private func watchLoop() async {
        var quickFailures = 0
        while !isStopped && !Task.isCancelled {
            let started = Date()
            let decoder = Decoder()
            let args = KubeCall.watchPods(selector: selector)
            var exitCode: Int32 = -1
            do {
                let result = try await kubectl.runner.stream(kubectl.argv(args)) { [self] line in
                    switch line.stream {
                    case .stdout:
                        for obj in decoder.feed(line.text) { handleWatch(obj) }
                    case .stderr:
                        if !line.text.isEmpty { emit(.kubectlMessage(pod: nil, text: Sanitize.inline(line.text))) }
                    }
                }
                exitCode = result.exitCode
                if !result.succeeded && !isStopped { emit(.watchFailed(Kubectl.failure(result, what: "watch the pods of \(selector)"))) }
            } catch {
                if !isStopped { emit(.watchFailed(error)) }
            }
            if isStopped || Task.isCancelled { break }
            emit(.watchRestarted(exitCode: exitCode))
            quickFailures = Date().timeIntervalSince(started) < 2 ? quickFailures + 1 : 0
            let pause = min(5.0, 0.1 * pow(2, Double(min(quickFailures, 6))))
            try? await Task.sleep(nanoseconds: UInt64(pause * 1e9))
        }
    }

    /// kubectl's watch output, split into objects (reference type: the stream callback is @Sendable).
    final class Decoder: @unchecked Sendable {
        private var stream = JSONObjectStream()
        private let lock = NSLock()
        func feed(_ text: String) -> [[String: Any]] {
            lock.lock(); defer { lock.unlock() }
            return stream.feed(text)
        }
    }

    private func handleWatch(_ event: [String: Any]) {
        guard let type = event["type"] as? String, let object = event["object"] as? [String: Any],
              let pod = PodState(json: object) else { return }
        var toStart: [String] = []
        lock.lock()
        if type == "DELETED" {
            pods[pod.name] = nil
            lock.unlock()
            emit(.podDeleted(pod.name))
            return
        }
        let changed = pods[pod.name] != pod
        pods[pod.name] = pod
        for c in pod.containers where c.running && !pod.deleting {
            let k = pod.name + "/" + c.name
            if tails[k]?.active != true { toStart.append(c.name) }
        }
        lock.unlock()
        if changed { emit(.pod(pod, isNew: isNew(pod.templateHash))) }
        for c in toStart { startTail(pod: pod.name, hash: pod.templateHash, container: c) }
    }

    // MARK: - Tails

    private func startTail(pod: String, hash: String, container: String) {
        let k = pod + "/" + container
        lock.lock()
        if stopped || tails[k]?.active == true { lock.unlock(); return }
        var t = tails[k] ?? Tail()
        t.active = true
        tails[k] = t
        // Pods created after the follower started are read from their beginning.
        let task = Task { [self] in await tailLoop(pod: pod, hash: hash, container: container) }
        tails[k]?.task = task
        lock.unlock()
    }

    private func tailLoop(pod: String, hash: String, container: String) async {
        let k = pod + "/" + container
        let fresh = isNew(hash)
        var emptyRuns = 0
        while !isStopped && !Task.isCancelled {
            let (resumeFrom, skipEqual, resumed) = lock.withLock {
                let t = tails[k]
                tails[k]?.starts += 1
                return (t?.last, t?.countAtLast ?? 0, (t?.starts ?? 0) > 0)
            }
            // Resumed from the last line; an old pod from `since` (the baseline); a new pod from its first line.
            let from = resumeFrom.map { "\($0)" } ?? (fresh ? nil : since.map { "\(KubeTimestamp($0))" })
            let args = KubeCall.followLog(pod: pod, container: container, since: from)
            emit(.tailStarted(pod: pod, container: container, resumed: resumed))
            let state = TailCursor(last: resumeFrom, skipEqual: skipEqual, countAtLast: skipEqual)
            let lineSink = lock.withLock { sink }
            let lineCap = self.lineCap
            let result = try? await kubectl.runner.stream(kubectl.argv(args)) { [self] line in
                switch line.stream {
                case .stdout:
                    guard let (ts, text) = KubeTimestamp.split(line.text) else {
                        if !line.text.isEmpty { emit(.kubectlMessage(pod: pod, text: Sanitize.inline(line.text))) }
                        return
                    }
                    if state.accept(ts) {
                        var batch = LogBatch(source: LogSource(pod: pod, container: container, templateHash: hash, isNew: fresh))
                        var bytes = Array(text.utf8)
                        if bytes.count > lineCap { bytes = Array(bytes.prefix(lineCap)) + LineCap.marker(bytes.count) }
                        bytes.withUnsafeBytes { batch.append($0, timestamp: ts) }
                        lineSink.receive(batch)
                    }
                case .stderr:
                    if line.text.contains("unexpected EOF") { state.dropped = true }
                    if !line.text.isEmpty { emit(.kubectlMessage(pod: pod, text: Sanitize.inline(line.text))) }
                }
            }
            let (last, count, delivered) = state.snapshot()
            lock.withLock {
                tails[k]?.last = last
                tails[k]?.countAtLast = count
            }
            if isStopped || Task.isCancelled { break }
            emit(.tailEnded(pod: pod, container: container, exitCode: result?.exitCode ?? -1, dropped: state.dropped))
            emptyRuns = delivered == 0 ? emptyRuns + 1 : 0
            // Restart only while the pod exists and the container still runs; otherwise the watch restarts it.
            try? await Task.sleep(nanoseconds: UInt64(min(2.0, 0.05 * pow(2, Double(min(emptyRuns, 6)))) * 1e9))
            let running = lock.withLock {
                let running = pods[pod].map { !$0.deleting && $0.containers.contains { $0.name == container && $0.running } } ?? false
                if !running || stopped { tails[k]?.active = false }
                return running
            }
            if !running { break }
        }
    }

    /// The dedupe cursor of one tail run: skips what an earlier run already delivered.
    final class TailCursor: @unchecked Sendable {
        private let lock = NSLock()
        private var last: KubeTimestamp?
        private var skipEqual: Int
        private var countAtLast: Int
        private var delivered = 0
        private var droppedFlag = false

        init(last: KubeTimestamp?, skipEqual: Int, countAtLast: Int) {
            self.last = last; self.skipEqual = skipEqual; self.countAtLast = countAtLast
        }

        var dropped: Bool {
            get { lock.lock(); defer { lock.unlock() }; return droppedFlag }
            set { lock.lock(); droppedFlag = newValue; lock.unlock() }
        }

        /// True when the line is new.
        func accept(_ ts: KubeTimestamp) -> Bool {
            lock.lock(); defer { lock.unlock() }
            if let l = last {
                if ts < l { return false }
                if ts == l {
                    if skipEqual > 0 { skipEqual -= 1; return false }
                    countAtLast += 1
                    delivered += 1
                    return true
                }
            }
            last = ts
            countAtLast = 1
            skipEqual = 0
            delivered += 1
            return true
        }

        func snapshot() -> (KubeTimestamp?, Int, Int) {
            lock.lock(); defer { lock.unlock() }
            return (last, countAtLast, delivered)
        }
    }
}
