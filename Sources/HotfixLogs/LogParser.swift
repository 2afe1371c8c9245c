/// The parser's public face: one line, or a text with stack traces, to `LogRecord`s.
public enum LogParser {
    /// One line as kubectl prints it (prefix and timestamp optional).
    public static func parse(_ line: String) -> LogRecord {
        var bytes = Array(line.utf8)
        return bytes.withUnsafeMutableBytes { raw in
            let p = UnsafeRawBufferPointer(raw)
            var scanner = LineScanner()
            var f = LineFields()
            scanner.scan(p, p.count, into: &f)
            return RecordText.record(p, f)
        }
    }

    /// Every entry of a text (lines split on LF), stack traces joined to the line that started them.
    public static func records(_ text: String) -> [LogRecord] {
        var assembler = LogAssembler()
        var out: [LogRecord] = []
        // Split on the byte: a CR before the LF would make "\r\n" one Character, and no split.
        for line in text.utf8.split(separator: 0x0A, omittingEmptySubsequences: false) {
            out += assembler.push(String(decoding: line, as: UTF8.self))
        }
        return out + assembler.flush()
    }

    /// The time a line carries (kubectl's timestamp, else the application's), in seconds since 1970.
    public static func time(of line: UnsafeRawBufferPointer) -> Double? {
        var scanner = LineScanner()
        var f = LineFields()
        scanner.scan(line, line.count, into: &f)
        return f.time.isNaN ? nil : f.time
    }
}

/// Groups streamed lines into entries: an entry is returned once the next entry of the same pod
/// begins (or on `flush`).
public struct LogAssembler: Sendable {
    private var scanner = LineScanner()
    private var pods = PodTable()
    private var grouper = RecordGrouper(keepAll: true)

    public init() {}

    public mutating func push(_ line: String) -> [LogRecord] {
        var bytes = Array(line.utf8)
        return bytes.withUnsafeMutableBytes { push(bytes: UnsafeRawBufferPointer($0)) }
    }

    public mutating func push(bytes p: UnsafeRawBufferPointer) -> [LogRecord] {
        var f = LineFields()
        scanner.scan(p, p.count, into: &f)
        let pod = f.hasPod ? pods.index(p, f.podStart, f.podEnd) : PodTable.noPod
        _ = grouper.feed(p, &f, pod: pod)
        return grouper.hasFinished ? grouper.takeFinished().map { [$0] } ?? [] : []
    }

    public mutating func flush() -> [LogRecord] { grouper.flush() }
}
