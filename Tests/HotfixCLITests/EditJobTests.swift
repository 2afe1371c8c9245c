import Foundation
import HotfixConsole
import HotfixEngine
import HotfixRuntime
import HotfixScreen
import HotfixTestSupport
import HotfixWorkflow
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// What the status row says when the editor gives the terminal back: changed, not changed, not
/// saved, or what the editor's exit status was. (The editors here need no terminal.)
@Suite struct EditJobTests {
    func steps(_ repo: GitSandbox, editor: String) throws -> StepJob {
        let repository = Repository(root: repo.work, commonDir: repo.work + "/.git")
        let session = Session(repository: repository, config: HotfixConfig(), store: IncidentStore(repository: repository),
                              clock: SystemClock(), environment: ["EDITOR": editor], warn: { _ in })
        return StepJob(session: session, id: try IncidentID("001-api-500")) { _ in }
    }

    /// `EditJob.run` on a thread of its own, as the console's event loop runs it: it waits there for
    /// work on the cooperative pool, which a test's own pool thread must not block.
    func edit(_ repo: GitSandbox, _ path: String, editor: String) async throws -> StatusMessage {
        let (program, file) = try EditJob.file(try steps(repo, editor: editor), path).get()
        return await withCheckedContinuation { done in
            Thread { done.resume(returning: EditJob.run(program, editing: file)) }.start()
        }
    }

    @Test func theStatusSaysWhetherTheEditorChangedTheFile() async throws {
        let repo = GitSandbox(files: ["app/users.py": "x = 1\n"])
        repo.dir.writeExecutable("append.sh", "#!/bin/sh\necho 'y = 2' >> \"$1\"\n")
        repo.dir.writeExecutable("fail.sh", "#!/bin/sh\nexit 3\n")

        #expect(try await edit(repo, "app/users.py", editor: "true").text == "back from true: app/users.py, not changed")
        let changed = try await edit(repo, "app/users.py", editor: repo.dir.file("append.sh"))
        #expect(changed.text == "back from append.sh: app/users.py changed; the FIX view shows it, c commits it")
        #expect(changed.role == .ok)
        #expect(try await edit(repo, "app/new.py", editor: "true").text == "back from true: app/new.py was not saved (no such file yet)")
        let failed = try await edit(repo, "app/users.py", editor: repo.dir.file("fail.sh"))
        #expect(failed.text == "fail.sh exited with status 3; app/users.py is as it was last saved")
        #expect(failed.role == .warning)

        guard case .failure(let outside) = EditJob.file(try steps(repo, editor: "true"), "../elsewhere.txt") else {
            Issue.record("a path outside the repository was accepted"); return
        }
        #expect(outside.message.hasPrefix("../elsewhere.txt is outside the repository"))
        guard case .failure(let none) = EditJob.file(try steps(repo, editor: "no-such-editor-here"), "app/users.py") else {
            Issue.record("an editor that is not installed was accepted"); return
        }
        #expect(none.message == "$EDITOR is 'no-such-editor-here', which is not installed (not found on PATH)")
    }
}
