import Foundation
import HotfixEngine
import NIOCore

/// Follows every container of a selector's pods through one `kubectl proxy`, as stern does with
/// client-go: a pod watch (`watch=1`, resumed from the last resourceVersion, listed again on 410
/// Gone) and one log stream per running container (`follow=true&timestamps=true`, resumed from
/// its last timestamp without a line lost or repeated). Lines go to the sink as bytes with their
/// source; a line longer than `lineCap` is cut with a marker.
public final class ProxyFollower: PodLogFollowing, @unchecked Sendable {
    public let proxy: KubeProxy
    public let namespace: String
    public let selector: String
    /// The baseline's pod-template-hash: other hashes are the new pods.
    public let baselineHash: String?
    /// Where pods that already run at the start are read from (nil: their whole log).
    public let since: Date?
    public let lineCap: Int

    struct Stream {
        var cursor = LogFollower.TailCursor(last: nil, skipEqual: 0, countAtLast: 0)
        var active = false
        var task: Task<Void, Never>?
        var starts = 0
    }

    private let lock = NSLock()
    private var pods: [String: PodState] = [:]
    private var streams: [String: Stream] = [:]
    private var watchTask: Task<Void, Never>?
    private var stopped = false
    private var continuation: AsyncStream<FollowEvent>.Continuation?
    private var sink: any LogSink = LogFanout()
    private let client: UnixHTTPClient
    /// The API server's address (from the kubeconfig, read at the first failure), for failures to name.
    private var server: String??

    public init(proxy: KubeProxy, namespace: String, selector: String, baselineHash: String?, since: Date? = nil, lineCap: Int = 16_384) {
        self.proxy = proxy
        self.namespace = namespace.isEmpty ? "default" : namespace
        self.selector = selector
        self.baselineHash = baselineHash
        self.since = since
        self.lineCap = max(64, lineCap)
        client = proxy.client
    }

    /// Starts `proxy` (throws when it cannot: then nothing runs) and returns a follower through
    /// it; the follower's `stop()` stops the proxy too.
    public static func start(proxy: KubeProxy, namespace: String, selector: String, baselineHash: String?, since: Date? = nil,
                             lineCap: Int = 16_384) async throws(HotfixError) -> ProxyFollower {
        let follower = ProxyFollower(proxy: proxy, namespace: namespace, selector: selector, baselineHash: baselineHash, since: since, lineCap: lineCap)
        try await proxy.start { [weak follower] event in
            if case .exited(let code, let message) = event {
                follower?.emit(.proxyRestarted("exit \(code)\(message.isEmpty ? "" : ": " + message)"))
            }
        }
        return follower
    }

    public func start(sink: any LogSink) -> AsyncStream<FollowEvent> {
        let (stream, continuation) = AsyncStream<FollowEvent>.makeStream(bufferingPolicy: .bufferingNewest(10_000))
        lock.withLock {
            self.continuation = continuation
            self.sink = sink
            watchTask = Task { [self] in await watchLoop() }
        }
        return stream
    }

    public func stop() async {
        let tasks = lock.withLock {
            stopped = true
            return [watchTask].compactMap { $0 } + streams.values.compactMap(\.task)
        }
        for t in tasks { t.cancel() }
        for t in tasks { await t.value }
        await proxy.stop()
        lock.withLock { continuation }?.finish()
    }

    /// The ReplicaSets of the selector, read through the same proxy (no kubectl started).
    public func replicaSets() async throws(HotfixError) -> [ReplicaSetInfo] {
        let path = "/apis/apps/v1/namespaces/\(namespace.queryEscaped)/replicasets?labelSelector=\(selector.queryEscaped)"
        let body: [UInt8]
        do { body = try await client.fetch(path) } catch { throw Self.failure(error, what: "list the replicasets of \(selector)", server: await serverName()) }
        guard let o = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] else {
            throw HotfixError.environment("the replicaset list through kubectl proxy is not JSON", untouched: "nothing was changed")
        }
        return (o["items"] as? [[String: Any]] ?? []).compactMap { ReplicaSetInfo(json: $0) }
    }

    /// The cluster's server as the kubeconfig names it, read once (`kubectl config view`), when a call failed.
    private func serverName() async -> String? {
        if let known = lock.withLock({ server }) { return known }
        let found = await proxy.kubectl.server()
        lock.withLock { server = .some(found) }
        return found
    }

    private func emit(_ e: FollowEvent) { lock.withLock { continuation }?.yield(e) }
    private var isStopped: Bool { lock.withLock { stopped } }
    func isNew(_ hash: String) -> Bool { baselineHash.map { $0 != hash } ?? false }

    var podsPath: String { "/api/v1/namespaces/\(namespace.queryEscaped)/pods" }

    // MARK: - The pod watch

    /// List, then watch from the list's resourceVersion; a watch that ends is resumed from the
    /// last version seen; 410 Gone (as an ERROR event or as the answer) lists again.
    private func watchLoop() async {
        var version: String?
        var failures = 0
        while !isStopped && !Task.isCancelled {
            do {
                if version == nil { version = try await list() }
                let outcome = try await watch(from: version!)
                switch outcome {
                case .ended(let last):
                    version = last
                    emit(.watchRestarted(exitCode: 0))
                case .expired:
                    version = nil
                    emit(.watchExpired)
                }
                failures = 0
            } catch is CancellationError {
                break
            } catch {
                if isStopped || Task.isCancelled { break }
                if let f = error as? UnixHTTPClient.Failure, f.status == 410 {
                    version = nil
                    emit(.watchExpired)
                    continue
                }
                failures += 1
                emit(.watchFailed(Self.failure(error, what: "watch the pods of \(selector)", server: await serverName())))
                try? await Task.sleep(for: .milliseconds(Int(min(5000, 100 * pow(2, Double(min(failures, 6)))))))
            }
        }
    }

    /// The pods now; reconciles what the follower knows (a pod missing from the list is gone).
    private func list() async throws -> String {
        let body = try await client.fetch("\(podsPath)?labelSelector=\(selector.queryEscaped)")
        guard let o = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] else {
            throw UnixHTTPClient.Failure(status: 200, body: Array("the pod list is not JSON".utf8))
        }
        let items = (o["items"] as? [[String: Any]] ?? []).compactMap { PodState(json: $0) }
        let names = Set(items.map(\.name))
        let gone = lock.withLock { pods.keys.filter { !names.contains($0) } }
        for name in gone { podGone(name) }
        for pod in items { podSeen(pod) }
        return ((o["metadata"] as? [String: Any])?["resourceVersion"] as? String) ?? "0"
    }

    enum WatchOutcome { case ended(String), expired }

    private func watch(from version: String) async throws -> WatchOutcome {
        let target = "\(podsPath)?watch=1&allowWatchBookmarks=true&labelSelector=\(selector.queryEscaped)&resourceVersion=\(version.queryEscaped)"
        return try await client.get(target) { [self] response throws -> WatchOutcome in
            guard response.status == 200 else { throw UnixHTTPClient.Failure(status: response.status, body: try await response.text(limit: 1 << 20)) }
            var last = version
            var pending: [UInt8] = []
            while var part = try await response.next() {
                pending += part.readBytes(length: part.readableBytes) ?? []
                var start = 0
                while let nl = pending[start...].firstIndex(of: 0x0A) {
                    defer { start = nl + 1 }
                    guard nl > start, let e = (try? JSONSerialization.jsonObject(with: Data(pending[start..<nl]))) as? [String: Any],
                          let type = e["type"] as? String, let object = e["object"] as? [String: Any] else { continue }
                    if type == "ERROR" {
                        if KubeJSON.int(object["code"]) == 410 { return .expired }
                        throw UnixHTTPClient.Failure(status: KubeJSON.int(object["code"]) ?? 500, body: Array(pending[start..<nl]))
                    }
                    if let rv = (object["metadata"] as? [String: Any])?["resourceVersion"] as? String { last = rv }
                    if type == "BOOKMARK" { continue }
                    guard let pod = PodState(json: object) else { continue }
                    if type == "DELETED" { podGone(pod.name) } else { podSeen(pod) }
                }
                pending.removeFirst(start)
                if pending.count > 16 << 20 { pending.removeAll() }
            }
            return .ended(last)
        }
    }

    private func podGone(_ name: String) {
        let known = lock.withLock { pods.removeValue(forKey: name) != nil }
        if known { emit(.podDeleted(name)) }
    }

    private func podSeen(_ pod: PodState) {
        var toStart: [String] = []
        let changed = lock.withLock {
            let changed = pods[pod.name] != pod
            pods[pod.name] = pod
            for c in pod.containers where c.running && !pod.deleting && streams[pod.name + "/" + c.name]?.active != true {
                toStart.append(c.name)
            }
            return changed
        }
        if changed { emit(.pod(pod, isNew: isNew(pod.templateHash))) }
        for c in toStart { startStream(pod: pod.name, hash: pod.templateHash, container: c) }
    }

    // MARK: - Log streams

    private func startStream(pod: String, hash: String, container: String) {
        let key = pod + "/" + container
        lock.withLock {
            guard !stopped, streams[key]?.active != true else { return }
            var s = streams[key] ?? Stream()
            s.active = true
            s.task = Task { [self] in await streamLoop(pod: pod, hash: hash, container: container) }
            streams[key] = s
        }
    }

    /// Follows one container until its pod stops running it; each cut connection is resumed
    /// from the last timestamp (the server resends that whole second; the cursor skips what
    /// was delivered).
    private func streamLoop(pod: String, hash: String, container: String) async {
        let key = pod + "/" + container
        let source = LogSource(pod: pod, container: container, templateHash: hash, isNew: isNew(hash))
        var emptyRuns = 0
        while !isStopped && !Task.isCancelled {
            let (previous, resumed) = lock.withLock {
                streams[key]?.starts += 1
                return (streams[key]?.cursor, (streams[key]?.starts ?? 1) > 1)
            }
            let (last, count, _) = previous?.snapshot() ?? (nil, 0, 0)
            var query = "follow=true&timestamps=true&container=\(container.queryEscaped)"
            if let last {
                query += "&sinceTime=\(last.wholeSecond.queryEscaped)"
            } else if let since, !source.isNew {
                query += "&sinceTime=\(KubeTimestamp(since).wholeSecond.queryEscaped)"
            }
            // Old pods from `since` (the server reads whole seconds: the cursor drops what is earlier).
            let from = last ?? (source.isNew ? nil : since.map { KubeTimestamp($0) })
            let cursor = LogFollower.TailCursor(last: from, skipEqual: count, countAtLast: count)
            emit(.tailStarted(pod: pod, container: container, resumed: resumed))
            var dropped = false
            var status = 200
            do {
                status = try await client.get("\(podsPath)/\(pod.queryEscaped)/log?\(query)") { [self] response throws -> Int in
                    guard response.status == 200 else {
                        let f = UnixHTTPClient.Failure(status: response.status, body: try await response.text(limit: 1 << 20))
                        emit(.kubectlMessage(pod: pod, text: Sanitize.inline(f.description)))
                        return response.status
                    }
                    var splitter = LogLineSplitter(cap: lineCap)
                    while let part = try await response.next() {
                        var batch = LogBatch(source: source)
                        part.withUnsafeReadableBytes { bytes in
                            splitter.feed(bytes) { line in take(line, cursor: cursor, into: &batch, pod: pod) }
                        }
                        if !batch.isEmpty { sink.receive(batch) }
                    }
                    // A proper end: a last line without a break is still a line.
                    var batch = LogBatch(source: source)
                    splitter.finish { line in take(line, cursor: cursor, into: &batch, pod: pod) }
                    if !batch.isEmpty { sink.receive(batch) }
                    return 200
                }
            } catch {
                if isStopped || Task.isCancelled { lock.withLock { streams[key]?.cursor = cursor }; break }
                dropped = true
                emit(.kubectlMessage(pod: pod, text: Sanitize.inline("log stream of \(pod)/\(container): \(error)")))
            }
            let (_, _, delivered) = cursor.snapshot()
            lock.withLock { streams[key]?.cursor = cursor }
            if isStopped || Task.isCancelled { break }
            emit(.tailEnded(pod: pod, container: container, exitCode: status == 200 ? 0 : Int32(status), dropped: dropped))
            emptyRuns = delivered == 0 ? emptyRuns + 1 : 0
            try? await Task.sleep(for: .milliseconds(Int(min(2000, 50 * pow(2, Double(min(emptyRuns, 6)))))))
            // Again only while the pod exists and runs the container; otherwise the watch starts it again.
            let running = lock.withLock {
                let running = pods[pod].map { !$0.deleting && $0.containers.contains { $0.name == container && $0.running } } ?? false
                if !running || stopped { streams[key]?.active = false }
                return running
            }
            if !running { break }
        }
    }

    /// One raw line of a log stream: `TIMESTAMP text`. New lines join the batch; a line without a
    /// timestamp is the server's own message, never an application line.
    private func take(_ line: UnsafeRawBufferPointer, cursor: LogFollower.TailCursor, into batch: inout LogBatch, pod: String) {
        guard let (ts, used) = KubeTimestamp.parse(line), used <= line.count else {
            if !line.isEmpty { emit(.kubectlMessage(pod: pod, text: Sanitize.inline(String(decoding: line, as: UTF8.self)))) }
            return
        }
        let start = used < line.count && line[used] == 0x20 ? used + 1 : used
        if cursor.accept(ts) { batch.append(UnsafeRawBufferPointer(rebasing: line[start...]), timestamp: ts) }
    }

    /// A failed call through the proxy, in `KubeFailure`'s words (as a failed kubectl call says it):
    /// the proxy answers 401/403/404 as the API server did, and 502/503/504 when it could not reach it.
    static func failure(_ error: any Error, what: String, server: String? = nil) -> HotfixError {
        if let e = error as? HotfixError { return e }
        if let f = error as? UnixHTTPClient.Failure {
            var k = KubeFailure(ProcessResult(argv: [], exitCode: 1, stdout: "", stderr: f.message, seconds: 0))
            switch f.status {
            case 401: k.cause = .unauthorized
            case 403: k.cause = .forbidden
            case 404: k.cause = .notFound
            case 502, 503, 504:
                if case .unreachable = k.cause {} else { k.cause = .unreachable(reason: f.status == 504 ? "timed out" : "cannot connect") }
            default:
                return .refused("kubectl proxy could not \(what) (HTTP \(f.status))\(f.message.isEmpty ? "" : ": " + Sanitize.inline(f.message))",
                                untouched: "nothing was changed", next: "fix the cause it names, then retry")
            }
            if k.server == nil { k.server = server }
            return k.error(what: what)
        }
        return .environment("could not \(what) through kubectl proxy: \(error)", untouched: "nothing was changed",
                            next: "hotfix restarts kubectl proxy by itself; if this goes on, check kubectl and the cluster")
    }
}

/// Splits a log stream into lines (without their breaks); a line longer than `cap` bytes (after
/// its timestamp) keeps its first `cap` bytes and gets a marker. Holds at most one partial line.
struct LogLineSplitter {
    let cap: Int
    /// Room for the timestamp before the text.
    static let timestampRoom = 40
    private var carry: [UInt8] = []
    /// The partial line's whole length so far (more than `carry` holds once it is cut).
    private var length = 0

    init(cap: Int) { self.cap = cap }

    var limit: Int { cap + Self.timestampRoom }

    mutating func feed(_ chunk: UnsafeRawBufferPointer, _ line: (UnsafeRawBufferPointer) -> Void) {
        guard let base = chunk.baseAddress else { return }
        var start = 0
        let n = chunk.count
        while start < n {
            guard let nl = memchr(base + start, 0x0A, n - start) else {
                keep(UnsafeRawBufferPointer(rebasing: chunk[start..<n]))
                return
            }
            let end = base.distance(to: UnsafeRawPointer(nl))
            if length == 0 && end - start <= cap {
                line(UnsafeRawBufferPointer(rebasing: chunk[start..<end]))
            } else {
                keep(UnsafeRawBufferPointer(rebasing: chunk[start..<end]))
                deliver(line)
            }
            start = end + 1
        }
    }

    /// The last line, when the stream ended without a break after it.
    mutating func finish(_ line: (UnsafeRawBufferPointer) -> Void) {
        if length > 0 { deliver(line) }
    }

    private mutating func keep(_ piece: UnsafeRawBufferPointer) {
        let room = limit - carry.count
        if room > 0 { carry.append(contentsOf: UnsafeRawBufferPointer(rebasing: piece[0..<min(room, piece.count)])) }
        length += piece.count
    }

    private mutating func deliver(_ line: (UnsafeRawBufferPointer) -> Void) {
        // Cut: the timestamp and the first `cap` bytes of the text, then the marker.
        let space = carry.prefix(Self.timestampRoom).firstIndex(of: 0x20).map { $0 + 1 } ?? 0
        let textLength = length - space
        if textLength > cap {
            carry.removeSubrange(min(carry.count, space + cap)...)
            carry += LineCap.marker(textLength)
        }
        carry.withUnsafeBytes { line($0) }
        carry.removeAll(keepingCapacity: carry.capacity <= 64 * 1024)
        length = 0
    }
}
