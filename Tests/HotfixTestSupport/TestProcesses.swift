import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// How tests start processes so that none outlives its test.
///
/// - Every child starts with an empty signal mask and default signal actions. A Swift Testing
///   worker thread blocks SIGTERM, SIGHUP, SIGCHLD and others, and posix_spawn hands the
///   spawning thread's mask to the child: a tmux server started that way never acts on
///   `kill-server` (tmux ends itself with SIGTERM), which is how a passing `swift test` left its
///   tmux servers running.
/// - A child of `Child` leads a process group of its own, so a teardown ends it together with
///   whatever it started (kubectl, git, a shell).
/// - `Lifeline` ends what is still registered when the test process dies without its teardowns.
public enum TestProcesses {
    /// Runs `body` with spawn attributes: clean signal state, and a new process group when `ownGroup`.
    public static func withAttributes<R>(ownGroup: Bool, _ body: (UnsafePointer<posix_spawnattr_t>) -> R) -> R {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigdefault(&attributes, &all)
        var flags = Int32(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)
        if ownGroup {
            flags |= Int32(POSIX_SPAWN_SETPGROUP)
            posix_spawnattr_setpgroup(&attributes, 0)
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))
        return body(&attributes)
    }

    /// The variable `.ci/run` sets for one run of the suite; `scripts/check-leftovers` looks for
    /// processes that still carry it after `swift test`. Children inherit it; a shell started with
    /// `env -i` must be given it explicitly.
    public static let runMarker = "HOTFIX_TEST_RUN"

    /// `runMarker=value` for an `env -i` command line, or "" outside such a run.
    public static var runMarkerAssignment: String {
        guard let value = ProcessInfo.processInfo.environment[runMarker], !value.isEmpty else { return "" }
        return "\(runMarker)='\(value)'"
    }

    /// The processes whose command line mentions `text` (a simulated cluster's kubeconfig, a
    /// proxy's socket path, a script's marker), read from /proc; arguments joined by spaces.
    public static func mentioning(_ text: String) -> [pid_t] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { pid_t($0) }.filter { pid in
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
            return String(decoding: data.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self).contains(text)
        }
    }

    /// Every process below `pid` (children, their children, ...), read from /proc.
    public static func descendants(of pid: pid_t) -> [pid_t] {
        var children: [pid_t: [pid_t]] = [:]
        for name in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let p = pid_t(name),
                  let stat = try? String(contentsOfFile: "/proc/\(name)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { continue }
            // After "pid (comm)": state, then the parent's pid.
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 1, let parent = pid_t(fields[1]) { children[parent, default: []].append(p) }
        }
        var out: [pid_t] = []
        var queue = [pid]
        while let next = queue.popLast() {
            let direct = children[next] ?? []
            out += direct
            queue += direct
        }
        return out
    }

    /// True while the process `pid` exists (a zombie counts as gone).
    public static func isAlive(_ pid: pid_t) -> Bool {
        guard kill(pid, 0) == 0 else { return false }
        let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
        guard let close = stat.lastIndex(of: ")") else { return true }
        return !stat[stat.index(after: close)...].hasPrefix(" Z")
    }

    /// Waits up to `seconds` for `pid` to be gone; true if it is.
    @discardableResult
    public static func waitGone(_ pid: pid_t, seconds: Double) -> Bool {
        let deadline = Date() + seconds
        while isAlive(pid) {
            if Date() >= deadline { return false }
            usleep(20_000)
        }
        return true
    }
}

/// A watchdog process per test process: when the test process ends without running its
/// teardowns (killed by CI's time limit, a crash, Ctrl-C), the watchdog kills the tmux servers
/// and process groups that are still registered, within a second or two.
///
/// It reads a socket whose other end only this process holds (close-on-exec, so no child
/// holds it); end of file means this process is gone, however it died. What is registered is a
/// file per item in a private folder, removed again by the normal teardown, so a clean run
/// leaves the watchdog nothing to do.
public final class Lifeline: @unchecked Sendable {
    public static let shared = Lifeline()

    let folder: String
    private var writeFD: Int32 = -1

    private init() {
        folder = NSTemporaryDirectory() + "/hotfix-test-lifeline-\(getpid())"
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var fds: [Int32] = [-1, -1]
        // Created close-on-exec in one call: a child spawned by another thread meanwhile must not hold it.
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &fds) == 0 else { return }
        writeFD = fds[1]
        let script = """
            cat >/dev/null
            cd "$1" 2>/dev/null || exit 0
            groups=0
            for f in tmux-* group-*; do
              case "$f" in
                tmux-\\*|group-\\*) ;;
                tmux-*) tmux -L "${f#tmux-}" kill-server 2>/dev/null ;;
                group-*) kill -TERM "-${f#group-}" 2>/dev/null; groups=1 ;;
              esac
            done
            [ "$groups" = 1 ] && sleep 2
            for f in group-*; do [ "$f" = 'group-*' ] || kill -KILL "-${f#group-}" 2>/dev/null; done
            cd / && rm -rf "$1"
            """
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, fds[0], 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = ["/bin/sh", "-c", script, "hotfix-test-lifeline", folder]
        let cArgs = argv.map { strdup($0) } + [nil]
        defer { cArgs.forEach { free($0) } }
        var pid: pid_t = 0
        // Its own process group: a Ctrl-C to the test's terminal does not end the watchdog first.
        let rc = TestProcesses.withAttributes(ownGroup: true) { attributes in
            posix_spawn(&pid, "/bin/sh", &actions, attributes, cArgs, environ)
        }
        close(fds[0])
        if rc != 0 {
            close(fds[1])
            writeFD = -1
        }
    }

    /// A tmux server on `socket` (`tmux -L socket`).
    public func registerTmux(_ socket: String) { touch("tmux-" + socket) }
    public func releaseTmux(_ socket: String) { remove("tmux-" + socket) }

    /// A process group led by `pgid`.
    public func registerGroup(_ pgid: pid_t) { touch("group-\(pgid)") }
    public func releaseGroup(_ pgid: pid_t) { remove("group-\(pgid)") }

    private func touch(_ name: String) { _ = FileManager.default.createFile(atPath: folder + "/" + name, contents: nil) }
    private func remove(_ name: String) { unlink(folder + "/" + name) }
}
