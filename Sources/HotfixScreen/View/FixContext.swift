import Foundation
import HotfixEngine

/// What the FIX pane shows beside the journal: where the repository is, what the hotfix branch
/// holds now (read from git by the console while the incident is in FIX), which editor `E` opens,
/// and in the demo what is wrong in the sandbox.
public struct FixContext: Sendable, Equatable {
    /// The repository's root.
    public var repository: String?
    /// The branch's commits, the work tree's changes and the diff against main; nil until read
    /// (and outside FIX, where the pane shows the recorded change set).
    public var progress: FixProgress?
    /// How `E` names the editor it opens (`vim ($EDITOR)`); nil when there is none.
    public var editor: String?
    public var drill: Drill?
    /// The commit about to run, as shell lines, while its y/n is asked.
    public var plan: [String]?
    /// Why the last commit did not go through (git's or a hook's words, what to do), until the next.
    public var failure: HotfixError?

    public init(repository: String? = nil, progress: FixProgress? = nil, editor: String? = nil, drill: Drill? = nil,
                plan: [String]? = nil, failure: HotfixError? = nil) {
        self.repository = repository; self.progress = progress; self.editor = editor; self.drill = drill
        self.plan = plan; self.failure = failure
    }
}

/// A practice incident's answer key, shown in its FIX pane (`hotfix demo`): the file with the
/// bug, what goes wrong, and the tests that fail until it is fixed.
public struct Drill: Sendable, Equatable {
    public var file: String
    public var problem: String
    /// The failing tests as the test command names them.
    public var failing: String
    /// Their files, offered by `E` beside the bug's.
    public var tests: [String]
    /// What a fix that logs looks like in this repository (the checklist's "Logging added").
    public var logging: String?

    public init(file: String, problem: String, failing: String, tests: [String] = [], logging: String? = nil) {
        self.file = file; self.problem = problem; self.failing = failing; self.tests = tests; self.logging = logging
    }
}

/// `E` in FIX: a file to open, picked from those offered or typed. Typing narrows the list to the
/// files whose path holds the text, and the typed path itself comes last (first when nothing
/// matches, as for a file not offered): enter opens what is highlighted.
public struct FilePick: Sendable, Equatable {
    /// One file offered, and why (`uncommitted`, `named in ASSESS`, `the demo's bug`).
    public struct Choice: Sendable, Equatable {
        public var path: String
        public var why: String
        public init(_ path: String, why: String) { self.path = path; self.why = why }
    }

    public var offered: [Choice]
    public var input = TextInput()
    public var selected = 0

    public init(offered: [Choice]) { self.offered = offered }

    /// What the list shows now.
    public var choices: [Choice] {
        let typed = input.text.trimmingCharacters(in: .whitespaces)
        guard !typed.isEmpty else { return offered }
        let matches = offered.filter { $0.path.lowercased().contains(typed.lowercased()) }
        if let exact = matches.first(where: { $0.path == typed }) { return [exact] + matches.filter { $0 != exact } }
        return matches + [Choice(typed, why: "as typed")]
    }

    /// The path enter opens, if any.
    public var chosen: String? {
        let list = choices
        return list.indices.contains(selected) ? list[selected].path : nil
    }

    /// Moves the highlight by `step`, within the list.
    public mutating func move(_ step: Int) {
        selected = max(0, min(choices.count - 1, selected + step))
    }

    /// Types or edits the path; the highlight goes back to the first choice.
    public mutating func edit(_ key: Key) -> Bool {
        guard input.handle(key) else { return false }
        selected = 0
        return true
    }

    /// Tab: the highlighted path into the field, to edit it.
    public mutating func complete() {
        guard let path = chosen else { return }
        input = TextInput(path)
        selected = 0
    }
}
