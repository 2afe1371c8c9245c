import Foundation
import HotfixEngine
import HotfixScreen
import HotfixWorkflow

/// A program on the real terminal while the console has stepped aside: the post-mortem's editor
/// (`E` in CLOSE), a file of the repository in the editor (`E` in FIX), a shell (`!` in FIX). What
/// can be checked is checked before the console steps aside (the path is inside the repository,
/// the editor is installed); the program runs on the event loop's thread, which waits for it:
/// nothing else draws meanwhile.
public enum EditJob {
    /// The post-mortem written when missing (as `hotfix postmortem --edit` does), then the editor
    /// on it. Returns the error to show when the console is back, if any.
    public static func editPostmortem(_ steps: StepJob) -> HotfixError? {
        let close = CloseWorkflow(steps.session)
        let id = steps.id
        let result = wait { () async throws(HotfixError) -> Void in
            let path = try await close.postmortem(id, write: true).path.absolute
            try await close.openEditor(path)  // the editor owns the terminal until it exits
        }
        if case .failure(let error) = result { return error }
        return nil
    }

    /// `E` in FIX: `typed` checked to be a file inside the repository and the editor found; the
    /// program to run, and the file.
    public static func file(_ steps: StepJob, _ typed: String) -> Result<(TerminalProgram, EditableFile), HotfixError> {
        let fix = FixWorkflow(steps.session)
        do throws(HotfixError) {
            let file = try fix.editable(typed)
            return .success((try fix.editing(file), file))
        } catch {
            return .failure(error)
        }
    }

    /// `!` in FIX: the shell in the repository; `cli` is how that shell runs this program.
    public static func shell(_ steps: StepJob, cli: String) -> TerminalProgram {
        FixWorkflow(steps.session).shell(steps.id, cli: cli, back: "Type exit (or ctrl-d) to come back to the console.")
    }

    /// Runs `program` on the terminal (the console has stepped aside) and says what the status row
    /// shows when it is back: for an editor, whether the file changed.
    public static func run(_ program: TerminalProgram, editing file: EditableFile?) -> StatusMessage {
        let before = file.flatMap { stamp($0.absolute) }
        let result = wait { () async throws(HotfixError) -> Int32 in try await program.run() }
        let name = program.name
        switch (result, file) {
        case (.failure(let error), _):
            return StatusMessage(error.description, role: .overdue)
        case (.success(let code), let file?):
            let after = stamp(file.absolute)
            if code != 0 {
                return StatusMessage("\(name) exited with status \(code); \(file.relative) is as it was last saved", role: .warning)
            }
            if after == nil { return StatusMessage("back from \(name): \(file.relative) was not saved (no such file yet)", role: .warning) }
            if after == before { return StatusMessage("back from \(name): \(file.relative), not changed", role: .ok) }
            return StatusMessage("back from \(name): \(file.relative) changed; the FIX view shows it, c commits it", role: .ok)
        case (.success, nil):
            return StatusMessage("back from the shell (\(name)); the FIX view shows the branch as it is now", role: .ok)
        }
    }

    /// A file's size and modification time, to tell whether an editor changed it.
    static func stamp(_ path: String) -> [String]? {
        guard let a = try? FileManager.default.attributesOfItem(atPath: path) else { return nil }
        return ["\(a[.size] ?? "")", "\((a[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0)"]
    }

    /// Waits on this thread for async work (the event loop's thread: nothing else needs it meanwhile).
    static func wait<T: Sendable>(_ work: @escaping @Sendable () async throws(HotfixError) -> T) -> Result<T, HotfixError> {
        let outcome = Holder<Result<T, HotfixError>>()
        let done = DispatchSemaphore(value: 0)
        Task {
            do throws(HotfixError) {
                outcome.value = .success(try await work())
            } catch {
                outcome.value = .failure(error)
            }
            done.signal()
        }
        done.wait()
        return outcome.value ?? .failure(HotfixError.environment("the program did not report back"))
    }
}
