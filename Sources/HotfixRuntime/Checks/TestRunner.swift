import Foundation
import HotfixEngine

/// A test command to run in TEST: its step (`smoke`, `critical`, `manual`) and argv.
public struct TestStep: Sendable, Equatable {
    public var step: CommandStep
    public var argv: [String]
}

/// Runs the TEST phase's commands, streaming their output, and records each result.
public struct TestRunner: Sendable {
    public var root: String
    public var config: HotfixConfig
    public var runner: ProcessRunner

    public init(root: String, config: HotfixConfig, runner: ProcessRunner = ProcessRunner()) {
        self.root = root
        self.config = config
        self.runner = runner
    }

    /// The configured commands, or the project's defaults when none is configured.
    public func steps() -> [TestStep] {
        var smoke = config.test.smoke, critical = config.test.critical
        if smoke.isEmpty && critical.isEmpty {
            let paths = Self.rootPaths(root)
            if let kind = ProjectKind.detect(paths) {
                (smoke, critical) = kind.defaultCommands(paths)
            }
        }
        var out: [TestStep] = []
        if !smoke.isEmpty { out.append(TestStep(step: .smoke, argv: smoke)) }
        if !critical.isEmpty { out.append(TestStep(step: .critical, argv: critical)) }
        if !config.test.manual.isEmpty { out.append(TestStep(step: .manual, argv: config.test.manual)) }
        return out
    }

    /// Names at the root and one level down (`app/users.py`, `tests/unit`), enough to detect a project.
    static func rootPaths(_ root: String) -> Set<String> {
        let fm = FileManager.default
        var paths = Set((try? fm.contentsOfDirectory(atPath: root)) ?? [])
        for dir in paths where !dir.hasPrefix(".") {
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: root + "/" + dir, isDirectory: &isDir), isDir.boolValue else { continue }
            for name in (try? fm.contentsOfDirectory(atPath: root + "/" + dir).prefix(200)) ?? [] { paths.insert(dir + "/" + name) }
        }
        for sub in ["tests/unit", "tests/integration"] where FileManager.default.fileExists(atPath: root + "/" + sub) {
            paths.insert(sub)
        }
        return paths
    }

    /// The commit the work tree is at, with `-dirty` when tracked files differ from it.
    public func currentCommit() async -> String? {
        guard let head = try? await runner.run(["git", "rev-parse", "HEAD"], in: root), head.succeeded else { return nil }
        let sha = head.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let dirty = (try? await runner.run(["git", "status", "--porcelain", "--untracked-files=no"], in: root))?.stdout.isEmpty == false
        return dirty ? sha + "-dirty" : sha
    }

    /// Runs one step with a time limit; `onLine` sees every output line as it arrives.
    public func run(_ step: TestStep, phase: Phase?, onLine: @escaping @Sendable (OutputLine) -> Void) async throws(HotfixError) -> CommandRun {
        let commit = await currentCommit()
        let timeout = config.test.timeout
        let runner = self.runner, root = self.root
        let result: ProcessResult
        do {
            result = try await withThrowingTaskGroup(of: ProcessResult?.self) { group in
                group.addTask { try await runner.stream(step.argv, in: root, onLine: onLine) }
                group.addTask { try await Task.sleep(for: .seconds(timeout)); return nil }
                guard let first = try await group.next() else { throw HotfixError.environment("the test command did not run") }
                group.cancelAll()
                guard let finished = first else {
                    throw HotfixError.refused("\(step.step) tests did not finish within \(Durations.words(timeout)) and were stopped",
                                              untouched: "nothing was recorded as passed", next: "raise test.timeout in .hotfix.yml or run fewer tests")
                }
                return finished
            }
        } catch let e as HotfixError {
            throw e
        } catch {
            throw HotfixError.environment("could not run \(step.argv.first ?? "?"): \(error)")
        }
        let lines = result.stdout.split(separator: "\n").map(String.init) + result.stderr.split(separator: "\n").map(String.init)
        let counts = TestCounts.parse(lines)
        return CommandRun(phase: phase, step: step.step, argv: step.argv, exitCode: result.exitCode, seconds: result.seconds,
                          passed: counts?.passed, failed: counts?.failed, outputTail: result.tail(8), commit: commit)
    }
}
