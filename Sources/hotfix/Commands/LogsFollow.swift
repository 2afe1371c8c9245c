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

        --pod takes a whole pod name or its short tag, as kubectl does, never a part of a name; \
        --pod-regex is stern's pod query, searched in each full name. When no pod there matches, \
        a warning lists the pods there are and the follow goes on: a pod that matches later (a \
        rollout's) is followed from its first line. An unreachable or refusing cluster is one \
        error, with kubectl's last two lines at most.

        Examples:
          hotfix logs follow
          hotfix logs follow --new --grep 'KeyError|Traceback'
          hotfix logs follow --pod x1k2p --since 5m
          hotfix logs follow --pod-regex '^users-api-' --new
        """)

    @Flag(help: "Only the pods of older templates (during a rollout: the old version).") var old = false
    @Flag(name: .customLong("new"), help: "Only the pods of the deployment's current template.") var newOnly = false
    @Option(name: .customLong("pod"), help: ArgumentHelp("Only this pod: its whole name or the short tag printed in front of its lines, never a part of a name (repeat for more pods).", valueName: "name|tag"))
    var pods: [String] = []
    @Option(name: .customLong("pod-regex"), help: ArgumentHelp("Only pods whose name this regular expression finds, stern's pod query, e.g. '^users-api-' or 'x1k2p|q8zr4': pods a rollout starts later match too.", valueName: "regex"))
    var podRegex: String?
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
        let query = try podQuery()
        let session = try await Wiring.session()
        let terminal = isatty(STDOUT_FILENO) == 1
        // Ctrl-C, SIGTERM and SIGHUP end the follow the way it should end: every stream and kubectl
        // stopped first; so does a reader that went away (`| head`, `| grep -m1`).
        let stop = StopSignal()
        let printer = FollowPrinter(side: old ? false : (newOnly ? true : nil), query: query, grep: pattern, terminal: terminal,
                                    colour: terminal && (session.environment["NO_COLOR"] ?? "").isEmpty, closed: { stop.fire() })
        let signals = [SIGINT, SIGTERM, SIGHUP].map { sig in
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { stop.fire() }
            source.resume()
            return source
        }
        defer { signals.forEach { $0.cancel() } }
        let say: @Sendable (String) -> Void = { FileHandle.standardError.write(Data("hotfix: \(Sanitize.inline($0))\n".utf8)) }
        let running = try await FollowWorkflow(session).follow(since: span, reader: printer, status: say) { Output.warn($0) }
        printer.showContainers = running.containers > 1
        let target = "deployment/\(running.deployment)\(running.namespace.isEmpty ? "" : " in \(running.namespace)")"
        say("following \(target): \(running.how); Ctrl-C stops")
        if let waiting = running.waitingForPods { say(waiting) }
        if let query, let missing = printer.start(pods: running.pods, query: query, target: target) { Output.warn(missing) }
        await stop.wait()
        await running.stop()
    }

    /// `--pod` (names or tags) or `--pod-regex`, checked before anything is read.
    func podQuery() throws(HotfixError) -> PodQuery? {
        guard let podRegex else { return PodQuery(names: pods) }
        guard pods.isEmpty else {
            throw HotfixError.usage("--pod and --pod-regex exclude each other", next: "give names and tags with --pod, or one regular expression with --pod-regex")
        }
        do { return try PodQuery(regex: podRegex) } catch {
            throw HotfixError.usage("--pod-regex '\(Sanitize.inline(podRegex))' is not a regular expression", next: "escape ( [ { * + ? with a backslash to match them as text")
        }
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
    let query: PodQuery?
    let grep: NSRegularExpression?
    let terminal: Bool
    let colour: Bool
    private let lock = NSLock()
    private var readers: [String: LiveLineReader] = [:]
    private var shows = false
    /// Each pod's answer to the query, asked once per pod.
    private var answers: [String: Bool] = [:]
    /// The pods the query matches that run now (nil until `start`), and where the follow goes.
    private var matching: Set<String>?
    private var target = ""
    /// The deployment's pods that run now (not being deleted), as the pod watch reports them.
    private var present = Set<String>()

    /// Called once when stdout is closed (EPIPE): the follow ends as `grep | head` does.
    let closed: @Sendable () -> Void
    private var open = true

    init(side: Bool?, query: PodQuery?, grep: NSRegularExpression?, terminal: Bool, colour: Bool, closed: @escaping @Sendable () -> Void = {}) {
        self.side = side; self.query = query; self.grep = grep; self.terminal = terminal; self.colour = colour; self.closed = closed
    }

    /// The pods there were when the follow started: what to tell the person when the query names
    /// none of them (nil when it names one). From now on, a matching pod that appears is announced
    /// once, and so is the last matching one going away.
    func start(pods: [String], query: PodQuery, target: String) -> String? {
        // The pod watch may have reported pods already (one created since the list, too).
        let (found, all) = lock.withLock {
            present.formUnion(pods)
            matching = present.filter { query.matches($0) }
            self.target = target
            return (matching ?? [], Array(present))
        }
        guard found.isEmpty else { return nil }
        return Self.noMatch(query: query, target: target, pods: all)
    }

    static func noMatch(query: PodQuery, target: String, pods: [String], went: String? = nil) -> String {
        let what = went.map { "pod \($0) is gone and no pod of \(target) matches \(query.flag) now" }
            ?? "no pod of \(target) matches \(query.flag) now"
        let regex = query.flag.hasPrefix("--pod-regex")
        let how = regex ? "" : " (--pod takes a whole pod name or its short tag, not a part of a name)"
        let next = regex ? "Ctrl-C and change the expression to match a name from the list, or wait for the rollout"
            : "Ctrl-C and pass a name or tag from the list, or --pod-regex to match a part of the names"
        return "\(what)\(how); pods: \(pods.isEmpty ? "none running" : PodQuery.list(pods)); nothing was changed; "
            + "still following: a pod that matches is printed when it appears (a rollout); next: \(next)"
    }

    /// The query's answer for `pod`, cached (a batch comes many times a second).
    private func wanted(_ pod: String) -> Bool {
        guard let query else { return true }
        return lock.withLock {
            if let known = answers[pod] { return known }
            let yes = query.matches(pod)
            answers[pod] = yes
            return yes
        }
    }

    var showContainers: Bool {
        get { lock.withLock { shows } }
        set { lock.withLock { shows = newValue } }
    }

    static let podColours = [36, 32, 35, 94, 96, 95]

    func lines(_ batch: FollowedLines) {
        if let side, batch.isNew != side { return }
        if !wanted(batch.pod) { return }
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
            guard open, !out.isEmpty else { return }
            do { try FileHandle.standardOutput.write(contentsOf: Data(out.utf8)) } catch {
                open = false
                closed()
            }
        }
    }

    /// A matching pod that appears is announced once; so is the last matching one going away.
    func pod(_ pod: FollowedPod) {
        guard let query else { return }
        let said: String? = lock.withLock {
            if pod.deleted { present.remove(pod.name) } else { present.insert(pod.name) }
            guard var now = matching, query.matches(pod.name) else { return nil }
            defer { matching = now }
            if pod.deleted {
                guard now.remove(pod.name) != nil, now.isEmpty else { return nil }
                return "warning: " + Self.noMatch(query: query, target: target, pods: Array(present), went: pod.name)
            }
            guard now.insert(pod.name).inserted else { return nil }
            return "following pod \(pod.name) (\(LiveTag.short(pod.name))): it matches \(query.flag)"
        }
        if let said { FileHandle.standardError.write(Data("hotfix: \(Sanitize.inline(said))\n".utf8)) }
    }

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
