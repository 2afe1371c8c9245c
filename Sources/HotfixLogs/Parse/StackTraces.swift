/// How a line relates to the entry before it from the same pod.
enum LineRole: Equatable {
    /// A new entry.
    case start
    /// A new entry that is itself the start of a trace (a bare Python `Traceback`, a Go `goroutine`).
    case traceStart
    /// Part of the open entry's stack trace.
    case continuation
    /// The trace line naming the exception (Python's last line, Java's first).
    case exception(latest: Bool)
    /// An empty line outside a trace.
    case blank
}

/// Per-pod memory of whether a stack trace is in progress, so its lines join the entry that
/// started it: Python `Traceback`, Java `at …`/`Caused by:`, Go `goroutine N [...]`.
struct TraceState: Equatable {
    enum Mode: UInt8 { case none, python, pythonAfter, java, go }
    var mode = Mode.none
    var open = false
    var openLevel = LogLevel.unknown
    /// The open entry's first line is kept by the grouper (an error, or everything).
    var kept = false

    /// Field by field, inline (the synthesized `==` was a call per line on the hot path).
    @inline(__always)
    static func == (a: TraceState, b: TraceState) -> Bool {
        a.mode == b.mode && a.open == b.open && a.openLevel == b.openLevel && a.kept == b.kept
    }

    /// Classifies the body `p[s..<n]` of a line and updates the state.
    @inline(__always)
    mutating func classify(_ p: UnsafeRawBufferPointer, _ s: Int, _ n: Int, level: LogLevel) -> LineRole {
        // For speed, inline: outside a trace, after an entry below warn (no exception line can
        // follow it), a line not indented and not starting as a trace's first or joining line
        // could start (T, C, S, g) is a new entry; `classifyAny` would say the same.
        if s < n && mode == .none && !(open && openLevel >= .warn) {
            let c = Words.byte(p, s)
            if c != 0x20 && c != 0x09 && c != 0x54 && c != 0x43 && c != 0x53 && c != 0x67 {
                open = true
                openLevel = level
                return .start
            }
        }
        return classifyAny(p, s, n, level: level)
    }

    @inline(never)
    private mutating func classifyAny(_ p: UnsafeRawBufferPointer, _ s: Int, _ n: Int, level: LogLevel) -> LineRole {
        guard s < n else { return mode == .none || !open ? .blank : .continuation }
        let c = p[s]
        if c == 0x7B && mode == .none { return begin(level) }  // JSON: always an entry of its own
        if c == 0x20 || c == 0x09 {
            return open ? .continuation : begin(level)
        }
        switch mode {
        case .python:
            if Self.has(p, s, n, "Traceback ") { return .continuation }
            mode = .pythonAfter
            return .exception(latest: true)
        case .pythonAfter:
            if Self.has(p, s, n, "During handling of the above exception") || Self.has(p, s, n, "The above exception was") {
                return .continuation
            }
            if Self.has(p, s, n, "Traceback ") { mode = .python; return .continuation }
        case .go:
            if Self.has(p, s, n, "goroutine ") || Self.has(p, s, n, "created by ") || Self.has(p, s, n, "[signal ")
                || Self.has(p, s, n, "exit status ") || (p[n - 1] == 0x29 && Self.contains(p, s, n, 0x28)) {
                return .continuation
            }
        case .none, .java:
            break
        }
        switch c {
        case 0x54 where Self.has(p, s, n, "Traceback (most recent call last)"):
            if open { mode = .python; return .continuation }
            _ = begin(.error); mode = .python
            return .traceStart
        case 0x43 where Self.has(p, s, n, "Caused by: "), 0x53 where Self.has(p, s, n, "Suppressed: "):
            if open { mode = .java; return .continuation }
        case 0x67 where Self.has(p, s, n, "goroutine ") && n - s > 10 && p[s + 10] &- 0x30 <= 9:
            if open { mode = .go; return .continuation }
            _ = begin(.fatal); mode = .go
            return .traceStart
        default:
            if open && openLevel >= .warn && (mode == .none || mode == .java) && Self.javaException(p, s, n) {
                mode = .java
                return .exception(latest: false)
            }
        }
        return begin(level)
    }

    private mutating func begin(_ level: LogLevel) -> LineRole {
        mode = .none
        open = true
        openLevel = level
        return .start
    }

    @inline(__always)
    static func has(_ p: UnsafeRawBufferPointer, _ s: Int, _ n: Int, _ prefix: StaticString) -> Bool {
        let count = prefix.utf8CodeUnitCount
        guard n - s >= count else { return false }
        let w = prefix.utf8Start
        for k in 0..<count where p[s + k] != w[k] { return false }
        return true
    }

    static func contains(_ p: UnsafeRawBufferPointer, _ s: Int, _ n: Int, _ byte: UInt8) -> Bool {
        for k in s..<n where p[k] == byte { return true }
        return false
    }

    /// `java.lang.IllegalStateException: ...`, `com.acme.BillingError`: a dotted name ending in
    /// Exception, Error or Throwable, alone or before a colon.
    static func javaException(_ p: UnsafeRawBufferPointer, _ s: Int, _ n: Int) -> Bool {
        var i = s
        var dots = 0
        while i < n {
            let b = p[i]
            if b == 0x2E { dots += 1 } else if !((b | 0x20) &- 0x61 < 26 || b &- 0x30 <= 9 || b == 0x5F || b == 0x24) { break }
            i += 1
        }
        guard dots > 0, i == n || p[i] == 0x3A else { return false }
        func ends(_ suffix: StaticString) -> Bool {
            let count = suffix.utf8CodeUnitCount
            guard i - s > count else { return false }
            return has(p, i - count, i, suffix)
        }
        return ends("Exception") || ends("Error") || ends("Throwable")
    }
}
