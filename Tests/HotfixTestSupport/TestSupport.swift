import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A temporary folder removed when the value is released... or left for inspection with HOTFIX_KEEP_TMP=1.
public final class TempDir: @unchecked Sendable {
    public let path: String

    public init(_ label: String = "hotfix") {
        let base = FileManager.default.temporaryDirectory.path + "/\(label)-\(UUID().uuidString.prefix(8))"
        try! FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        // Resolve symlinks so paths compare equal to what git prints.
        path = URL(fileURLWithPath: base).resolvingSymlinksInPath().path
    }

    deinit {
        if ProcessInfo.processInfo.environment["HOTFIX_KEEP_TMP"] != "1" {
            try? FileManager.default.removeItem(atPath: path)
        }
    }

    public func file(_ relative: String) -> String { path + "/" + relative }

    public func write(_ relative: String, _ text: String) { write(relative, text, mode: 0o644) }

    /// A script a test runs (a stand-in kubectl, helm, curl, editor, shell): mode 755.
    public func writeExecutable(_ relative: String, _ text: String) { write(relative, text, mode: 0o755) }

    private func write(_ relative: String, _ text: String, mode: mode_t) {
        let full = file(relative)
        try? FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        writeCloseOnExec(full, text, mode: mode)
    }

    public func read(_ relative: String) -> String? { try? String(contentsOfFile: file(relative), encoding: .utf8) }
}

/// Writes `text` to `path` through a descriptor opened close-on-exec. Tests start processes from
/// many threads at once: a child spawned while a script is open for writing must not inherit it,
/// or running that script fails with ETXTBSY ("Text file busy") for as long as the child lives.
/// Foundation's `String.write(toFile:)` opens without O_CLOEXEC; every script a test will run is
/// written here instead (`writeExecutable`).
public func writeCloseOnExec(_ path: String, _ text: String, mode: mode_t) {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
    precondition(fd >= 0, "cannot write \(path): \(String(cString: strerror(errno)))")
    let bytes = Array(text.utf8)
    var done = 0
    while done < bytes.count {
        let n = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress! + done, bytes.count - done) }
        precondition(n > 0, "cannot write \(path): \(String(cString: strerror(errno)))")
        done += n
    }
    close(fd)
    chmod(path, mode)
}

/// The result of a finished child process.
public struct Run: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
}

/// A child started with posix_spawn; output goes to files, so no pipe can fill up or be
/// interrupted, and a killed child still leaves everything it wrote.
///
/// The child leads a process group of its own. Whatever of that group is still running when the
/// child has exited, or when the value is released without `wait()` (a failed expectation, a
/// thrown error), is ended: nothing a test starts outlives it.
public final class Child: @unchecked Sendable {
    public let pid: pid_t
    let scratch: TempDir
    private let lock = NSLock()
    private var exitCode: Int32?

    /// Starts `argv` (a bare name is looked up on the child's PATH) in `directory` with exactly `env`.
    public init(_ argv: [String], in directory: String, env: [String: String], stdin: String? = nil) {
        scratch = TempDir("child")
        scratch.write("stdin", stdin ?? "")
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, scratch.file("stdin"), O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, scratch.file("stdout"), O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, scratch.file("stderr"), O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        // env(1) changes directory and finds a bare name on the child's PATH, then execs it.
        let program = "/usr/bin/env"
        let cArgs = ([program, "-C", directory] + argv).map { strdup($0) } + [nil]
        let cEnv = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { cArgs.forEach { free($0) }; cEnv.forEach { free($0) } }
        var child: pid_t = 0
        let lifeline = Lifeline.shared
        let rc = TestProcesses.withAttributes(ownGroup: true) { attributes in
            posix_spawn(&child, program, &actions, attributes, cArgs, cEnv)
        }
        precondition(rc == 0, "cannot start \(program): \(String(cString: strerror(rc)))")
        pid = child
        lifeline.registerGroup(child)
    }

    /// Waits for the exit; returns the exit code (128 + signal when killed). Anything the child
    /// left running in its process group is killed before the child is reaped (its pid, and so
    /// the group's id, stays taken until then).
    @discardableResult
    public func wait() -> Int32 {
        lock.lock()
        defer { lock.unlock() }
        if let exitCode { return exitCode }
        var info = siginfo_t()
        while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) < 0 && errno == EINTR {}
        kill(-pid, SIGKILL)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        Lifeline.shared.releaseGroup(pid)
        let sig = status & 0x7f
        let code = sig == 0 ? (status >> 8) & 0xff : 128 + sig
        exitCode = code
        return code
    }

    /// Released before `wait()`: SIGTERM to the whole group, SIGKILL after three seconds.
    deinit {
        if lock.withLock({ exitCode }) == nil {
            kill(-pid, SIGTERM)
            TestProcesses.waitGone(pid, seconds: 3)  // a zombie counts as gone; it is reaped below
            kill(-pid, SIGKILL)
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            Lifeline.shared.releaseGroup(pid)
        }
    }

    public var stdout: String { scratch.read("stdout") ?? "" }
    public var stderr: String { scratch.read("stderr") ?? "" }
}

/// Runs a program to completion (tests only), with extra environment variables.
@discardableResult
public func run(_ argv: [String], in directory: String, env: [String: String] = [:], stdin: String? = nil) -> Run {
    var environment = ProcessInfo.processInfo.environment
    for (k, v) in env { environment[k] = v }
    let child = Child(argv, in: directory, env: environment, stdin: stdin)
    let status = child.wait()
    return Run(status: status, stdout: child.stdout, stderr: child.stderr)
}

/// A git repository with a bare "origin" remote, main pushed, in a temp folder.
public final class GitSandbox: @unchecked Sendable {
    public let dir: TempDir
    public var work: String { dir.path + "/work" }
    public var origin: String { dir.path + "/origin.git" }

    public static let env: [String: String] = [
        "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.invalid",
        "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.invalid",
        "GIT_CONFIG_NOSYSTEM": "1", "GIT_EDITOR": "true",
    ]

    /// `files` are committed on main as the first commit.
    public init(files: [String: String] = ["README.md": "app\n"], remote: Bool = true) {
        dir = TempDir("hotfix-git")
        try! FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        git("init", "-q", "-b", "main")
        for (name, text) in files { write(name, text) }
        git("add", "-A")
        git("commit", "-q", "-m", "initial")
        if remote {
            _ = GitSandbox.runGit(["init", "-q", "--bare", "-b", "main", origin], in: dir.path)
            git("remote", "add", "origin", origin)
            git("push", "-q", "-u", "origin", "main")
        }
    }

    public func write(_ relative: String, _ text: String) { dir.write("work/" + relative, text) }

    @discardableResult
    public func git(_ args: String...) -> String {
        let r = GitSandbox.runGit(args, in: work)
        precondition(r.status == 0, "git \(args.joined(separator: " ")) failed: \(r.stderr)")
        return r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs git and returns the result whatever the exit status.
    public func tryGit(_ args: String...) -> Run { GitSandbox.runGit(args, in: work) }

    public static func runGit(_ args: [String], in directory: String) -> Run {
        run(["git"] + args, in: directory, env: env)
    }

    public func commit(_ files: [String: String], message: String) {
        for (name, text) in files { write(name, text) }
        git("add", "-A")
        git("commit", "-q", "-m", message)
    }

    /// Cuts `branch` from HEAD, checks it out and commits `files` on it: a fix on the hotfix branch,
    /// so leaving FIX is allowed (no empty fix).
    public func commitFix(_ files: [String: String] = ["FIX.md": "the fix\n"], branch: String = "hotfix/001-api-500",
                          message: String = "Fix: handle None from repo") {
        GitSandbox.commitFix(in: work, files, branch: branch, message: message)
    }

    /// `commitFix` in any work tree (the demo's sandbox).
    public static func commitFix(in work: String, _ files: [String: String] = ["FIX.md": "the fix\n"],
                                 branch: String = "hotfix/001-api-500", message: String = "Fix: handle None from repo") {
        for args in [["checkout", "-q", "-B", branch]] {
            let r = runGit(args, in: work)
            precondition(r.status == 0, "git \(args.joined(separator: " ")) failed: \(r.stderr)")
        }
        for (name, text) in files {
            let full = work + "/" + name
            try? FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try! text.write(toFile: full, atomically: true, encoding: .utf8)
        }
        for args in [["add", "--"] + files.keys.sorted(), ["commit", "-q", "-m", message]] {
            let r = runGit(args, in: work)
            precondition(r.status == 0, "git \(args.joined(separator: " ")) failed: \(r.stderr)")
        }
    }
}

/// The `hotfix` binary that `swift test` built next to the test bundle.
public enum HotfixBinary {
    public static var path: String {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("hotfix").path,
            packageRoot + "/.build/debug/hotfix",
        ]
        for c in candidates where FileManager.default.isExecutableFile(atPath: c) { return c }
        return candidates.last!
    }

    public static var packageRoot: String {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }

    /// Runs `hotfix args…` in `directory` with a private HOME (no user config leaks in).
    @discardableResult
    public static func run(_ args: [String], in directory: String, env: [String: String] = [:], stdin: String? = nil) -> Run {
        let child = start(args, in: directory, env: env, stdin: stdin)
        let status = child.wait()
        return Run(status: status, stdout: child.stdout, stderr: child.stderr)
    }

    /// Starts `hotfix args…` as `run` does, without waiting for it.
    public static func start(_ args: [String], in directory: String, env: [String: String] = [:], stdin: String? = nil) -> Child {
        var environment = ProcessInfo.processInfo.environment
        for key in ["XDG_CONFIG_HOME", "HOTFIX_INCIDENT", "HOTFIX_THEME", "HOTFIX_NOW", "KUBECONFIG"] { environment[key] = nil }
        for (k, v) in GitSandbox.env { environment[k] = v }
        environment["HOME"] = directory + "/.home-for-tests"
        environment["NO_COLOR"] = "1"
        for (k, v) in env { environment[k] = v }
        return Child([path] + args, in: directory, env: environment, stdin: stdin)
    }
}
