import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One parsed HTTP/1.1 request.
struct HTTPRequest: Sendable {
    var method: String
    var path: String
    var query: [String: String]
    var headers: [String: String]
    var body: [UInt8]

    func header(_ name: String) -> String? { headers[name.lowercased()] }
}

/// A client connection, served by its own thread: blocking reads and writes, chunked streaming.
final class HTTPConnection: @unchecked Sendable {
    let fd: Int32
    private var buffer: [UInt8] = []
    private(set) var closed = false
    private var keepAlive = true

    init(fd: Int32) { self.fd = fd }

    // MARK: reading

    private func fill() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if n <= 0 { return false }
        buffer.append(contentsOf: chunk[0..<n])
        return true
    }

    private func readLine() -> String? {
        while true {
            if let idx = buffer.firstIndex(of: 0x0A) {
                var line = Array(buffer[0..<idx])
                buffer.removeFirst(idx + 1)
                if line.last == 0x0D { line.removeLast() }
                return String(decoding: line, as: UTF8.self)
            }
            if buffer.count > 64 * 1024 || !fill() { return nil }
        }
    }

    private func readBytes(_ n: Int) -> [UInt8]? {
        while buffer.count < n { if !fill() { return nil } }
        let out = Array(buffer[0..<n])
        buffer.removeFirst(n)
        return out
    }

    func readRequest() -> HTTPRequest? {
        guard keepAlive, !closed, let first = readLine() else { return nil }
        let parts = first.split(separator: " ")
        guard parts.count >= 2 else { return nil }
        var headers: [String: String] = [:]
        while let line = readLine(), !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            headers[key] = value
        }
        var body: [UInt8] = []
        if let len = headers["content-length"].flatMap(Int.init), len > 0 {
            guard len < 16 * 1024 * 1024, let b = readBytes(len) else { return nil }
            body = b
        } else if headers["transfer-encoding"]?.lowercased().contains("chunked") == true {
            while let sizeLine = readLine(), let size = Int(sizeLine.split(separator: ";").first ?? "", radix: 16) {
                if size == 0 { _ = readLine(); break }
                guard let b = readBytes(size) else { return nil }
                body += b
                _ = readLine()
            }
        }
        if headers["connection"]?.lowercased() == "close" { keepAlive = false }
        let target = String(parts[1])
        let (path, query) = Self.split(target)
        return HTTPRequest(method: String(parts[0]), path: path, query: query, headers: headers, body: body)
    }

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

    // MARK: writing

    @discardableResult
    func write(_ bytes: [UInt8]) -> Bool {
        if closed { return false }
        var off = 0
        while off < bytes.count {
            let n = bytes[off...].withUnsafeBytes { p -> Int in
                #if os(Linux)
                return send(fd, p.baseAddress, p.count, Int32(MSG_NOSIGNAL))
                #else
                return send(fd, p.baseAddress, p.count, 0)
                #endif
            }
            if n <= 0 {
                if n < 0 && errno == EINTR { continue }
                closed = true
                return false
            }
            off += n
        }
        return true
    }

    static func reason(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 201: "Created"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 409: "Conflict"
        case 410: "Gone"
        case 415: "Unsupported Media Type"
        case 422: "Unprocessable Entity"
        default: "Internal Server Error"
        }
    }

    func respond(_ status: Int, contentType: String = "application/json", body: String) {
        let b = Array(body.utf8)
        let head = "HTTP/1.1 \(status) \(Self.reason(status))\r\nContent-Type: \(contentType)\r\nContent-Length: \(b.count)\r\n"
            + "Date: \(Self.httpDate())\r\n\r\n"
        _ = write(Array(head.utf8) + b)
    }

    /// Starts a chunked response; the connection is not reused afterwards.
    func startStream(_ status: Int = 200, contentType: String) -> Bool {
        keepAlive = false
        let head = "HTTP/1.1 \(status) \(Self.reason(status))\r\nContent-Type: \(contentType)\r\nTransfer-Encoding: chunked\r\n"
            + "Cache-Control: no-cache, private\r\nDate: \(Self.httpDate())\r\n\r\n"
        return write(Array(head.utf8))
    }

    func writeChunk(_ bytes: [UInt8]) -> Bool {
        guard !bytes.isEmpty else { return !closed }
        return write(Array((String(bytes.count, radix: 16) + "\r\n").utf8) + bytes + [0x0D, 0x0A])
    }

    /// Ends a chunked response properly.
    func endStream() { _ = write(Array("0\r\n\r\n".utf8)) }

    /// Cuts the connection in the middle of a response: the client sees an unexpected EOF.
    func abort() {
        closed = true
        shutdown(fd, Int32(SHUT_RDWR))
    }

    /// True when the peer has gone away (checked without blocking).
    func peerClosed() -> Bool {
        if closed { return true }
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&p, 1, 0) > 0 else { return false }
        if p.revents & Int16(POLLHUP | POLLERR) != 0 { return true }
        var byte: UInt8 = 0
        let n = recv(fd, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT))
        return n == 0
    }

    static func httpDate() -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "GMT")
        f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return f.string(from: Date())
    }
}

/// A small HTTP/1.1 server on 127.0.0.1, one thread per connection.
final class HTTPServer: @unchecked Sendable {
    let port: Int
    private let listener: Int32
    private let handler: @Sendable (HTTPRequest, HTTPConnection) -> Void
    private let lock = NSLock()
    private var clients: Set<Int32> = []
    private var stopped = false

    init(port: Int, handler: @escaping @Sendable (HTTPRequest, HTTPConnection) -> Void) throws(SimError) {
        #if os(Linux)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw SimError("cannot open a socket (errno \(errno))") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 64) == 0 else {
            let e = errno
            close(fd)
            throw SimError("cannot listen on 127.0.0.1:\(port) (errno \(e)\(e == EADDRINUSE ? ", the port is in use" : ""))")
        }
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        self.port = Int(UInt16(bigEndian: addr.sin_port))
        self.listener = fd
        self.handler = handler
    }

    func start() {
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    private func acceptLoop() {
        while true {
            let c = accept(listener, nil, nil)
            if c < 0 {
                if errno == EINTR && !isStopped { continue }
                return
            }
            var one: Int32 = 1
            setsockopt(c, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            lock.lock()
            if stopped { lock.unlock(); close(c); return }
            clients.insert(c)
            lock.unlock()
            Thread.detachNewThread { [self] in serve(c) }
        }
    }

    var isStopped: Bool { lock.lock(); defer { lock.unlock() }; return stopped }

    private func serve(_ fd: Int32) {
        let conn = HTTPConnection(fd: fd)
        while !isStopped, let request = conn.readRequest() {
            handler(request, conn)
            if conn.closed { break }
        }
        lock.lock()
        clients.remove(fd)
        lock.unlock()
        close(fd)
    }

    func stop() {
        lock.lock()
        guard !stopped else { lock.unlock(); return }
        stopped = true
        let open = clients
        lock.unlock()
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
        for c in open { shutdown(c, Int32(SHUT_RDWR)) }
    }
}

public struct SimError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
