import Foundation
import HotfixEngine
import HotfixConsole
import HotfixScreen
#if canImport(Glibc)
import Glibc
#endif

/// Where other threads post messages for the console: a locked queue plus a self-pipe the event
/// loop polls, so a post wakes the loop at once and an idle loop stays asleep in `poll()`.
/// Signal handlers write their signal number to the same pipe.
final class Mailbox: @unchecked Sendable {
    private let lock = NSLock()
    private var queue: [ConsoleMessage] = []
    let readFD: Int32
    let writeFD: Int32

    init() throws(HotfixError) {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else {
            throw HotfixError.environment("cannot create the console's wake-up pipe: \(String(cString: strerror(errno)))")
        }
        readFD = fds[0]
        writeFD = fds[1]
        for fd in fds {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
    }

    deinit {
        close(readFD)
        close(writeFD)
    }

    /// Queues `message` and wakes the loop (from any thread).
    func post(_ message: ConsoleMessage) {
        lock.withLock { queue.append(message) }
        var zero: UInt8 = 0
        _ = write(writeFD, &zero, 1)
    }

    /// Wakes the loop without a message (the stream's inbox has lines: the loop takes them on its own beat).
    func wake() {
        var zero: UInt8 = 0
        _ = write(writeFD, &zero, 1)
    }

    /// Everything posted so far, plus the signals that arrived (non-zero bytes on the pipe).
    func drain() -> (messages: [ConsoleMessage], signals: [Int32]) {
        var signals: [Int32] = []
        var bytes = [UInt8](repeating: 0, count: 256)
        while true {
            let n = bytes.withUnsafeMutableBytes { read(readFD, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            for b in bytes[0..<n] where b != 0 { signals.append(Int32(b)) }
        }
        let messages = lock.withLock { () -> [ConsoleMessage] in
            defer { queue.removeAll() }
            return queue
        }
        return (messages, signals)
    }
}
