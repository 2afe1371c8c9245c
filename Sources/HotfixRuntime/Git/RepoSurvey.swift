import Foundation
import HotfixEngine

/// Gathers `RepoFacts`: refs, ancestry, tags, work trees. Read-only, except `fetch`.
public struct RepoSurvey: Sendable {
    public let git: GitClient
    public let settings: GitSettings

    public init(git: GitClient, settings: GitSettings) {
        self.git = git
        self.settings = settings
    }

    /// True when the configured remote exists in this repository.
    public func hasRemote() async throws(HotfixError) -> Bool {
        guard let remote = settings.remote else { return false }
        return try await git.remotes().contains(remote)
    }

    /// Refreshes the remote-tracking branches (never tags: those are checked with ls-remote).
    public func fetch(step: GitStepName) async throws(HotfixError) {
        guard let remote = settings.remote else { return }
        let r = try await git.change(["git", "fetch", "--prune", "--no-tags", remote], step: step)
        guard r.succeeded else {
            throw GitClient.failure(r, untouched: "nothing was changed",
                                    next: "check that \(remote) is reachable (git fetch \(remote)), or remove git.remote from .hotfix.yml to work locally")
        }
    }

    /// The tag as the remote has it: its object and the commit it points at.
    public func remoteTag(_ name: String) async throws(HotfixError) -> TagFact? {
        guard let remote = settings.remote else { return nil }
        let r = try await git.query(["ls-remote", remote, "refs/tags/\(name)", "refs/tags/\(name)^{}"])
        guard r.succeeded else {
            throw GitClient.failure(r, next: "check that \(remote) is reachable")
        }
        var object: String?, peeled: String?
        for line in r.stdout.split(separator: "\n") {
            let parts = line.split(separator: "\t")
            guard parts.count == 2 else { continue }
            if parts[1] == "refs/tags/\(name)" { object = String(parts[0]) }
            if parts[1] == "refs/tags/\(name)^{}" { peeled = String(parts[0]) }
        }
        return object.map { TagFact(object: $0, commit: peeled ?? $0) }
    }

    /// Does the remote have `branch`? Asked of the remote itself, so a dry run needs no fetch.
    public func remoteHasBranch(_ branch: String) async throws(HotfixError) -> Bool {
        guard let remote = settings.remote else { return false }
        let r = try await git.query(["ls-remote", "--heads", remote, "refs/heads/\(branch)"])
        guard r.succeeded else { throw GitClient.failure(r, next: "check that \(remote) is reachable") }
        return !r.stdout.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
    }

    struct RefRow { var sha: String; var peeled: String?; var parents: [String] }

    /// Every local branch, remote-tracking branch of the remote, and the incident's tag.
    func refs(tag: String, remote: String?) async throws(HotfixError) -> [String: RefRow] {
        var patterns = ["refs/heads/", "refs/tags/\(tag)"]
        if let remote { patterns.append("refs/remotes/\(remote)/") }
        let out = try await git.value(["for-each-ref", "--format=%(refname)%09%(objectname)%09%(*objectname)%09%(parent)"] + patterns)
        var rows: [String: RefRow] = [:]
        for line in out.split(separator: "\n") {
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard f.count == 4 else { continue }
            rows[f[0]] = RefRow(sha: f[1], peeled: f[2].isEmpty ? nil : f[2], parents: f[3].split(separator: " ").map(String.init))
        }
        return rows
    }

    /// Branches checked out in other work trees, by branch name.
    func otherWorktrees() async throws(HotfixError) -> [String: String] {
        let top = try await git.value(["rev-parse", "--show-toplevel"])
        let here = URL(fileURLWithPath: top).resolvingSymlinksInPath().path
        let out = try await git.value(["worktree", "list", "--porcelain"])
        var result: [String: String] = [:]
        var path = ""
        for line in out.split(separator: "\n") {
            if line.hasPrefix("worktree ") { path = String(line.dropFirst(9)) }
            if line.hasPrefix("branch refs/heads/"), URL(fileURLWithPath: path).resolvingSymlinksInPath().path != here {
                result[String(line.dropFirst(18))] = path
            }
        }
        return result
    }

    /// Looks at everything the finish plan needs. With `fetchFirst` the remote-tracking refs are refreshed first.
    public func facts(id: IncidentID, title: String, skipped: [String: String] = [:],
                      fetchFirst: Bool, step: GitStepName) async throws(HotfixError) -> RepoFacts {
        let hasRemote = try await hasRemote()
        if hasRemote, fetchFirst { try await fetch(step: step) }
        let remote = hasRemote ? settings.remote : nil
        let branch = settings.branchName(id), tagName = settings.tagName(id)
        let rows = try await refs(tag: tagName, remote: remote)
        let elsewhere = try await otherWorktrees()

        func tip(_ name: String) -> BranchTip {
            let l = rows["refs/heads/\(name)"], r = remote.flatMap { rows["refs/remotes/\($0)/\(name)"] }
            return BranchTip(name: name, local: l?.sha, remote: r?.sha, localParents: l?.parents ?? [],
                             remoteParents: r?.parents ?? [], checkedOutElsewhere: elsewhere[name])
        }
        var hotfix = tip(branch)
        var main = tip(settings.main)
        let localTag = rows["refs/tags/\(tagName)"].map { TagFact(object: $0.sha, commit: $0.peeled ?? $0.sha) }
        let remoteTag = hasRemote ? try await remoteTag(tagName) : nil

        // Targets: develop, then every branch matching a backport pattern, local or remote.
        var names: Set<String> = []
        let prefixes = ["refs/heads/"] + (remote.map { ["refs/remotes/\($0)/"] } ?? [])
        for ref in rows.keys {
            for prefix in prefixes where ref.hasPrefix(prefix) {
                let name = String(ref.dropFirst(prefix.count))
                if name != "HEAD", settings.isBackportTarget(name, hotfixBranch: branch) { names.insert(name) }
            }
        }
        if let develop = settings.develop { names.remove(develop) }
        var targets = names.sorted().map(tip)
        if let develop = settings.develop, develop != settings.main { targets.insert(tip(develop), at: 0) }

        // The fix: the branch, or (once it is deleted) the second parent of the tagged merge.
        var fixTip = hotfix.local ?? hotfix.remote
        if fixTip == nil, let tagged = localTag?.commit ?? remoteTag?.commit {
            fixTip = try await git.resolve("\(tagged)^2")
        }
        hotfix.relation = try await relation(hotfix)
        main.relation = try await relation(main)
        for i in targets.indices { targets[i].relation = try await relation(targets[i]) }

        var mainMerge: String?
        var fixCommits = 0
        if let fix = fixTip {
            let containing = try await refsContaining(fix, remote: remote)
            func mark(_ t: inout BranchTip) {
                t.localHasFix = containing.contains("refs/heads/\(t.name)")
                t.remoteHasFix = remote.map { containing.contains("refs/remotes/\($0)/\(t.name)") } ?? false
            }
            mark(&main); mark(&hotfix)
            for i in targets.indices { mark(&targets[i]) }
            if let base = main.base {
                fixCommits = Int(try await git.value(["rev-list", "--count", "\(base)..\(fix)"])) ?? 0
                if main.baseHasFix { mainMerge = try await mergeOf(fix, on: base) }
            }
        }
        return RepoFacts(id: id, title: title, settings: settings, hasRemote: hasRemote,
                         head: try await git.currentBranch(), dirtyFiles: try await git.dirtyFiles(),
                         operationInProgress: try await git.operationInProgress(), hotfix: hotfix, fixTip: fixTip,
                         fixCommits: fixCommits, main: main, mainMerge: mainMerge, targets: targets,
                         localTag: localTag, remoteTag: remoteTag, skipped: skipped)
    }

    /// Ahead, behind or diverged, asked of git only when both tips exist and differ.
    func relation(_ t: BranchTip) async throws(HotfixError) -> TipRelation {
        guard let l = t.local, let r = t.remote, l != r else { return t.relation }
        if try await git.isAncestor(l, of: r) { return .remoteAhead }
        if try await git.isAncestor(r, of: l) { return .localAhead }
        return .diverged
    }

    /// Every branch (local and remote-tracking) that contains `commit`, in one git call.
    func refsContaining(_ commit: String, remote: String?) async throws(HotfixError) -> Set<String> {
        var patterns = ["refs/heads/"]
        if let remote { patterns.append("refs/remotes/\(remote)/") }
        let out = try await git.value(["for-each-ref", "--format=%(refname)", "--contains", commit] + patterns)
        return Set(out.split(separator: "\n").map(String.init))
    }

    /// The commit on `branch`'s first-parent line that merged `fix`, if any.
    func mergeOf(_ fix: String, on branch: String) async throws(HotfixError) -> String? {
        let out = try await git.value(["rev-list", "--first-parent", "--merges", "--parents", "-n", "1000", branch])
        for line in out.split(separator: "\n") {
            let shas = line.split(separator: " ")
            if shas.count >= 3, shas[2...].contains(Substring(fix)) { return String(shas[0]) }
        }
        return nil
    }
}
