import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// HTTP/1.1 GETs to `kubectl proxy` over its Unix socket (swift-nio), one connection per request,
/// the body read as it arrives. Reading is bounded: the channel stops reading from the socket
/// while `highWatermark` reads of at most `maxRead` bytes wait for the reader, so a slow reader
/// holds back the proxy (and the API server behind it) instead of growing memory.
struct UnixHTTPClient: Sendable {
    let socketPath: String
    var maxRead = 64 * 1024
    var highWatermark = 4

    /// A response's status and body, read part by part.
    struct Response {
        var status: Int
        fileprivate var iterator: NIOAsyncChannelInboundStream<HTTPClientResponsePart>.AsyncIterator

        /// The next part of the body; nil at its proper end. Throws when the connection is cut
        /// before the end (a dropped stream), or when the task is cancelled.
        mutating func next() async throws -> ByteBuffer? {
            while true {
                guard let part = try await iterator.next() else {
                    if Task.isCancelled { throw CancellationError() }
                    throw ClientError.cutShort
                }
                switch part {
                case .body(let b): return b
                case .end: return nil
                case .head: continue
                }
            }
        }

        /// The whole body as text (for short answers and error messages), at most `limit` bytes.
        mutating func text(limit: Int = 16 << 20) async throws -> [UInt8] {
            var out: [UInt8] = []
            while var b = try await next() {
                guard out.count + b.readableBytes <= limit else { throw ClientError.tooLarge(limit) }
                out += b.readBytes(length: b.readableBytes) ?? []
            }
            return out
        }
    }

    enum ClientError: Error, CustomStringConvertible {
        case cutShort, noHead, tooLarge(Int)
        var description: String {
            switch self {
            case .cutShort: "the connection was cut before the response ended"
            case .noHead: "the proxy closed the connection without answering"
            case .tooLarge(let n): "the answer is larger than \(n) bytes"
            }
        }
    }

    /// Sends `GET target` and hands the response to `body`; the connection is closed when it returns.
    func get<T: Sendable>(_ target: String, _ body: (inout Response) async throws -> T) async throws -> T {
        let (maxRead, highWatermark) = (maxRead, highWatermark)
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(5))
            .channelOption(.recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 1024, initial: 16 * 1024, maximum: maxRead))
            .connect(unixDomainSocketPath: socketPath) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(
                        wrappingChannelSynchronously: channel,
                        configuration: .init(backPressureStrategy: .init(lowWatermark: 1, highWatermark: highWatermark)))
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            var head = HTTPRequestHead(version: .http1_1, method: .GET, uri: target)
            head.headers.add(name: "Host", value: "localhost")
            head.headers.add(name: "Accept", value: "application/json, text/plain, */*")
            head.headers.add(name: "User-Agent", value: "hotfix")
            head.headers.add(name: "Connection", value: "close")
            try await outbound.write(HTTPClientRequestPart.head(head))
            try await outbound.write(HTTPClientRequestPart.end(nil))
            var iterator = inbound.makeAsyncIterator()
            var status: Int?
            while status == nil {
                guard let part = try await iterator.next() else { throw ClientError.noHead }
                if case .head(let h) = part { status = Int(h.status.code) }
            }
            var response = Response(status: status!, iterator: iterator)
            return try await body(&response)
        }
    }

    /// `GET target`, the whole body; throws a `Failure` for any status but 200.
    func fetch(_ target: String) async throws -> [UInt8] {
        try await get(target) { response in
            let text = try await response.text()
            guard response.status == 200 else { throw Failure(status: response.status, body: text) }
            return text
        }
    }

    /// An answer other than 200, with the API server's message when it sent a `Status`.
    struct Failure: Error, CustomStringConvertible {
        var status: Int
        var message: String
        var reason: String

        init(status: Int, body: [UInt8]) {
            self.status = status
            let o = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]
            message = o?["message"] as? String ?? String(decoding: body.prefix(300), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            reason = o?["reason"] as? String ?? ""
        }

        var description: String { "HTTP \(status)\(message.isEmpty ? "" : ": \(message)")" }
    }
}

extension String {
    /// Percent-encoded for a query value (everything but unreserved characters).
    var queryEscaped: String {
        addingPercentEncoding(withAllowedCharacters: CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")) ?? self
    }
}
