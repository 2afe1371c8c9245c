import Foundation
import HotfixEngine

/// The git repository an incident belongs to.
public struct Repository: Sendable, Equatable {
    /// The work tree's top folder.
    public var root: String
    /// `git rev-parse --git-common-dir`, absolute: shared by every worktree, never committed.
    public var commonDir: String

    public init(root: String, commonDir: String) {
        self.root = root
        self.commonDir = commonDir
    }

    /// Finds the repository that contains `directory`.
    public static func locate(from directory: String, runner: ProcessRunner = ProcessRunner()) async throws(HotfixError) -> Repository {
        let result: ProcessResult
        do {
            result = try await runner.run(["git", "rev-parse", "--show-toplevel", "--git-common-dir"], in: directory)
        } catch {
            throw HotfixError.environment(error.message, untouched: "nothing was written",
                                          next: "install git (apt-get install git) and run this inside your repository")
        }
        let lines = result.stdout.split(separator: "\n").map(String.init)
        guard result.succeeded, lines.count >= 2 else {
            throw HotfixError.environment("not inside a git repository (\(directory))",
                                          next: "cd into the repository you are fixing and run the command again")
        }
        let root = lines[0]
        var common = lines[1]
        if !common.hasPrefix("/") { common = URL(fileURLWithPath: common, relativeTo: URL(fileURLWithPath: directory)).standardizedFileURL.path }
        return Repository(root: root, commonDir: common)
    }
}
