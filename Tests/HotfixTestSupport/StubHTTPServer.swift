import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A tiny HTTP/1.1 server on 127.0.0.1 for tests: answers with the given statuses in order
/// (the last one repeats) and records every request.
public final class StubHTTPServer: @unchecked Sendable {
    public struct Request: Sendable {
        public var method: String
        public var path: String
        public var body: String
    }

    public private(set) var port: Int = 0
    private let lock = NSLock()
    private var statuses: [Int]
    private var recorded: [Request] = []
    private var listenFD: Int32 = -1
    private var thread: Thread?

    public init(statuses: [Int]) {
        self.statuses = statuses
        listenFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var yes: Int32 = 1
        setsockopt(listenFD, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = 0
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        withUnsafeMutablePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
                _ = bind(listenFD, sa, len)
                _ = getsockname(listenFD, sa, &len)
            }
        }
        port = Int(UInt16(bigEndian: addr.sin_port))
        listen(listenFD, 16)
        // Weak, not unowned: a server released before its thread starts (a test that sent nothing)
        // must not be read by that thread. While serving, the call keeps it alive until stop().
        let t = Thread { [weak self] in self?.serve() }
        thread = t
        t.start()
    }

    public var url: String { "http://127.0.0.1:\(port)" }

    public var requests: [Request] { lock.withLock { recorded } }

    /// Stops listening; safe to call twice (a second close could hit another test's descriptor).
    public func stop() {
        let fd: Int32 = lock.withLock {
            let fd = listenFD
            listenFD = -1
            return fd
        }
        guard fd >= 0 else { return }
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
    }

    deinit { stop() }

    private func serve() {
        let listening = lock.withLock { listenFD }
        while true {
            let fd = accept(listening, nil, nil)
            if fd < 0 { return }
            handle(fd)
            close(fd)
        }
    }

    private func handle(_ fd: Int32) {
        var data = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 65536)
        var headerEnd: Int?
        var contentLength = 0
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            data += buffer[0..<n]
            if headerEnd == nil, let r = find(data, Array("\r\n\r\n".utf8)) {
                headerEnd = r + 4
                let head = String(decoding: data[0..<r], as: UTF8.self)
                for line in head.split(separator: "\r\n") where line.lowercased().hasPrefix("content-length:") {
                    contentLength = Int(line.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) ?? 0
                }
            }
            if let h = headerEnd, data.count >= h + contentLength { break }
        }
        guard let h = headerEnd else { return }
        let head = String(decoding: data[0..<h], as: UTF8.self)
        let first = head.split(separator: "\r\n").first.map { $0.split(separator: " ") } ?? []
        let request = Request(method: first.count > 0 ? String(first[0]) : "", path: first.count > 1 ? String(first[1]) : "",
                              body: String(decoding: data[h..<min(data.count, h + contentLength)], as: UTF8.self))
        let status: Int = lock.withLock {
            recorded.append(request)
            return statuses.count > 1 ? statuses.removeFirst() : (statuses.first ?? 200)
        }
        let body = status < 300 ? #"{"ok":true,"result":{}}"# : #"{"ok":false,"description":"Bad Gateway"}"#
        let response = "HTTP/1.1 \(status) X\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)"
        _ = Array(response.utf8).withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    }

    private func find(_ hay: [UInt8], _ needle: [UInt8]) -> Int? {
        guard hay.count >= needle.count else { return nil }
        for i in 0...(hay.count - needle.count) where Array(hay[i..<(i + needle.count)]) == needle { return i }
        return nil
    }
}

/// A stand-in for a command-line tool: a script on a private PATH that records its arguments.
public final class ToolStandIn: @unchecked Sendable {
    public let bin: TempDir
    public var log: String { bin.path + "/calls.log" }

    /// `exitCode` and `output` shape what the stand-in answers.
    public init(name: String, exitCode: Int32 = 0, output: String = "") {
        bin = TempDir("standin")
        let script = """
        #!/bin/sh
        {
          printf 'CALL'
          for a in "$@"; do printf '\\t%s' "$a"; done
          printf '\\n'
        } >> '\(bin.path)/calls.log'
        printf '%s\\n' '\(output)'
        exit \(exitCode)
        """
        bin.writeExecutable(name, script)
    }

    /// Each call's arguments.
    public var calls: [[String]] {
        let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false).dropFirst().map(String.init) }
    }

    /// A PATH with this stand-in first, then the system's tools.
    public var path: String { bin.path + ":/usr/local/bin:/usr/bin:/bin" }
}
