import Foundation
import HotfixEngine
import Subprocess
#if canImport(System)
import System
#else
import SystemPackage
#endif

/// One `kubectl proxy` on a Unix socket in a private (0700) directory: kubectl stays the only
/// thing that authenticates to the cluster (certificates, tokens, exec plugins, OIDC), and the
/// runtime streams the pod watch and every container's log through it. Read-only: only GET of
/// /version, pods and pod logs passes. Restarted when it dies; stopped with `stop()`; a proxy
/// left by a killed hotfix (its pid file) is ended by the next start.
public final class KubeProxy: @unchecked Sendable {
    /// What happened to the proxy process (for notices).
    public enum Event: Sendable, Equatable {
        case started(pid: Int32)
        /// It exited on its own (exit code, its last words); it is restarted.
        case exited(code: Int32, message: String)
    }

    public let kubectl: Kubectl
    /// The private directory holding the socket and the pid file.
    public let directory: String
    public let socketPath: String
    private let ownsDirectory: Bool

    private let lock = NSLock()
    private var supervisor: Task<Void, Never>?
    private var pid: Int32?
    private var stopped = false
    private var onEvent: @Sendable (Event) -> Void = { _ in }
    private var lastWords: [String] = []
    private var exits = 0

    /// The proxy's socket, for `UnixHTTPClient`.
    var client: UnixHTTPClient { UnixHTTPClient(socketPath: socketPath) }

    /// The process id of the running proxy, if one runs.
    public var processID: Int32? { lock.withLock { pid } }

    /// How many times the proxy exited by itself (and was restarted).
    public var restarts: Int { lock.withLock { exits } }

    /// Prepares `parent/proxy` (created 0700, or made so): the socket lives there. Without a
    /// parent, or when the path would be too long for a socket (108 bytes), a private temporary
    /// directory is used and removed by `stop()`.
    public init(kubectl: Kubectl, parent: String?) throws(HotfixError) {
        self.kubectl = kubectl
        let fm = FileManager.default
        var dir = parent.map { $0 + "/proxy" }
        if let d = dir, d.utf8.count + "/kubectl.sock".utf8.count >= 100 { dir = nil }
        if let d = dir {
            do {
                try fm.createDirectory(atPath: d, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw HotfixError.environment("cannot create \(d) for kubectl proxy's socket: \(error.localizedDescription)")
            }
            // Made private even when it was there already: no other local user may reach the socket.
            guard chmod(d, 0o700) == 0 else {
                throw HotfixError.environment("cannot make \(d) private (chmod 700): \(String(cString: strerror(errno)))")
            }
            directory = d
            ownsDirectory = false
        } else {
            var template = Array((NSTemporaryDirectory() + "/hotfix-proxy-XXXXXX").utf8CString)
            guard let made = mkdtemp(&template) else {
                throw HotfixError.environment("cannot create a private directory for kubectl proxy's socket: \(String(cString: strerror(errno)))")
            }
            directory = String(cString: made)
            ownsDirectory = true
        }
        socketPath = directory + "/kubectl.sock"
    }

    var pidFile: String { directory + "/proxy.pid" }

    /// The argv: kubectl with the deploy's flags, `proxy` on the socket, GET of pods and logs only.
    public var argv: [String] {
        kubectl.argv(KubeCall.proxy(socket: socketPath))
    }

    /// Starts the proxy and waits until its socket answers; throws (and leaves nothing running)
    /// when it cannot: kubectl missing, a flag it does not know, a socket it cannot create.
    public func start(onEvent: @escaping @Sendable (Event) -> Void = { _ in }) async throws(HotfixError) {
        lock.withLock { self.onEvent = onEvent }
        Self.endStale(pidFile: pidFile, socket: socketPath)
        unlink(socketPath)
        let task = Task { [self] in await supervise() }
        lock.withLock { supervisor = task }
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            if await answers() { return }
            let (gaveUp, words) = lock.withLock { (exits >= 2 && pid == nil, lastWords) }
            if gaveUp {
                await stop()
                throw HotfixError.environment("kubectl proxy did not start: \(KubeFailure.lastWords(words.joined(separator: "\n")).joined(separator: " / "))",
                                              untouched: "nothing was changed")
            }
            try? await Task.sleep(for: .milliseconds(50))
        }
        let words = lock.withLock { lastWords }
        await stop()
        let said = KubeFailure.lastWords(words.joined(separator: "\n"))
        throw HotfixError.environment("kubectl proxy did not answer on \(socketPath) within 20 s\(said.isEmpty ? "" : ": " + said.joined(separator: " / "))",
                                      untouched: "nothing was changed")
    }

    /// True when the socket answers an HTTP request (any status: the cluster may still be unreachable).
    func answers() async -> Bool {
        guard FileManager.default.fileExists(atPath: socketPath) else { return false }
        do {
            _ = try await client.get("/version") { r in r.status }
            return true
        } catch {
            return false
        }
    }

    /// Stops the proxy and waits for it to exit; removes the socket and the pid file (and the
    /// directory when it was a temporary one).
    public func stop() async {
        let task = lock.withLock {
            stopped = true
            return supervisor
        }
        task?.cancel()
        await task?.value
        unlink(socketPath)
        unlink(pidFile)
        if ownsDirectory { rmdir(directory) }
    }

    private var isStopped: Bool { lock.withLock { stopped } }

    /// Runs the proxy; when it exits by itself, reports it and runs it again (with a growing pause).
    private func supervise() async {
        var quick = 0
        while !isStopped && !Task.isCancelled {
            let began = Date()
            let code = await runOnce()
            lock.withLock { pid = nil }
            unlink(pidFile)
            if isStopped || Task.isCancelled { break }
            let words = lock.withLock {
                exits += 1
                return lastWords.last ?? ""
            }
            let emit = lock.withLock { onEvent }
            emit(.exited(code: code, message: words))
            quick = Date().timeIntervalSince(began) < 2 ? quick + 1 : 0
            unlink(socketPath)
            try? await Task.sleep(for: .milliseconds(Int(min(5000, 100 * pow(2, Double(min(quick, 6)))))))
        }
    }

    /// One run of `kubectl proxy`, until it exits or the task is cancelled (then it gets SIGTERM,
    /// SIGKILL a second later). Returns its exit code.
    private func runOnce() async -> Int32 {
        let argv = self.argv
        var options = PlatformOptions()
        options.teardownSequence = [.gracefulShutDown(allowedDurationToNextStep: .seconds(1))]
        var env: [Environment.Key: String?] = [:]
        for (k, v) in kubectl.runner.environment { env[Environment.Key(stringLiteral: k)] = v }
        do {
            let result = try await Subprocess.run(
                ProcessRunner.executable(argv[0]), arguments: Arguments(Array(argv.dropFirst())),
                environment: .inherit.updating(env), platformOptions: options,
                input: .none, output: .sequence, error: .sequence
            ) { [self] execution in
                let id = execution.processIdentifier.value
                lock.withLock { pid = id }
                try? "\(id)\n".write(toFile: pidFile, atomically: true, encoding: .utf8)
                let emit = lock.withLock { onEvent }
                emit(.started(pid: id))
                async let out: Void = remember(execution.standardOutput)
                async let err: Void = remember(execution.standardError)
                _ = try await (out, err)
            }
            return ProcessRunner.code(result.terminationStatus)
        } catch {
            lock.withLock { lastWords = [ProcessRunner.describe(error, tool: argv[0], directory: nil).message] }
            return -1
        }
    }

    /// Keeps the last lines the proxy printed (its reason when it stops).
    private func remember(_ sequence: SubprocessOutputSequence) async throws {
        for try await line in sequence.strings() {
            let text = Sanitize.inline(ProcessRunner.chomp(line))
            guard !text.isEmpty else { continue }
            lock.withLock {
                lastWords.append(text)
                if lastWords.count > 8 { lastWords.removeFirst() }
            }
        }
    }

    /// Ends a proxy a killed hotfix left behind (its pid file names it, and it serves our socket).
    static func endStale(pidFile: String, socket: String) {
        guard let text = try? String(contentsOfFile: pidFile, encoding: .utf8),
              let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 1 else { return }
        defer { unlink(pidFile) }
        guard let cmdline = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return }
        let args = cmdline.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        guard args.contains("proxy"), args.contains("--unix-socket=\(socket)") else { return }
        kill(pid, SIGTERM)
        for _ in 0..<20 where kill(pid, 0) == 0 { usleep(50_000) }
        if kill(pid, 0) == 0 { kill(pid, SIGKILL) }
    }
}
