/// One followed line as a live view shows it (the console's DEPLOY stream, `hotfix logs follow`):
/// how severe it is, whether it belongs to an error entry, its text made safe for a terminal, and
/// for the first line of an error entry the shape template mining sees, so a view can tell the
/// targeted error and new error templates apart from the rest. Nothing here is counted: the
/// verdict reads the same lines through `MonitorModel`.
public struct LiveLine: Sendable, Equatable {
    public var level: LogLevel
    /// The line starts an error entry (level error or fatal, or an HTTP 5xx), or is a line of
    /// such an entry's stack trace.
    public var isError: Bool
    /// A line of the entry above it (a stack trace, a `Caused by:`), not an entry of its own.
    public var isContinuation: Bool
    /// The text to show: sanitized, without the application's leading timestamp when it says
    /// what kubectl's does (within `LiveLineReader.sameTime` seconds).
    public var text: String
    /// For the first line of an error entry: its message as `Masking.tokens` masks it, the
    /// tokens joined by spaces (compare with `LiveShape.matches`).
    public var errorShape: String?

    public init(level: LogLevel, isError: Bool, isContinuation: Bool = false, text: String, errorShape: String? = nil) {
        self.level = level; self.isError = isError; self.isContinuation = isContinuation; self.text = text; self.errorShape = errorShape
    }
}

/// Reads the lines of one container as they arrive (keep one per container: a stack trace is
/// joined to the entry above it from the same container).
public struct LiveLineReader: Sendable {
    private var scanner = LineScanner()
    private var trace = TraceState()
    /// The open entry is an error: its trace lines are too.
    private var openIsError = false
    private var sanitizer: DisplaySanitizer

    /// An application timestamp this close to kubectl's is left out of the text (the view shows
    /// kubectl's); a farther one (another time zone, a buffered write) stays in the text.
    public static let sameTime = 5.0

    public init(maxLineBytes: Int = 16 * 1024) {
        sanitizer = DisplaySanitizer(maxLineBytes: maxLineBytes, tabWidth: 8)
    }

    /// One line: `body` is the application's text (no kubectl prefix or timestamp), `time`
    /// kubectl's timestamp (seconds since 1970).
    public mutating func read(_ body: UnsafeRawBufferPointer, time: Double) -> LiveLine {
        var f = LineFields()
        scanner.scanBody(body, body.count, time: time, into: &f)
        let role = trace.classify(body, f.bodyStart, f.end, level: f.level)
        var textStart = 0
        if f.end >= 19, body[0] &- 0x30 <= 9, body[4] == 0x2D, let (t, after) = scanner.timestamps.parse(body, 0, f.end),
           abs(t - time) <= Self.sameTime {
            textStart = after
            while textStart < f.end && body[textStart] == 0x20 { textStart += 1 }
        }
        let text = sanitizer.line(UnsafeRawBufferPointer(rebasing: body[textStart..<max(textStart, f.end)]))
        switch role {
        case .continuation, .exception:
            return LiveLine(level: f.level, isError: openIsError, isContinuation: true, text: text)
        case .blank:
            return LiveLine(level: f.level, isError: false, text: text)
        case .start, .traceStart:
            // A bare traceback starts an error entry of its own.
            let isError = f.isError || role == .traceStart
            openIsError = isError
            guard isError else { return LiveLine(level: f.level, isError: false, text: text) }
            let record = RecordText.record(body, f)
            return LiveLine(level: f.level, isError: true, text: text, errorShape: Masking.tokens(record.templateText).joined(separator: " "))
        }
    }
}

/// Whether a line's error shape belongs to a mined template: token for token, `<*>` matching
/// any one token. A template mined from a whole entry (`message | exception`) is compared up
/// to its `|`, as a live line knows only its first line's message.
public enum LiveShape {
    public static func matches(_ shape: String, template: String) -> Bool {
        let a = shape.split(separator: " ", omittingEmptySubsequences: true)
        var t = template.split(separator: " ", omittingEmptySubsequences: true)
        if a.count != t.count, let bar = t.firstIndex(of: "|") { t = Array(t[..<bar]) }
        guard a.count == t.count, !a.isEmpty else { return false }
        for (x, y) in zip(a, t) where y != "<*>" && x != y { return false }
        return true
    }
}

/// Reads lines as `kubectl logs --prefix --timestamps` prints them (a recorded deploy for
/// `hotfix monitor --replay`): the `[pod/NAME/CONTAINER]` prefix and kubectl's time, then the
/// text as `LiveLineReader` reads it, one reader per container.
public struct PrefixedLineReader: Sendable {
    private var scanner = LineScanner()
    private var readers: [String: LiveLineReader] = [:]

    public init() {}

    /// The line's pod and container ("" when it has no prefix), its time (kubectl's, else the
    /// application's, else `receivedAt`) and what it says.
    public mutating func read(_ line: String, receivedAt: Double) -> (pod: String, container: String, time: Double, line: LiveLine) {
        var bytes = Array(line.utf8)
        return bytes.withUnsafeMutableBytes { raw in
            let p = UnsafeRawBufferPointer(raw)
            var f = LineFields()
            scanner.scan(p, p.count, into: &f)
            let pod = RecordText.text(p, f.podStart, f.podEnd), container = RecordText.text(p, f.containerStart, f.containerEnd)
            let time = f.time.isNaN ? receivedAt : f.time
            let key = pod + "/" + container
            if readers[key] == nil && readers.count >= 4096 { readers.removeAll(keepingCapacity: true) }
            let live = readers[key, default: LiveLineReader()].read(UnsafeRawBufferPointer(rebasing: p[f.bodyStart..<f.end]), time: time)
            return (pod, container, time, live)
        }
    }
}
