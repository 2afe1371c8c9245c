import Foundation
import HotfixEngine
import HotfixLogs
#if canImport(Glibc)
import Glibc
#endif

/// Reads a log file (or stdin) in large chunks and runs it through `LogAnalyzer`; a regular file
/// of some size is split at an entry boundary and analysed on two threads.
enum LogInput {
    static let chunkBytes = 4 << 20
    static let parallelFrom = 8 << 20

    static func summarize(_ path: String, bucketSeconds: Double = 30) throws(HotfixError) -> LogSummary {
        if path == "-" { return try stream(fd: 0, name: "standard input", bucketSeconds: bucketSeconds) }
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            let why = String(cString: strerror(errno))
            throw HotfixError.usage("cannot read \(Sanitize.inline(path)): \(why)", untouched: "nothing was analysed",
                                    next: "give a log file (for example from kubectl logs --prefix --timestamps) or - for standard input")
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw HotfixError.environment("cannot stat \(Sanitize.inline(path))") }
        if (st.st_mode & S_IFMT) == S_IFDIR {
            throw HotfixError.usage("\(Sanitize.inline(path)) is a directory, not a log file", untouched: "nothing was analysed")
        }
        let size = Int(st.st_size)
        guard (st.st_mode & S_IFMT) == S_IFREG, size >= parallelFrom else {
            return try sequential(fd: fd, from: 0, to: nil, name: path, bucketSeconds: bucketSeconds)
        }
        let split = splitPoint(fd: fd, size: size)
        let parts = Results()
        let ranges = [(0, split), (split, size)]
        // Map the file rather than copy it; pages are released behind the reader.
        let mapped = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0)
        if let mapped, mapped != MAP_FAILED {
            defer { munmap(mapped, size) }
            _ = madvise(mapped, size, MADV_SEQUENTIAL)
            let file = Mapped(bytes: UnsafeRawBufferPointer(start: mapped, count: size))
            DispatchQueue.concurrentPerform(iterations: 2) { i in
                parts.set(i, mappedRange(file.bytes, from: ranges[i].0, to: ranges[i].1, bucketSeconds: bucketSeconds))
            }
        } else {
            DispatchQueue.concurrentPerform(iterations: 2) { i in
                do throws(HotfixError) {
                    let s = try sequential(fd: fd, from: ranges[i].0, to: ranges[i].1, name: path, bucketSeconds: bucketSeconds)
                    parts.set(i, s)
                } catch {
                    parts.fail(error)
                }
            }
        }
        if let failure = parts.failure { throw failure }
        var summary = parts.get(0)!
        summary.merge(parts.get(1)!)
        return summary
    }

    /// The mapped file, read (never written) by both threads until both are done.
    private struct Mapped: @unchecked Sendable { let bytes: UnsafeRawBufferPointer }

    /// Results of the two halves.
    private final class Results: @unchecked Sendable {
        private let lock = NSLock()
        private var values: [LogSummary?] = [nil, nil]
        private(set) var failure: HotfixError?
        func set(_ i: Int, _ s: LogSummary) { lock.withLock { values[i] = s } }
        func get(_ i: Int) -> LogSummary? { lock.withLock { values[i] } }
        func fail(_ e: HotfixError) { lock.withLock { failure = e } }
    }

    /// The offset of the first line at or after the middle that starts an entry.
    static func splitPoint(fd: Int32, size: Int) -> Int {
        let window = 256 << 10
        var buffer = [UInt8](repeating: 0, count: window)
        let mid = size / 2
        let got = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, window, off_t(mid)) }
        guard got > 0 else { return size }
        return buffer.withUnsafeBytes { raw -> Int in
            let p = UnsafeRawBufferPointer(rebasing: raw[0..<got])
            var first = -1
            var i = 0
            while let nl = p[i...].firstIndex(of: 0x0A) {
                let start = nl + 1
                guard let end = p[start...].firstIndex(of: 0x0A) else { break }
                if first < 0 { first = start }
                if LogAnalyzer.startsEntry(UnsafeRawBufferPointer(rebasing: p[start..<end])) { return mid + start }
                i = start
            }
            return first >= 0 ? mid + first : size
        }
    }

    /// Analyses `file[from..<to]` in windows, handing each window's pages back to the kernel
    /// once read so the resident size stays at about a window whatever the file's size.
    static func mappedRange(_ file: UnsafeRawBufferPointer, from: Int, to: Int, bucketSeconds: Double) -> LogSummary {
        var analyzer = LogAnalyzer(bucketSeconds: bucketSeconds)
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        var pos = from
        var released = from / page * page
        while pos < to {
            let end = min(pos + chunkBytes, to)
            var used = analyzer.consume(UnsafeRawBufferPointer(rebasing: file[pos..<end]))
            if used == 0 {
                // No line break in a whole window (or the last line has none): one line.
                analyzer.line(UnsafeRawBufferPointer(rebasing: file[pos..<end]))
                used = end - pos
            }
            pos += used
            let upto = pos / page * page
            if upto > released {
                _ = madvise(UnsafeMutableRawPointer(mutating: file.baseAddress! + released), upto - released, MADV_DONTNEED)
                released = upto
            }
        }
        return analyzer.finish()
    }

    /// Reads `fd` from `from` to `to` (or the end) in chunks through one analyzer.
    static func sequential(fd: Int32, from: Int, to: Int?, name: String, bucketSeconds: Double) throws(HotfixError) -> LogSummary {
        var analyzer = LogAnalyzer(bucketSeconds: bucketSeconds)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkBytes, alignment: 16)
        defer { buffer.deallocate() }
        var offset = from
        var kept = 0
        while true {
            var want = chunkBytes - kept
            if let to { want = min(want, to - offset) }
            if kept == chunkBytes {
                // One line longer than the whole buffer: analyse its first part as a line.
                analyzer.line(UnsafeRawBufferPointer(buffer))
                kept = 0
                continue
            }
            if want <= 0 { break }
            let n = to == nil && fd == 0 ? read(fd, buffer.baseAddress! + kept, want) : pread(fd, buffer.baseAddress! + kept, want, off_t(offset))
            if n < 0 {
                if errno == EINTR { continue }
                throw HotfixError.environment("cannot read \(Sanitize.inline(name)): \(String(cString: strerror(errno)))",
                                              untouched: "nothing was analysed")
            }
            if n == 0 { break }
            offset += n
            let filled = kept + n
            let used = analyzer.consume(UnsafeRawBufferPointer(rebasing: buffer[0..<filled]))
            kept = filled - used
            if kept > 0 && used > 0 { memmove(buffer.baseAddress!, buffer.baseAddress! + used, kept) }
        }
        if kept > 0 { analyzer.line(UnsafeRawBufferPointer(rebasing: buffer[0..<kept])) }
        return analyzer.finish()
    }

    /// A pipe (`kubectl logs … | hotfix logs analyze -`), on two threads as a file is: this thread
    /// reads blocks and cuts each before a line that starts an entry; the blocks go in turn to two
    /// analyzers whose summaries are merged at the end. Memory stays at a few blocks.
    static func stream(fd: Int32, name: String, bucketSeconds: Double) throws(HotfixError) -> LogSummary {
        #if os(Linux)
        // A larger pipe: fewer wake-ups of this reader and of the writer (best effort).
        _ = fcntl(fd, 1031 /* F_SETPIPE_SZ */, 1 << 20)
        #endif
        let pool = BlockQueue(capacity: 6)
        for _ in 0..<6 { pool.put(UnsafeMutableRawBufferPointer.allocate(byteCount: chunkBytes, alignment: 16), count: 0) }
        defer { while let (b, _) = pool.take(waiting: false) { b.deallocate() } }
        var buffer = pool.take()!.0
        var filled = 0
        var atEnd = false
        func fill() throws(HotfixError) {
            while filled < chunkBytes {
                let n = read(fd, buffer.baseAddress! + filled, chunkBytes - filled)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw HotfixError.environment("cannot read \(Sanitize.inline(name)): \(String(cString: strerror(errno)))", untouched: "nothing was analysed")
                }
                if n == 0 { atEnd = true; return }
                filled += n
            }
        }
        try fill()
        if atEnd {
            // Small input: one analyzer, here.
            var analyzer = LogAnalyzer(bucketSeconds: bucketSeconds)
            analyze(&analyzer, UnsafeRawBufferPointer(rebasing: buffer[0..<filled]))
            pool.put(buffer, count: 0)
            return analyzer.finish()
        }
        let queues = [BlockQueue(capacity: 2), BlockQueue(capacity: 2)]
        let parts = Results()
        let finished = DispatchSemaphore(value: 0)
        // Threads of their own: on Dispatch's pool, with this thread blocked reading, the second
        // worker waited about a second for Dispatch to decide the pool was stuck.
        for i in 0..<2 {
            Thread.detachNewThread {
                var analyzer = LogAnalyzer(bucketSeconds: bucketSeconds)
                while let (block, count) = queues[i].take() {
                    analyze(&analyzer, UnsafeRawBufferPointer(rebasing: block[0..<count]))
                    pool.put(block, count: 0)
                }
                parts.set(i, analyzer.finish())
                finished.signal()
            }
        }
        var turn = 0
        var failure: HotfixError?
        while true {
            let cut = atEnd ? filled : entryCut(UnsafeRawBufferPointer(rebasing: buffer[0..<filled]))
            let next = pool.take()!.0
            let rest = filled - cut
            if rest > 0 { memcpy(next.baseAddress!, buffer.baseAddress! + cut, rest) }
            queues[turn].put(buffer, count: cut)
            turn ^= 1
            buffer = next
            filled = rest
            if atEnd { break }
            do { try fill() } catch { failure = error; break }
            if atEnd && filled == 0 { break }
        }
        pool.put(buffer, count: 0)
        for q in queues { q.close() }
        finished.wait()
        finished.wait()
        if let failure { throw failure }
        var summary = parts.get(0)!
        summary.merge(parts.get(1)!)
        return summary
    }

    /// Every complete line of `block`, then what is left as one line (the input's last line
    /// without a break, or a line longer than a whole block), as `sequential` does.
    static func analyze(_ analyzer: inout LogAnalyzer, _ block: UnsafeRawBufferPointer) {
        let used = analyzer.consume(block)
        if used < block.count { analyzer.line(UnsafeRawBufferPointer(rebasing: block[used...])) }
    }

    /// Where to cut a full block: before its last line that surely starts an entry (so no stack
    /// trace is split), else after its last line break, else (one line longer than the block) at its end.
    static func entryCut(_ p: UnsafeRawBufferPointer) -> Int {
        guard let lastBreak = p.lastIndex(of: 0x0A) else { return p.count }
        var end = lastBreak
        var tries = 0
        while end > 0 && tries < 10_000 {
            var start = end
            while start > 0 && p[start - 1] != 0x0A { start -= 1 }
            guard start > 0 else { break }
            if LogAnalyzer.startsEntry(UnsafeRawBufferPointer(rebasing: p[start..<end])) { return start }
            end = start - 1
            tries += 1
        }
        return lastBreak + 1
    }

    /// Blocks handed between threads, at most `capacity` waiting.
    final class BlockQueue: @unchecked Sendable {
        private let cond = NSCondition()
        private var blocks: [(UnsafeMutableRawBufferPointer, Int)] = []
        private var closed = false
        let capacity: Int

        init(capacity: Int) { self.capacity = capacity }

        func put(_ block: UnsafeMutableRawBufferPointer, count: Int) {
            cond.lock()
            while blocks.count >= capacity { cond.wait() }
            blocks.append((block, count))
            cond.broadcast()
            cond.unlock()
        }

        func take(waiting: Bool = true) -> (UnsafeMutableRawBufferPointer, Int)? {
            cond.lock()
            defer { cond.unlock() }
            while waiting && blocks.isEmpty && !closed { cond.wait() }
            guard !blocks.isEmpty else { return nil }
            cond.broadcast()
            return blocks.removeFirst()
        }

        func close() {
            cond.lock()
            closed = true
            cond.broadcast()
            cond.unlock()
        }
    }
}
