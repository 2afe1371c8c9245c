/// How severe a log entry says it is.
public enum LogLevel: UInt8, Sendable, Codable, Comparable, CaseIterable {
    case unknown, trace, debug, info, warn, error, fatal

    public static func < (a: LogLevel, b: LogLevel) -> Bool { a.rawValue < b.rawValue }

    /// Lowercase name, as shown and written in JSON.
    public var name: String {
        switch self {
        case .unknown: "unknown"
        case .trace: "trace"
        case .debug: "debug"
        case .info: "info"
        case .warn: "warn"
        case .error: "error"
        case .fatal: "fatal"
        }
    }
}

/// The shape of the application's part of a line.
public enum LogFormat: String, Sendable, Codable {
    case plain, json, logfmt
}

/// One log entry: a line as kubectl prints it, with any stack trace lines that followed it.
public struct LogRecord: Sendable, Equatable {
    public var pod: String?
    public var container: String?
    /// Seconds since 1970 (UTC): kubectl's `--timestamps` prefix, else the application's own.
    public var time: Double?
    public var level: LogLevel
    /// HTTP status, when the line is a request.
    public var status: Int?
    /// Request latency in milliseconds.
    public var latencyMs: Double?
    /// The application's message (for plain text: the line after the timestamp and level).
    public var message: String
    /// The exception a stack trace ended with (Python) or began with (Java), or a JSON error field.
    public var exception: String?
    public var format: LogFormat
    /// Stack trace lines attached to this entry.
    public var traceLines: Int

    public init(pod: String? = nil, container: String? = nil, time: Double? = nil, level: LogLevel = .unknown,
                status: Int? = nil, latencyMs: Double? = nil, message: String, exception: String? = nil,
                format: LogFormat = .plain, traceLines: Int = 0) {
        self.pod = pod; self.container = container; self.time = time; self.level = level
        self.status = status; self.latencyMs = latencyMs; self.message = message
        self.exception = exception; self.format = format; self.traceLines = traceLines
    }

    /// Level error or fatal, or an HTTP 5xx.
    public var isError: Bool { LogRecord.isError(level: level, status: status ?? 0) }

    @inline(__always)
    static func isError(level: LogLevel, status: Int) -> Bool { level >= .error || status >= 500 }

    /// The text error templates are mined from: the message, then the exception if any.
    public var templateText: String {
        guard let exception, !exception.isEmpty, !Self.bytes(of: message, contain: exception) else { return message }
        return message.isEmpty ? exception : message + " | " + exception
    }

    /// Whether `text` holds `part` byte for byte (Foundation's `contains` cost more than the
    /// rest of mining an entry).
    static func bytes(of text: String, contain part: String) -> Bool {
        var text = text, part = part
        return text.withUTF8 { t in
            part.withUTF8 { p in Words.contains(UnsafeRawBufferPointer(t), 0, t.count, UnsafeRawBufferPointer(p)) }
        }
    }
}
