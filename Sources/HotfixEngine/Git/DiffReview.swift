/// One file in the diff of the hotfix branch against main.
public struct FileChange: Sendable, Equatable, Codable {
    public enum Status: String, Sendable, Codable { case added, modified, deleted, renamed, untracked }
    public var path: String
    public var status: Status
    /// nil for binary files.
    public var added: Int?
    public var removed: Int?

    public init(path: String, status: Status, added: Int?, removed: Int?) {
        self.path = path; self.status = status; self.added = added; self.removed = removed
    }

    public var isNew: Bool { status == .added || status == .untracked }
}

/// A minimal-change rule the diff breaks, with the workflow's rule beside it.
public struct DiffWarning: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable { case manyFiles = "many-files", newFile = "new-file", dependency, largeDiff = "large-diff" }
    public var kind: Kind
    public var message: String
    public var rule: String
    public var files: [String]
}

/// The FIX watch: the diff's size and the minimal-change rules it breaks.
public struct DiffReview: Sendable, Equatable, Codable {
    public var base: String
    public var files: [FileChange]
    public var warnings: [DiffWarning]
    /// The Python functions the diff touches: what the type-hints item judges.
    public var functions: [TouchedFunction] = []

    public var added: Int { files.reduce(0) { $0 + ($1.added ?? 0) } }
    public var removed: Int { files.reduce(0) { $0 + ($1.removed ?? 0) } }

    /// Changed lines (added + removed) above which a diff counts as large.
    public static let largeDiffLines = 100

    /// Dependency manifests and their lock files, by file name.
    public static let manifests: Set<String> = [
        "Package.swift", "Package.resolved", "package.json", "package-lock.json", "npm-shrinkwrap.json",
        "yarn.lock", "pnpm-lock.yaml", "pyproject.toml", "poetry.lock", "Pipfile", "Pipfile.lock", "uv.lock",
        "pdm.lock", "setup.py", "setup.cfg", "go.mod", "go.sum", "Cargo.toml", "Cargo.lock", "Gemfile",
        "Gemfile.lock", "pom.xml", "build.gradle", "build.gradle.kts", "gradle.lockfile", "settings.gradle",
        "settings.gradle.kts",
    ]

    public static func isManifest(_ path: String) -> Bool {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        if manifests.contains(name) { return true }
        // requirements.txt, requirements-dev.txt, requirements/base.txt
        if name.hasPrefix("requirements"), name.hasSuffix(".txt") || name.hasSuffix(".in") { return true }
        return path.contains("requirements/") && name.hasSuffix(".txt")
    }

    public init(base: String, files: [FileChange], largeDiffLines: Int = DiffReview.largeDiffLines) {
        self.base = base
        self.files = files.sorted { $0.path < $1.path }
        var warnings: [DiffWarning] = []
        let paths = self.files.map(\.path)
        if files.count > 1 {
            warnings.append(DiffWarning(kind: .manyFiles, message: "\(files.count) files changed",
                                        rule: "ONE file if possible", files: paths))
        }
        let new = self.files.filter(\.isNew).map(\.path)
        if !new.isEmpty {
            warnings.append(DiffWarning(kind: .newFile, message: "new file\(new.count > 1 ? "s" : ""): \(new.joined(separator: ", "))",
                                        rule: "NO new abstractions", files: new))
        }
        let deps = paths.filter(DiffReview.isManifest)
        if !deps.isEmpty {
            warnings.append(DiffWarning(kind: .dependency, message: "dependency manifest touched: \(deps.joined(separator: ", "))",
                                        rule: "NO new dependencies", files: deps))
        }
        let changed = self.files.reduce(0) { $0 + ($1.added ?? 0) + ($1.removed ?? 0) }
        if changed > largeDiffLines {
            warnings.append(DiffWarning(kind: .largeDiff, message: "\(changed) lines changed (more than \(largeDiffLines))",
                                        rule: "Minimal changes, NO refactoring", files: []))
        }
        self.warnings = warnings
    }
}
