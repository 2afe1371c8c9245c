import Foundation
import HotfixEngine
import Subprocess
#if canImport(System)
import System
#else
import SystemPackage
#endif

/// The outcome of one finished command.
public struct ProcessResult: Sendable, Equatable {
    public var argv: [String]
    public var exitCode: Int32
    public var stdout: String
    public var stderr: String
    public var seconds: Double

    public var succeeded: Bool { exitCode == 0 }

    /// The last `n` non-empty lines of stdout and stderr, for error messages and the journal.
    public func tail(_ n: Int = 10) -> [String] {
        let lines = (stdout + "\n" + stderr).split(separator: "\n", omittingEmptySubsequences: true)
        return lines.suffix(n).map { Sanitize.inline(String($0)) }
    }
}

/// One line of a streamed command's output.
public struct OutputLine: Sendable, Equatable {
    public enum Stream: Sendable { case stdout, stderr }
    public var stream: Stream
    public var text: String
}

/// Runs external commands (git, kubectl, docker, test runners, gh) as argv arrays, never through a shell.
public struct ProcessRunner: Sendable {
    /// Variables set (or, with nil, removed) on top of the inherited environment.
    public var environment: [String: String?]
    /// The largest output kept per stream, in bytes.
    public var outputLimit: Int
    /// Runs the command in a process group of its own; when the task is cancelled the whole group
    /// (the command and whatever it started) gets SIGTERM, then SIGKILL after two seconds.
    public var ownProcessGroup = false

    public init(environment: [String: String?] = [:], outputLimit: Int = 16 * 1024 * 1024, ownProcessGroup: Bool = false) {
        self.environment = environment
        self.outputLimit = outputLimit
        self.ownProcessGroup = ownProcessGroup
    }

    var platformOptions: PlatformOptions {
        var options = PlatformOptions()
        if ownProcessGroup {
            options.processGroupID = 0
            options.teardownSequence = [.gracefulShutDown(toProcessGroup: true, allowedDurationToNextStep: .seconds(2))]
        }
        return options
    }

    static func executable(_ name: String) -> Executable {
        name.contains("/") ? .path(FilePath(name)) : .name(name)
    }

    var env: Environment {
        var updates: [Environment.Key: String?] = [:]
        for (k, v) in environment { updates[Environment.Key(stringLiteral: k)] = v }
        return .inherit.updating(updates)
    }

    /// Runs `argv` to completion and collects its output.
    public func run(_ argv: [String], in directory: String? = nil, input: String? = nil) async throws(HotfixError) -> ProcessResult {
        guard let tool = argv.first else { throw HotfixError.usage("empty command") }
        let started = ContinuousClock.now
        do {
            let result = try await Subprocess.run(
                Self.executable(tool), arguments: Arguments(Array(argv.dropFirst())),
                environment: env, workingDirectory: directory.map { FilePath($0) }, platformOptions: platformOptions,
                input: .string(input ?? ""), output: .string(limit: outputLimit), error: .string(limit: outputLimit))
            return ProcessResult(argv: argv, exitCode: Self.code(result.terminationStatus),
                                 stdout: result.standardOutput, stderr: result.standardError,
                                 seconds: Self.seconds(since: started))
        } catch {
            throw Self.describe(error, tool: tool, directory: directory)
        }
    }

    /// Runs `argv`, calling `onLine` for every line of stdout and stderr as it arrives.
    /// Output is also collected (up to the last 200 lines of each stream) into the result.
    public func stream(_ argv: [String], in directory: String? = nil,
                       onLine: @escaping @Sendable (OutputLine) -> Void) async throws(HotfixError) -> ProcessResult {
        guard let tool = argv.first else { throw HotfixError.usage("empty command") }
        let started = ContinuousClock.now
        do {
            let result = try await Subprocess.run(
                Self.executable(tool), arguments: Arguments(Array(argv.dropFirst())),
                environment: env, workingDirectory: directory.map { FilePath($0) }, platformOptions: platformOptions,
                input: .none, output: .sequence, error: .sequence
            ) { execution in
                async let out = Self.collect(execution.standardOutput, .stdout, onLine)
                async let err = Self.collect(execution.standardError, .stderr, onLine)
                return try await (out, err)
            }
            let (out, err) = result.closureResult
            return ProcessResult(argv: argv, exitCode: Self.code(result.terminationStatus),
                                 stdout: out.joined(separator: "\n"), stderr: err.joined(separator: "\n"),
                                 seconds: Self.seconds(since: started))
        } catch let e as HotfixError {
            throw e
        } catch {
            throw Self.describe(error, tool: tool, directory: directory)
        }
    }

    /// Forwards each line and keeps the last 200.
    static func collect(_ sequence: SubprocessOutputSequence, _ stream: OutputLine.Stream,
                        _ onLine: @Sendable (OutputLine) -> Void) async throws -> [String] {
        var kept: [String] = []
        for try await line in sequence.strings() {
            let text = chomp(line)
            onLine(OutputLine(stream: stream, text: text))
            kept.append(text)
            if kept.count > 400 { kept.removeFirst(200) }
        }
        return Array(kept.suffix(200))
    }

    static func chomp(_ line: String) -> String {
        var s = Substring(line)
        while let last = s.last, last == "\n" || last == "\r" || last == "\r\n" { s = s.dropLast() }
        return String(s)
    }

    static func code(_ status: TerminationStatus) -> Int32 {
        switch status {
        case .exited(let code): return Int32(code)
        case .signaled(let signal): return 128 + Int32(signal)
        }
    }

    static func seconds(since start: ContinuousClock.Instant) -> Double {
        let d = ContinuousClock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    static func describe(_ error: any Error, tool: String, directory: String?) -> HotfixError {
        if let e = error as? SubprocessError {
            if e.code == .executableNotFound {
                return .environment("\(tool) is not installed (not found on PATH)",
                                    next: "install \(tool), or change the command in .hotfix.yml")
            }
            if e.code == .failedToChangeWorkingDirectory {
                return .environment("cannot run \(tool) in \(directory ?? "."): the folder is missing")
            }
        }
        return .environment("could not run \(tool): \(error)")
    }
}
