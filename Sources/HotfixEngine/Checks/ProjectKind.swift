/// The kind of project at the repository root, and the workflow's fast test commands for it.
public enum ProjectKind: String, Sendable, Equatable, CaseIterable {
    case python, swift, go, node, rust

    /// Detects from the files at the root and one folder down (`app/users.py`).
    public static func detect(_ paths: Set<String>) -> ProjectKind? {
        if paths.contains("Package.swift") { return .swift }
        if paths.contains("go.mod") { return .go }
        if paths.contains("Cargo.toml") { return .rust }
        if paths.contains("package.json") { return .node }
        let pythonMarkers = ["pyproject.toml", "setup.py", "setup.cfg", "requirements.txt", "pytest.ini", "tox.ini", "conftest.py"]
        if pythonMarkers.contains(where: paths.contains) || paths.contains(where: { $0.hasSuffix(".py") }) { return .python }
        return nil
    }

    /// (smoke, critical) argv; empty when the kind has one suite only. For Python the workflow's
    /// own commands, each only when its folder exists.
    public func defaultCommands(_ paths: Set<String>) -> (smoke: [String], critical: [String]) {
        switch self {
        case .python:
            let smoke = paths.contains("tests/integration") ? ["pytest", "tests/integration", "-m", "smoke", "-v"] : []
            let critical = paths.contains("tests/unit") ? ["pytest", "tests/unit", "-v"] : (paths.contains("tests") ? ["pytest", "tests", "-v"] : ["pytest", "-v"])
            return (smoke, critical)
        case .swift: return ([], ["swift", "test"])
        case .go: return ([], ["go", "test", "./..."])
        case .node: return ([], ["npm", "test"])
        case .rust: return ([], ["cargo", "test"])
        }
    }

    /// Statically typed: type hints hold by construction.
    public static func staticallyTyped(_ path: String) -> String? {
        let ext = path.split(separator: ".").last.map(String.init) ?? ""
        let languages = ["swift": "Swift", "go": "Go", "rs": "Rust", "java": "Java", "kt": "Kotlin", "ts": "TypeScript",
                         "tsx": "TypeScript", "cs": "C#", "scala": "Scala", "c": "C", "cc": "C++", "cpp": "C++", "h": "C", "hpp": "C++"]
        return languages[ext]
    }
}
