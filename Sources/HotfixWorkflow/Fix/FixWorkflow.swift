import Foundation
import HotfixEngine
import HotfixRuntime

/// The person's editor: `$VISUAL`, else `$EDITOR`, else vi or nano when installed.
public struct Editor: Sendable, Equatable {
    /// The command and its own arguments (`code -w`), the file goes after them.
    public var argv: [String]
    /// Where it came from: `$VISUAL`, `$EDITOR`, or `no $VISUAL or $EDITOR set`.
    public var source: String

    /// How the console names it: `vim ($EDITOR)`.
    public var label: String { "\((argv.first ?? "").split(separator: "/").last.map(String.init) ?? "") (\(source))" }
}

/// A program the console hands the terminal to (the editor, a shell), as the runtime runs it
/// (`ForegroundProgram`: the terminal and the process group inherited, Ctrl-C its own).
public struct TerminalProgram: Sendable {
    let program: ForegroundProgram

    /// Its command's name (`vim`, `bash`).
    public var name: String { (program.argv.first ?? "").split(separator: "/").last.map(String.init) ?? "" }

    /// Runs it on the terminal and returns its exit status.
    public func run() async throws(HotfixError) -> Int32 { try await program.run() }
}

/// A file of the repository, checked before an editor opens it.
public struct EditableFile: Sendable, Equatable {
    /// From the repository's root, as git names it.
    public var relative: String
    public var absolute: String
    /// Not there yet: the editor creates it (a new file is a minimal-change warning).
    public var isNew: Bool
}

/// FIX by hand: a file of the repository in the person's editor (the path checked to be inside the
/// repository first), a shell in the repository, and the files the assessment names. The commit
/// of the fix is `GitWorkflow.commit`.
public struct FixWorkflow: Sendable {
    public let session: Session

    public init(_ session: Session) { self.session = session }

    public var root: String { session.repository.root }

    /// Editors tried when neither `$VISUAL` nor `$EDITOR` is set.
    public static let fallbackEditors = ["vi", "nano"]

    /// The editor to run, or why there is none.
    public func editor() throws(HotfixError) -> Editor {
        let env = session.environment
        for name in ["VISUAL", "EDITOR"] {
            guard let value = env[name], !value.trimmingCharacters(in: .whitespaces).isEmpty else { continue }
            // "code -w" carries arguments: split on spaces, never through a shell.
            let words = value.split(separator: " ").map(String.init)
            guard ForegroundProgram.locate(words[0]) != nil else {
                throw HotfixError.environment("$\(name) is '\(Sanitize.inline(value))', which is not installed (not found on PATH)",
                                              untouched: "nothing was opened",
                                              next: "set \(name) to an installed editor (export \(name)=vi), or open the file in another terminal")
            }
            return Editor(argv: words, source: "$\(name)")
        }
        for name in Self.fallbackEditors where ForegroundProgram.locate(name) != nil {
            return Editor(argv: [name], source: "no $VISUAL or $EDITOR set")
        }
        throw HotfixError.environment("no editor: $VISUAL and $EDITOR are not set, and neither vi nor nano is installed",
                                      untouched: "nothing was opened",
                                      next: "set EDITOR to your editor (export EDITOR=…) and open the console again; ! opens a shell meanwhile")
    }

    /// `typed` (relative to the repository's root, or absolute) as a file inside the repository:
    /// an existing file, or a new one in an existing folder. Refused: outside the repository
    /// (symbolic links followed), git's own folder, a folder.
    public func editable(_ typed: String) throws(HotfixError) -> EditableFile {
        let text = typed.trimmingCharacters(in: .whitespaces)
        let shown = Sanitize.inline(text)
        guard !text.isEmpty else {
            throw HotfixError.usage("no file named", untouched: "nothing was opened", next: "type a path inside \(root), or pick one")
        }
        let realRoot = URL(fileURLWithPath: root).resolvingSymlinksInPath().path
        let joined = text.hasPrefix("/") ? text : root + "/" + text
        let lexical = URL(fileURLWithPath: joined).standardized
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: lexical.path, isDirectory: &isDirectory)
        if exists, isDirectory.boolValue {
            throw HotfixError.usage("\(shown) is a folder", untouched: "nothing was opened", next: "type the path of a file in it")
        }
        // A new file: its folder must be there (inside the repository), the name is kept as typed.
        let parent = lexical.deletingLastPathComponent()
        if !exists {
            guard FileManager.default.fileExists(atPath: parent.path, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw HotfixError.usage("\(shown) does not exist, nor does its folder", untouched: "nothing was opened",
                                        next: "check the path (it is read from \(root)), or pick one of the files offered")
            }
        }
        let resolved = exists ? lexical.resolvingSymlinksInPath().path : parent.resolvingSymlinksInPath().path + "/" + lexical.lastPathComponent
        guard resolved.hasPrefix(realRoot + "/") else {
            throw HotfixError.usage("\(shown) is outside the repository \(root)", untouched: "nothing was opened",
                                    next: "type a path inside the repository")
        }
        let relative = String(resolved.dropFirst(realRoot.count + 1))
        guard relative != ".git", !relative.hasPrefix(".git/") else {
            throw HotfixError.usage("\(shown) is inside git's own folder", untouched: "nothing was opened",
                                    next: "type the path of a file of the work tree")
        }
        return EditableFile(relative: relative, absolute: resolved, isNew: !exists)
    }

    /// The editor on `file`, started in the repository.
    public func editing(_ file: EditableFile) throws(HotfixError) -> TerminalProgram {
        TerminalProgram(program: ForegroundProgram(argv: try editor().argv + [file.absolute], directory: root))
    }

    /// `$SHELL` (else `/bin/sh`) in the repository, with `HOTFIX_INCIDENT` set so `hotfix`
    /// commands typed there act on this incident; the banner says so (`cli`: how the shell
    /// reaches this program) and how to come back.
    public func shell(_ id: IncidentID, cli: String, back: String) -> TerminalProgram {
        let wanted = session.environment["SHELL"].flatMap { $0.isEmpty ? nil : $0 }
        let found = wanted.flatMap { ForegroundProgram.locate($0) != nil ? $0 : nil }
        let missing = wanted != nil && found == nil ? " ($SHELL \(Sanitize.inline(wanted ?? "")) is not installed)" : ""
        let banner = "hotfix: a shell in \(root) for incident \(id)\(missing); HOTFIX_INCIDENT is set, so \(cli) status works here. \(back)"
        return TerminalProgram(program: ForegroundProgram(argv: [found ?? "/bin/sh"], directory: root,
                                                          environment: ["HOTFIX_INCIDENT": id.rawValue], banner: banner))
    }

    /// The files of the repository the assessment's answers name (`app/users.py`), as git names them.
    public func namedFiles(_ assessment: Assessment) -> [String] {
        var out: [String] = []
        for word in assessment.mentionedPaths {
            guard let file = try? editable(word), !file.isNew, !out.contains(file.relative) else { continue }
            out.append(file.relative)
        }
        return out
    }
}
