import HotfixEngine

/// What was deployed, from the repository: recorded with the attempt's baseline, so each attempt
/// keeps its commits.
public struct DeploySource: Sendable, Equatable {
    /// The commit deployed (HEAD).
    public var commit: String
    /// The fix's commits not on main, `sha subject`, newest first.
    public var commits: [String]

    public init(commit: String, commits: [String]) { self.commit = commit; self.commits = commits }

    /// HEAD of the repository at `root` and its commits not on `main`; nil outside a repository
    /// (the deploy goes on without them).
    public static func read(root: String, main: String) async -> DeploySource? {
        let git = GitClient(directory: root)
        guard let head = try? await git.value(["rev-parse", "HEAD"]), !head.isEmpty else { return nil }
        let log = (try? await git.value(["log", "--format=%h %s", "--max-count=50", "\(main)..HEAD", "--"])) ?? ""
        return DeploySource(commit: head, commits: log.split(separator: "\n").map { Sanitize.inline(String($0)) })
    }
}
