import Foundation
import HotfixEngine
import Subprocess
#if canImport(System)
import System
#else
import SystemPackage
#endif
#if canImport(Glibc)
import Glibc
#endif

/// A program that takes the terminal while the caller waits: the person's editor, or a shell.
/// It inherits the terminal (standard input, output and error) and the caller's process group, so
/// the terminal's keys reach it as they would from a shell; it starts in `directory` with default
/// signal actions, nothing blocked and no other file of ours open. While it runs the caller
/// ignores SIGINT and SIGQUIT (as `system(3)` and git's editor launch do): Ctrl-C typed in the
/// shell is the shell's, not a way out of the console waiting behind it.
public struct ForegroundProgram: Sendable, Equatable {
    public var argv: [String]
    public var directory: String
    /// Variables set on top of the inherited environment.
    public var environment: [String: String]
    /// Printed on the terminal before the program starts (what it is and how to come back).
    public var banner: String?

    public init(argv: [String], directory: String, environment: [String: String] = [:], banner: String? = nil) {
        self.argv = argv; self.directory = directory; self.environment = environment; self.banner = banner
    }

    /// Where `name` runs from: itself when it holds a `/` and is executable, else the first
    /// executable `name` on `path` (the process's PATH when nil); nil when there is none.
    public static func locate(_ name: String, path: String? = nil) -> String? {
        if name.contains("/") { return FileManager.default.isExecutableFile(atPath: name) ? name : nil }
        let search = path ?? getenv("PATH").map { String(cString: $0) } ?? "/usr/bin:/bin"
        for dir in search.split(separator: ":", omittingEmptySubsequences: true) {
            let candidate = dir + "/" + name
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), !isDirectory.boolValue,
               FileManager.default.isExecutableFile(atPath: candidate) {
                return candidate
            }
        }
        return nil
    }

    /// Runs the program on the terminal and returns its exit status (128 + N when signal N ended
    /// it). Afterwards the terminal's foreground process group is ours again, whatever the program
    /// did with it (an interactive shell takes it for job control and may die without giving it back).
    public func run() async throws(HotfixError) -> Int32 {
        guard let tool = argv.first else { throw HotfixError.usage("empty command") }
        guard let program = Self.locate(tool) else {
            throw HotfixError.environment("\(tool) is not installed (not found on PATH)", untouched: "nothing was opened")
        }
        if let banner { FileHandle.standardOutput.write(Data((banner + "\n").utf8)) }
        let interrupt = signal(SIGINT, SIG_IGN), quit = signal(SIGQUIT, SIG_IGN)
        defer {
            signal(SIGINT, interrupt)
            signal(SIGQUIT, quit)
            Self.takeTerminalBack()
        }
        var updates: [Environment.Key: String?] = [:]
        for (k, v) in environment { updates[Environment.Key(stringLiteral: k)] = v }
        do {
            let result = try await Subprocess.run(
                .path(FilePath(program)), arguments: Arguments(Array(argv.dropFirst())),
                environment: .inherit.updating(updates), workingDirectory: FilePath(directory),
                input: .currentStandardInput, output: .currentStandardOutput, error: .currentStandardError)
            return ProcessRunner.code(result.terminationStatus)
        } catch {
            throw ProcessRunner.describe(error, tool: tool, directory: directory)
        }
    }

    /// Makes our process group the terminal's foreground group again (SIGTTOU ignored meanwhile,
    /// as a background group may not otherwise change it).
    static func takeTerminalBack() {
        guard isatty(STDIN_FILENO) == 1 else { return }
        let ours = getpgrp()
        guard tcgetpgrp(STDIN_FILENO) != ours else { return }
        let ttou = signal(SIGTTOU, SIG_IGN)
        _ = tcsetpgrp(STDIN_FILENO, ours)
        signal(SIGTTOU, ttou)
    }
}
