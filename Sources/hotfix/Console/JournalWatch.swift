import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Wakes the console when the journal file changes (inotify), so a command typed in another
/// terminal shows at once; the once-a-second tick reads the journal anyway, so without inotify
/// (`fd` = -1, which poll() ignores) changes still show within a second.
final class JournalWatch {
    let fd: Int32

    init(path: String) {
        #if os(Linux)
        let fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        if fd >= 0, inotify_add_watch(fd, path, UInt32(IN_MODIFY | IN_CLOSE_WRITE)) < 0 {
            close(fd)
            self.fd = -1
        } else {
            self.fd = fd
        }
        #else
        fd = -1
        #endif
    }

    deinit { if fd >= 0 { close(fd) } }

    /// Reads the pending notifications; true when there were any.
    func drain() -> Bool {
        guard fd >= 0 else { return false }
        var buffer = [UInt8](repeating: 0, count: 4096)
        var any = false
        while buffer.withUnsafeMutableBytes({ read(fd, $0.baseAddress, $0.count) }) > 0 { any = true }
        return any
    }
}
