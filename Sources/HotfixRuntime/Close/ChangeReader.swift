import Foundation
import HotfixEngine

/// Reads what the fix changed from git: the hotfix branch against main while it exists,
/// afterwards the tag's merge commit (first parent = main before, second = the fix).
public struct ChangeReader: Sendable {
    public var root: String
    public var runner: ProcessRunner

    public init(root: String, runner: ProcessRunner = ProcessRunner()) {
        self.root = root
        self.runner = runner
    }

    func git(_ args: [String]) async -> String? {
        guard let r = try? await runner.run(["git"] + args, in: root), r.succeeded else { return nil }
        return r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The change set of incident `id`, or nil when neither its branch nor its merge tag can be found.
    public func read(_ id: IncidentID, settings: GitSettings) async -> ChangeSet? {
        let main = settings.main, branch = settings.branchName(id), tag = settings.tagName(id)
        var base: String?, head: String?
        if let tip = await git(["rev-parse", "--verify", "--quiet", "refs/heads/\(branch)^{commit}"]),
           let mb = await git(["merge-base", main, tip]) {
            base = mb; head = tip
        } else if let merge = await git(["rev-parse", "--verify", "--quiet", "refs/tags/\(tag)^{commit}"]),
                  let first = await git(["rev-parse", "--verify", "--quiet", "\(merge)^1"]),
                  let second = await git(["rev-parse", "--verify", "--quiet", "\(merge)^2"]) {
            base = await git(["merge-base", first, second]) ?? first
            head = second
        }
        guard let base, let head else { return nil }
        let numstat = await git(["diff", "--numstat", "--no-renames", base, head]) ?? ""
        let created = Set((await git(["diff", "--name-only", "--no-renames", "--diff-filter=A", base, head]) ?? "").split(separator: "\n").map(String.init))
        var files: [ChangeSet.File] = []
        for line in numstat.split(separator: "\n") {
            let parts = line.split(separator: "\t", maxSplits: 2).map(String.init)
            guard parts.count == 3 else { continue }
            let subjects = await git(["log", "--format=%s", "\(base)..\(head)", "--", parts[2]]) ?? ""
            files.append(ChangeSet.File(path: parts[2], added: Int(parts[0]) ?? 0, removed: Int(parts[1]) ?? 0,
                                        summary: subjects.split(separator: "\n").reversed().joined(separator: "; "),
                                        isNew: created.contains(parts[2])))
        }
        let commits = (await git(["log", "--reverse", "--format=%h %s", "\(base)..\(head)"]) ?? "")
            .split(separator: "\n").map(String.init)
        return ChangeSet(base: base, head: head, files: files, commits: commits)
    }
}
