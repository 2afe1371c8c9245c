import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// One parsed HTTP/1.1 request.
struct HTTPRequest: Sendable {
    var method: String
    var path: String
    var query: [String: String]
    var headers: [String: String]
    var body: [UInt8]

    func header(_ name: String) -> String? { headers[name.lowercased()] }

    static func split(_ target: String) -> (String, [String: String]) {
        guard let q = target.firstIndex(of: "?") else { return (decode(target), [:]) }
        var query: [String: String] = [:]
        for pair in target[target.index(after: q)...].split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1)
            let k = decode(String(kv[0]))
            query[k] = kv.count > 1 ? decode(String(kv[1])) : ""
        }
        return (decode(String(target[..<q])), query)
    }

    static func decode(_ s: String) -> String {
        s.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? s
    }
}

/// Answers one request: a whole response, or a chunked stream (watches, followed logs) that
/// the handler writes as it goes. Writes wait while the client is not reading (back-pressure).
final class Responder: @unchecked Sendable {
    private let outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>
    private let channel: Channel
    private let lock = NSLock()
    private var failed = false
    /// The connection is not reused after this response (a stream, or the client asked).
    private(set) var mustClose: Bool

    init(outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>, channel: Channel, keepAlive: Bool) {
        self.outbound = outbound
        self.channel = channel
        mustClose = !keepAlive
    }

    /// False once the client has gone or a write failed.
    var isOpen: Bool { lock.withLock { !failed } && channel.isActive }

    private func send(_ part: HTTPServerResponsePart) async -> Bool {
        guard isOpen else { return false }
        do {
            try await outbound.write(part)
            return true
        } catch {
            lock.withLock { failed = true }
            return false
        }
    }

    private func head(_ status: Int, _ headers: [(String, String)]) -> HTTPServerResponsePart {
        var h = HTTPHeaders(headers)
        h.add(name: "Date", value: Self.httpDate())
        if mustClose { h.add(name: "Connection", value: "close") }
        return .head(HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: status), headers: h))
    }

    func respond(_ status: Int, contentType: String = "application/json", body: String) async {
        let bytes = ByteBuffer(string: body)
        guard await send(head(status, [("Content-Type", contentType), ("Content-Length", String(bytes.readableBytes))])) else { return }
        guard await send(.body(.byteBuffer(bytes))) else { return }
        _ = await send(.end(nil))
    }

    /// Starts a chunked response; the connection is not reused afterwards.
    func startStream(_ status: Int = 200, contentType: String) async -> Bool {
        mustClose = true
        return await send(head(status, [("Content-Type", contentType), ("Transfer-Encoding", "chunked"), ("Cache-Control", "no-cache, private")]))
    }

    func writeChunk(_ bytes: [UInt8]) async -> Bool {
        guard !bytes.isEmpty else { return isOpen }
        return await send(.body(.byteBuffer(ByteBuffer(bytes: bytes))))
    }

    /// Ends a chunked response properly.
    func endStream() async { _ = await send(.end(nil)) }

    /// Cuts the connection in the middle of a response: the client sees an unexpected EOF.
    func abort() {
        lock.withLock { failed = true }
        channel.close(promise: nil)
    }

    static func httpDate() -> String {
        var now = time_t(Date().timeIntervalSince1970)
        var t = tm()
        gmtime_r(&now, &t)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return String(format: "%@, %02d %@ %04d %02d:%02d:%02d GMT", days[Int(t.tm_wday)], Int(t.tm_mday), months[Int(t.tm_mon)],
                      Int(t.tm_year) + 1900, Int(t.tm_hour), Int(t.tm_min), Int(t.tm_sec))
    }
}

/// The simulated API server's HTTP/1.1 on 127.0.0.1 (swift-nio): every connection is a task, so
/// hundreds of concurrent watches and followed logs cost no thread each.
final class HTTPServer: @unchecked Sendable {
    typealias Handler = @Sendable (HTTPRequest, Responder) async -> Void

    let port: Int
    private let server: NIOAsyncChannel<NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>, Never>
    private let handler: Handler
    private let lock = NSLock()
    private var task: Task<Void, Never>?

    private init(server: NIOAsyncChannel<NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>, Never>, port: Int, handler: @escaping Handler) {
        self.server = server
        self.port = port
        self.handler = handler
    }

    static func bind(port: Int, handler: @escaping Handler) async throws(SimError) -> HTTPServer {
        do {
            let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(.backlog, value: 512)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
                .bind(host: "127.0.0.1", port: port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                        return try NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>(wrappingChannelSynchronously: channel)
                    }
                }
            let bound = server.channel.localAddress?.port ?? port
            return HTTPServer(server: server, port: bound, handler: handler)
        } catch {
            let inUse = "\(error)".contains("in use") || "\(error)".contains("EADDRINUSE")
            throw SimError("cannot listen on 127.0.0.1:\(port)\(inUse ? " (the port is in use)" : ""): \(error)")
        }
    }

    func start() {
        let (server, handler) = (server, handler)
        let task = Task<Void, Never>(executorPreference: SimExecutor.shared) {
            _ = try? await server.executeThenClose { connections in
                try await withThrowingDiscardingTaskGroup { group in
                    for try await connection in connections {
                        group.addTask { await Self.serve(connection, handler) }
                    }
                }
            }
        }
        lock.withLock { self.task = task }
    }

    /// Reads requests off one connection and answers them in turn, until it closes.
    static func serve(_ connection: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>, _ handler: Handler) async {
        try? await connection.executeThenClose { inbound, outbound in
            var head: HTTPRequestHead?
            var body: [UInt8] = []
            for try await part in inbound {
                switch part {
                case .head(let h):
                    head = h
                    body = []
                case .body(var b):
                    if body.count < 16 << 20 { body += b.readBytes(length: b.readableBytes) ?? [] }
                case .end:
                    guard let h = head else { continue }
                    head = nil
                    let (path, query) = HTTPRequest.split(h.uri)
                    var headers: [String: String] = [:]
                    for (k, v) in h.headers { headers[k.lowercased()] = v }
                    let request = HTTPRequest(method: h.method.rawValue, path: path, query: query, headers: headers, body: body)
                    let responder = Responder(outbound: outbound, channel: connection.channel, keepAlive: h.isKeepAlive)
                    await handler(request, responder)
                    if responder.mustClose || !responder.isOpen { return }
                }
            }
        }
    }

    /// Stops listening and cuts every open connection.
    func stop() {
        let task = lock.withLock { self.task }
        task?.cancel()
        server.channel.close(promise: nil)
    }
}

public struct SimError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Runs the simulated server's tasks on Dispatch's threads rather than Swift's cooperative pool:
/// a test that blocks the pool (waiting for a child process it started, which talks to this very
/// server) must not stall the cluster it waits on. Dispatch adds threads when some block.
final class SimExecutor: TaskExecutor, @unchecked Sendable {
    static let shared = SimExecutor()
    private let queue = DispatchQueue(label: "hotfix-sim", attributes: .concurrent)

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.async { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
