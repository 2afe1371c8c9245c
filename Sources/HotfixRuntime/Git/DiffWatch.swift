import Foundation
import HotfixEngine

/// The FIX watch: the hotfix branch against main (committed work, plus uncommitted and new
/// files when the branch is checked out), reviewed against the minimal-change rules.
public struct DiffWatch: Sendable {
    let git: GitClient
    let settings: GitSettings

    public init(git: GitClient, settings: GitSettings) {
        self.git = git
        self.settings = settings
    }

    /// `functions`: also find the Python functions the diff touches (with `python3`; `hotfix diff`
    /// shows them, the console's live watch leaves them out).
    public func review(id: IncidentID, largeDiffLines: Int = DiffReview.largeDiffLines,
                       functions: Bool = true) async throws(HotfixError) -> DiffReview {
        let branch = settings.branchName(id), main = settings.main, tag = settings.tagName(id)
        var tip = try await git.resolve("refs/heads/\(branch)")
        var mainTip = try await git.resolve("refs/heads/\(main)")
        if tip == nil, let merge = try await git.resolve("refs/tags/\(tag)") {
            // Finished and deleted: the tagged merge still holds both sides.
            tip = try await git.resolve("\(merge)^2")
            mainTip = try await git.resolve("\(merge)^1")
        }
        guard let tip else {
            throw .refused("branch \(branch) does not exist", untouched: "nothing was read", next: "create it with hotfix branch")
        }
        guard let mainTip else {
            throw .refused("branch \(main) does not exist", untouched: "nothing was read", next: "check git.main in .hotfix.yml")
        }
        let base = try await git.value(["merge-base", mainTip, tip])
        // On the branch: compare the work tree, so edits show before they are committed.
        let onBranch = try await git.currentBranch() == branch
        let range = onBranch ? [base] : [base, tip]
        // One diff, two formats: --raw gives each file's status, --numstat its lines (the work tree
        // is compared once, not once per format: on 20,000 files that is most of the cost).
        let both = try await git.value(["diff", "--no-color", "--no-ext-diff", "--raw", "--numstat", "-z", "-M"] + range)
        var files = DiffWatch.parse(rawAndNumstat: both)
        if onBranch {
            let untracked = try await git.value(["ls-files", "--others", "--exclude-standard", "-z"])
            for path in untracked.split(separator: "\0").map(String.init) {
                let lines = DiffWatch.lineCount(directory: git.directory, path: path)
                files.append(FileChange(path: path, status: .untracked, added: lines, removed: lines == nil ? nil : 0))
            }
        }
        var review = DiffReview(base: base, files: files, largeDiffLines: largeDiffLines)
        // The functions the type-hints item will judge, found as it finds them (Python's parser).
        let python = files.filter { $0.status != .deleted && ($0.path.hasSuffix(".py") || $0.path.hasSuffix(".pyi")) }.map(\.path)
        if functions, !python.isEmpty {
            review.functions = await PythonFunctions(root: git.directory).touched(base: base, head: onBranch ? nil : tip, paths: python).functions
        }
        return review
    }

    /// What leaving FIX is judged on: the branch's commits that main does not have, and what is
    /// not committed in the work tree. Never throws: what git cannot answer is the `problem`.
    /// Two git processes in the usual case (status with the branch, then the log), since `hotfix
    /// status` and the console ask for it. `changes`: the files and lines against main too (the
    /// console's FIX pane), at `largeDiffLines` for the large-diff warning.
    public func progress(id: IncidentID, changes: Bool = false, largeDiffLines: Int = DiffReview.largeDiffLines) async -> FixProgress {
        let branch = settings.branchName(id), main = settings.main
        var fix = FixProgress(branch: branch, main: main)
        do throws(HotfixError) {
            (fix.checkedOut, fix.uncommitted) = try await git.statusWithBranch()
            let range = "refs/heads/\(main)..refs/heads/\(branch)"
            let log = try await git.query(["log", "--no-color", "--format=%h %s", "--max-count=\(FixProgress.shownCommits)", range, "--"])
            if log.succeeded {
                fix.commits = log.stdout.split(separator: "\n").map(String.init)
            } else if try await git.resolve("refs/heads/\(branch)") == nil {
                fix.branchExists = false
            } else if try await git.resolve("refs/heads/\(main)") == nil {
                fix.problem = "branch \(main) does not exist (git.main in .hotfix.yml)"
            } else {
                throw GitClient.failure(log)
            }
        } catch {
            fix.problem = error.message
        }
        if changes, fix.problem == nil, fix.branchExists {
            fix.changes = try? await review(id: id, largeDiffLines: largeDiffLines, functions: false)
        }
        return fix
    }

    /// Parses `git diff --raw --numstat -z`: first a raw record per file (`:mode mode sha sha STATUS`,
    /// then its path, or the old and new paths of a rename or copy), then a numstat record per file
    /// (`added TAB removed TAB path`, or `added TAB removed TAB` and the two paths; `-` for a binary).
    static func parse(rawAndNumstat text: String) -> [FileChange] {
        var statuses: [String: FileChange.Status] = [:]
        var files: [FileChange] = []
        var fields = text.split(separator: "\0", omittingEmptySubsequences: false).map(String.init)[...]
        while let head = fields.popFirst(), !head.isEmpty {
            if head.hasPrefix(":") {
                let letter = head.split(separator: " ").last?.first ?? "M"
                let paths = letter == "R" || letter == "C" ? 2 : 1
                let names = fields.prefix(paths); fields = fields.dropFirst(paths)
                guard let path = names.last else { break }
                statuses[path] = switch letter {
                case "A", "C": .added
                case "D": .deleted
                case "R": .renamed
                default: .modified
                }
                continue
            }
            let parts = head.split(separator: "\t", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 3 else { continue }
            var path = parts[2]
            if path.isEmpty {  // a rename: the old and new paths follow as separate fields
                _ = fields.popFirst()
                path = fields.popFirst() ?? ""
            }
            files.append(FileChange(path: path, status: statuses[path] ?? .modified, added: Int(parts[0]), removed: Int(parts[1])))
        }
        return files
    }

    /// Lines in a new file (nil when it looks binary or is too big to count quickly).
    static func lineCount(directory: String, path: String) -> Int? {
        guard let data = FileManager.default.contents(atPath: directory + "/" + path), data.count <= 4 * 1024 * 1024,
              !data.contains(0) else { return nil }
        let newlines = data.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
        return newlines + (data.last.map { $0 == 0x0A ? 0 : 1 } ?? 0)
    }
}
