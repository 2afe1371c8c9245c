import Foundation
import HotfixEngine
import HotfixRuntime
import HotfixTestSupport
@testable import HotfixWorkflow
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// FIX by hand: the files an editor may open (inside the repository only), the editor and the
/// shell that are found.
@Suite("Fix workflow")
struct FixWorkflowTests {
    @Test func onlyFilesInsideTheRepositoryAreOpened() throws {
        let f = WorkflowFixture(files: ["app/users.py": "x\n", "README.md": "app\n"])
        let fix = FixWorkflow(f.session)
        let root = f.sandbox.work
        #expect(try fix.editable("app/users.py") == EditableFile(relative: "app/users.py", absolute: root + "/app/users.py", isNew: false))
        #expect(try fix.editable(" ./app/../README.md ").relative == "README.md")
        #expect(try fix.editable(root + "/app/users.py").relative == "app/users.py", "an absolute path inside")
        #expect(try fix.editable("app/new_helper.py").isNew, "a new file in a folder that exists")

        symlink("/etc/passwd", root + "/app/passwd")
        let refused: [(String, String)] = [
            ("", "no file named"),
            ("../outside.txt", "../outside.txt is outside the repository"),
            ("/etc/passwd", "/etc/passwd is outside the repository \(root)"),
            ("../../../../../../etc/hostname", "is outside the repository"),
            ("app/passwd", "app/passwd is outside the repository"),
            ("app", "app is a folder"),
            (".git/config", ".git/config is inside git's own folder"),
            ("nope/new.py", "nope/new.py does not exist, nor does its folder"),
        ]
        for (typed, message) in refused {
            do {
                let file = try fix.editable(typed)
                Issue.record("'\(typed)' was accepted as \(file)")
            } catch {
                #expect(error.message.contains(message), "'\(typed)': \(error.message)")
                #expect(error.untouched == "nothing was opened")
            }
        }
        #expect(fix.namedFiles(Assessment(hypothesis: "get_user in app/users.py:1, not app/nothing.py; see README.md")) == ["app/users.py", "README.md"])
    }

    @Test func theEditorIsVisualThenEditorThenViAndAMissingOneIsSaid() throws {
        var session = WorkflowFixture().session
        func editor(_ env: [String: String]) -> Result<Editor, HotfixError> {
            session.environment = env
            do throws(HotfixError) { return .success(try FixWorkflow(session).editor()) } catch { return .failure(error) }
        }
        #expect(try editor(["VISUAL": "true -w", "EDITOR": "false"]).get() == Editor(argv: ["true", "-w"], source: "$VISUAL"))
        #expect(try editor(["VISUAL": "", "EDITOR": "cat"]).get().label == "cat ($EDITOR)")
        if ForegroundProgram.locate("vi") != nil {
            #expect(try editor([:]).get() == Editor(argv: ["vi"], source: "no $VISUAL or $EDITOR set"))
        }
        guard case .failure(let missing) = editor(["EDITOR": "no-such-editor-here --wait"]) else { Issue.record("a missing editor was accepted"); return }
        #expect(missing.message == "$EDITOR is 'no-such-editor-here --wait', which is not installed (not found on PATH)")
        #expect(missing.untouched == "nothing was opened")
    }
}
