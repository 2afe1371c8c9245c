import Foundation
import Testing
@testable import HotfixEngine

/// The fix's commit as the workflow wants it: a `Fix: …` message, every change of the work tree
/// staged, one commit; and the files an assessment names, for the console's editor.
@Suite struct FixCommitTests {
    @Test func theMessageGetsTheWorkflowsPrefixOnce() throws {
        #expect(try CommitMessage.normalize("return 404 for an unknown user") == "Fix: return 404 for an unknown user")
        #expect(try CommitMessage.normalize("Fix: return 404") == "Fix: return 404")
        #expect(try CommitMessage.normalize("  fix:return 404  ") == "Fix: return 404", "any case of the prefix, spaces trimmed")
        #expect(try CommitMessage.normalize("FIX:  handle None\n\nThe repository returns None.") == "Fix: handle None\n\nThe repository returns None.",
                "a body after the subject is kept")
    }

    @Test func aMessageThatSaysNothingOrHidesAnEscapeIsRefused() {
        for text in ["", "   ", "Fix: ", "fix:", "Fix:   \nbody only"] {
            #expect(throws: HotfixError.self, "'\(text)'") { try CommitMessage.normalize(text) }
        }
        do {
            _ = try CommitMessage.normalize("Fix: \u{1B}[31mred")
            Issue.record("an escape sequence in the subject was accepted")
        } catch {
            #expect(error.kind == .usage)
            #expect(error.message.contains("control character"))
            #expect(error.untouched == "nothing was committed")
        }
    }

    @Test func thePlanStagesWhatTheIndexLacksThenCommitsOnce() {
        let entries = [
            StatusEntry(code: " M", path: "app/users.py"),
            StatusEntry(code: "M ", path: "app/server.py"),
            StatusEntry(code: "??", path: "app/missing.py"),
            StatusEntry(code: " D", path: "app/old.py"),
            StatusEntry(code: "R ", path: "app/new_name.py", from: "app/name.py"),
            StatusEntry(code: "RM", path: "app/moved.py", from: "app/was.py"),
        ]
        let plan = CommitPlan(branch: "hotfix/001-api-500", message: "Fix: handle None", entries: entries)
        #expect(plan.addPaths == ["app/users.py", "app/missing.py", "app/old.py", "app/moved.py"],
                "an already staged change needs no add; a deletion and an edited rename do")
        #expect(plan.commands == [["git", "add", "--", "app/users.py", "app/missing.py", "app/old.py", "app/moved.py"],
                                  ["git", "commit", "-m", "Fix: handle None"]])
        #expect(plan.paths.contains("app/name.py"), "a rename's source is part of the commit")
        #expect(entries.map(\.words) == ["modified", "modified", "new file", "deleted", "renamed from app/name.py", "renamed from app/was.py"])

        let staged = CommitPlan(branch: "hotfix/001-api-500", message: "Fix: x", entries: [StatusEntry(code: "A ", path: "a.py")])
        #expect(staged.commands == [["git", "commit", "-m", "Fix: x"]], "nothing to add: no git add")
    }

    @Test func conflictsAreToldApart() {
        for code in ["UU", "AA", "DD", "AU", "UD"] { #expect(StatusEntry(code: code, path: "a").isUnmerged, "\(code)") }
        for code in [" M", "M ", "??", "A ", "R "] { #expect(!StatusEntry(code: code, path: "a").isUnmerged, "\(code)") }
    }

    @Test func theAssessmentsFilesAreTheWordsThatLookLikeFiles() {
        let a = Assessment(broken: "GET /users/{id} returns 500 (see https://grafana.local/d/x.json)",
                           impact: "all clients; app.log shows it",
                           hypothesis: "UserService.get_user in `app/users.py:41` dereferences the None repo.find returns; also README.md.")
        #expect(a.mentionedPaths == ["app.log", "app/users.py", "repo.find", "README.md"],
                "URL paths, URLs and dotted names without a file extension are left out; a line number is dropped")
        #expect(Assessment().mentionedPaths.isEmpty)
    }
}
