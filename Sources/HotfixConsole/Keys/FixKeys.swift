import Foundation
import HotfixEngine
import HotfixScreen

/// FIX's keys: `E` a file in the editor, `!` a shell, `c` the commit. The editor and the shell take
/// the terminal in the foreground (the event loop steps aside); the commit is a job whose plan is
/// shown and confirmed first, like finish and deploy.
extension ConsoleModel {
    /// The most files `E` offers (typing a path reaches any other).
    static let offeredFiles = 9

    /// What `E` offers, most likely first: files not committed yet, files the fix changed, files
    /// the assessment names, the demo's bug.
    var fileChoices: [FilePick.Choice] {
        var out: [FilePick.Choice] = []
        let live = incident.phase == .fix ? fix : nil
        let deleted = Set((live?.changes?.files ?? []).filter { $0.status == .deleted }.map(\.path))
        func add(_ path: String, _ why: String) {
            guard !path.hasSuffix("/"), !deleted.contains(path), !out.contains(where: { $0.path == path }) else { return }
            out.append(FilePick.Choice(path, why: why))
        }
        for path in live?.uncommitted ?? [] { add(path, "uncommitted") }
        for file in live?.changes?.files ?? [] { add(file.path, "changed") }
        if live == nil { for file in incident.changes?.files ?? [] { add(file.path, "changed") } }
        for path in namedFiles { add(path, "named in ASSESS") }
        if let drill {
            add(drill.file, "the demo's bug")
            for test in drill.tests { add(test, "a failing test") }
        }
        return Array(out.prefix(Self.offeredFiles))
    }

    /// Why the terminal cannot be handed over now, if it cannot.
    func stepAsideRefusal(_ what: String) -> String? {
        guard let activity else { return nil }
        return "wait for the running job to finish (\(activity)), then \(what)"
    }

    /// `E`: the picker, unless there is no editor or a job runs.
    mutating func pickFile() -> [ConsoleEffect] {
        if let refusal = stepAsideRefusal("edit") {
            status = StatusMessage(refusal, role: .warning)
        } else if editor == nil, let problem = editorProblem {
            status = StatusMessage(problem, role: .warning)
        } else {
            prompt = .pickFile(FilePick(offered: fileChoices))
        }
        return []
    }

    /// Keys while picking: ↑/↓ move, tab copies the pick into the field, enter opens, esc cancels,
    /// anything else edits the path.
    mutating func pickKey(_ current: FilePick, _ key: Key) -> [ConsoleEffect] {
        var pick = current
        switch key {
        case .escape:
            prompt = nil
            status = nil
            return []
        case .enter:
            guard let path = pick.chosen else {
                status = StatusMessage("type a path from the repository's root, or esc", role: .warning)
                return []
            }
            prompt = nil
            status = nil
            return [.editFile(path)]
        case .up: pick.move(-1)
        case .down: pick.move(1)
        case .tab: pick.complete()
        default: _ = pick.edit(key)
        }
        prompt = .pickFile(pick)
        return []
    }

    /// `!`: a shell in the repository, unless a job runs.
    mutating func openShell() -> [ConsoleEffect] {
        if let refusal = stepAsideRefusal("open a shell") {
            status = StatusMessage(refusal, role: .warning)
            return []
        }
        return [.openShell]
    }

    /// `c`: the message field, `Fix: ` typed already, when there can be something to commit.
    mutating func askCommitMessage() {
        if let refusal = commitRefusal() {
            status = StatusMessage(refusal, role: .warning)
            return
        }
        commitFailure = nil
        prompt = .commitMessage(TextInput(CommitMessage.prefix))
    }

    /// Why `c` cannot commit now, judged on what the console knows (the plan reads git again).
    func commitRefusal() -> String? {
        if let activity { return "wait for the running job to finish (\(activity)), then commit" }
        guard let active = incident.phase else { return "incident \(incident.id) is closed: nothing is committed from here" }
        guard active == .fix || active == .test else {
            return "the fix is committed in FIX (or TEST, before the deploy); the active phase is \(active.title)"
                + (active == .deploy ? " (after a deploy that did not pass, b goes back to FIX)" : "")
        }
        guard active == .fix, let live = fix, live.problem == nil else { return nil }
        if !live.branchExists { return "\(live.branch) does not exist: BRANCH creates it" }
        if !live.onBranch {
            return "the work tree is on \(live.checkedOut ?? "a detached HEAD"), not \(live.branch): git switch \(live.branch) first (! opens a shell)"
        }
        if live.uncommitted.isEmpty {
            return "nothing to commit: the work tree of \(live.branch) has no change (E opens a file; a change made elsewhere shows within 2 s)"
        }
        return nil
    }

    /// Enter on the message: made `Fix: …`, then the commit's plan is shown and asked about.
    mutating func commitMessageEntered(_ text: String) -> [ConsoleEffect] {
        do {
            let message = try CommitMessage.normalize(text)
            prompt = nil
            return run(.commit(CommitRequest(message: message)))
        } catch {
            status = StatusMessage(error.message + " — " + (error.next ?? "type it again"), role: .warning)
            return []
        }
    }
}
