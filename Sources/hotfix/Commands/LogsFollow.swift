import ArgumentParser
import Foundation
import HotfixEngine
import HotfixLogs
import HotfixWorkflow
#if canImport(Glibc)
import Glibc
#endif

/// `hotfix logs follow`: the DEPLOY stream for people who are not in the console, stern-style.
struct LogsFollow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "follow",
        abstract: "Follow every pod of the deployment in .hotfix.yml, stern-style, until interrupted.",
        discussion: """
        The pods are followed as the monitoring window follows them: one kubectl proxy on a private \
        socket (one kubectl per container when the proxy cannot start), new pods picked up as they \
        come, a dropped stream resumed without repeating a line. Each line: + for a pod of the \
        deployment's current template (new), - for an older one (old), the pod, the container when \
        the pods have more than one, kubectl's time, the text with control sequences removed. In a \
        terminal the pod is its short tag in a colour of its own (NO_COLOR turns colours off); into a \
        pipe or a file, the full pod name and an RFC 3339 time. Ctrl-C (or SIGTERM) stops it and \
        leaves no kubectl behind.

        Examples:
          hotfix logs follow
          hotfix logs follow --new --grep 'KeyError|Traceback'
          hotfix logs follow --pod x1k2p --since 5m
        """)

    @Flag(help: "Only the pods of older templates (during a rollout: the old version).") var old = false
    @Flag(name: .customLong("new"), help: "Only the pods of the deployment's current template.") var newOnly = false
    @Option(help: ArgumentHelp("Only pods whose name contains this (a full name or a short tag).", valueName: "pod")) var pod: String?
    @Option(help: ArgumentHelp("Only lines matching this regular expression (case-insensitive).", valueName: "regex")) var grep: String?
    @Option(help: ArgumentHelp("How far back to start for pods already running: 30s, 5m, 1h.", valueName: "span")) var since = "10s"

    func run() async throws {
        if old && newOnly { throw HotfixError.usage("--old and --new exclude each other: leave both out for every pod") }
        guard let span = Durations.parseSpan(since) else {
            throw HotfixError.usage("--since '\(Sanitize.inline(since))' is not a span", next: "use e.g. 30s, 5m or 1h")
        }
        var pattern: NSRegularExpression?
        if let grep {
            do { pattern = try NSRegularExpression(pattern: grep, options: [.caseInsensitive]) } catch {
                throw HotfixError.usage("--grep '\(Sanitize.inline(grep))' is not a regular expression", next: "escape ( [ { * + ? with a backslash to match them as text")
            }
        }
        let session = try await Wiring.session()
        let terminal = isatty(STDOUT_FILENO) == 1
        let printer = FollowPrinter(side: old ? false : (newOnly ? true : nil), pod: pod, grep: pattern, terminal: terminal,
                                    colour: terminal && (session.environment["NO_COLOR"] ?? "").isEmpty)
        // Ctrl-C, SIGTERM and SIGHUP end the follow the way it should end: every stream and kubectl stopped first.
        let stop = StopSignal()
        let signals = [SIGINT, SIGTERM, SIGHUP].map { sig in
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { stop.fire() }
            source.resume()
            return source
        }
        defer { signals.forEach { $0.cancel() } }
        let running = try await FollowWorkflow(session).follow(since: span, reader: printer) { Output.warn($0) }
        printer.showContainers = running.containers > 1
        FileHandle.standardError.write(Data("hotfix: following deployment/\(running.deployment)\(running.namespace.isEmpty ? "" : " in \(running.namespace)"): \(running.how); Ctrl-C stops\n".utf8))
        await stop.wait()
        await running.stop()
    }
}

/// Fires once, from a signal handler's queue; `wait` returns after it fired.
final class StopSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var fired = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func fire() {
        let ready = lock.withLock { () -> [CheckedContinuation<Void, Never>] in
            fired = true
            defer { waiters = [] }
            return waiters
        }
        for w in ready { w.resume() }
    }

    func wait() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let now = lock.withLock { () -> Bool in
                if fired { return true }
                waiters.append(c)
                return false
            }
            if now { c.resume() }
        }
    }
}

/// Prints followed lines stern-style as they come (one write per batch).
final class FollowPrinter: LiveLogReader, @unchecked Sendable {
    let side: Bool?
    let pod: String?
    let grep: NSRegularExpression?
    let terminal: Bool
    let colour: Bool
    private let lock = NSLock()
    private var readers: [String: LiveLineReader] = [:]
    private var shows = false

    init(side: Bool?, pod: String?, grep: NSRegularExpression?, terminal: Bool, colour: Bool) {
        self.side = side; self.pod = pod; self.grep = grep; self.terminal = terminal; self.colour = colour
    }

    var showContainers: Bool {
        get { lock.withLock { shows } }
        set { lock.withLock { shows = newValue } }
    }

    static let podColours = [36, 32, 35, 94, 96, 95]

    func lines(_ batch: FollowedLines) {
        if let side, batch.isNew != side { return }
        if let pod, !batch.pod.contains(pod) { return }
        let key = batch.pod + "/" + batch.container
        var reader = lock.withLock { readers.removeValue(forKey: key) } ?? LiveLineReader()
        let tag = LiveTag.side(isNew: batch.isNew) + (terminal ? LiveTag.short(batch.pod) : batch.pod)
        let prefix = (colour ? "\u{1b}[\(Self.podColours[LiveTag.colour(batch.pod, count: Self.podColours.count)])m\(tag)\u{1b}[0m" : tag)
            + (showContainers ? " " + batch.container : "")
        var out = ""
        batch.forEach { text, time in
            let line = reader.read(text, time: time)
            if let grep, grep.firstMatch(in: line.text, range: NSRange(line.text.startIndex..., in: line.text)) == nil { return }
            out += prefix + " " + stamp(time) + " " + paint(line, isNew: batch.isNew) + "\n"
        }
        lock.withLock {
            readers[key] = reader
            if !out.isEmpty { FileHandle.standardOutput.write(Data(out.utf8)) }
        }
    }

    func pod(_ pod: FollowedPod) {}

    /// `10:41:02` (local time) in a terminal, `2026-11-26T10:41:02.123Z` into a pipe.
    func stamp(_ time: Double) -> String {
        guard terminal else { return Durations.iso(Date(timeIntervalSince1970: time)) }
        var secs = time_t(time.rounded(.down))
        var t = tm()
        localtime_r(&secs, &t)
        return String(format: "%02d:%02d:%02d", Int(t.tm_hour), Int(t.tm_min), Int(t.tm_sec))
    }

    func paint(_ line: LiveLine, isNew: Bool) -> String {
        guard colour else { return line.text }
        if line.isError { return "\u{1b}[31m" + line.text + "\u{1b}[0m" }
        if line.level == .warn { return "\u{1b}[33m" + line.text + "\u{1b}[0m" }
        if line.level <= .debug && line.level != .unknown || !isNew { return "\u{1b}[2m" + line.text + "\u{1b}[0m" }
        return line.text
    }
}
