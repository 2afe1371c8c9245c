import Foundation
import HotfixEngine

/// Finds what to revert on a deployed branch to take a deploy back out (GitOps): the merge that
/// brought the deployed commit into the branch's mainline (`git revert -m 1 MERGE`), or the commit
/// itself when it sits on the mainline (a fast-forward or a squash). Read from local refs only.
public struct RevertFinder: Sendable {
    public var root: String

    public init(root: String) { self.root = root }

    /// `git revert`'s arguments and, when they hold a placeholder, why.
    public struct Revert: Sendable, Equatable {
        public var arguments: [String]
        public var note: String?
    }

    public func revertArguments(commit: String, branch: String, remote: String) async -> Revert {
        let git = GitClient(directory: root)
        let placeholder = ["-m", "1", "--no-edit", "{merge}"]
        var ref: String?
        for candidate in ["refs/remotes/\(remote)/\(branch)", "refs/heads/\(branch)"] where ref == nil {
            if (try? await git.resolve(candidate)) ?? nil != nil { ref = candidate }
        }
        guard let ref else { return Revert(arguments: placeholder, note: "\(branch) is not known here: {merge} is the merge that deployed \(commit.prefix(7))") }
        let onBranch = (try? await git.isAncestor(commit, of: ref)) ?? false
        guard onBranch else {
            return Revert(arguments: placeholder, note: "\(commit.prefix(7)) is not on \(branch) here (git fetch \(remote)?): {merge} is the merge that deployed it")
        }
        let merges = (try? await git.value(["rev-list", "--first-parent", "--merges", "--ancestry-path", "--reverse", "\(commit)..\(ref)"])) ?? ""
        if let merge = merges.split(separator: "\n").first {
            return Revert(arguments: ["-m", "1", "--no-edit", String(merge)], note: nil)
        }
        return Revert(arguments: ["--no-edit", commit], note: nil)
    }
}
