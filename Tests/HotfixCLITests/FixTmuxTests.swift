import Foundation
import HotfixTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// FIX done inside the console, as a newcomer does the demo: the real binary in tmux, with a
/// stand-in editor and a stand-in shell (scripts named by $EDITOR and $SHELL) that do what a
/// person would and say that they ran.
@Suite(.serialized) struct FixTmuxTests {
    typealias Tmux = ConsoleTmuxTests.Tmux

    @Test func theDemoIsFixedCommittedAndTestedWithoutLeavingTheConsole() throws {
        let tmp = TempDir("hotfix-demo-test")
        // The "editor": makes the fix the demo's FIX pane describes in the file it is given (get_user
        // returns None for an unknown id, says so in its signature, and logs it with a logger set up
        // as app/server.py sets up its own), says that it ran, and takes a second.
        tmp.writeExecutable("editor.sh", """
            #!/bin/sh
            sed -i -e 's/^from typing import Optional$/import logging\\nfrom typing import Optional\\n\\nlog = logging.getLogger("users-api")/' \\
                   -e 's/^def get_user(user_id: str) -> dict:$/def get_user(user_id: str) -> Optional[dict]:/' \\
                   -e 's/^    # A missing user is None here.*$/    if user is None:\\n        log.warning("no user %s", user_id)\\n        return None/' "$1"
            echo "EDITOR-RAN $1"
            sleep 1

            """)
        let t = try Tmux(width: 80, height: 24, env: ["HOME": tmp.path, "TMPDIR": tmp.path, "LANG": "C.UTF-8", "EDITOR": tmp.file("editor.sh")])
        t.type("\(HotfixBinary.path) demo --no-cluster")
        t.press("Enter")
        t.waitFor("▶ ASSESS", seconds: 30)
        t.type("n")
        t.waitFor("BRANCH · active")
        t.press("Enter")
        // The FIX pane: where the repository is, the branch, and what is wrong in the sandbox.
        var screen = t.waitFor("the demo's FIX pane", seconds: 30) { $0.contains("FIX · active") && $0.contains("no change against main yet") }
        let sandbox = try #require((try? FileManager.default.contentsOfDirectory(atPath: tmp.path))?.first { $0.hasPrefix("hotfix-demo-") })
        let work = tmp.file(sandbox + "/work")
        #expect(Self.pane(screen).contains("repo   " + work), "the whole path, over two rows when long:\n\(screen)")
        #expect(screen.contains("branch hotfix/001-api-500 · no commit yet"))
        #expect(screen.contains("What is wrong (demo): app/users.py"))
        #expect(screen.contains("Failing: tests.test_users, tests.test_server"))
        #expect(screen.contains("E edit") && screen.contains("c commit"), "the help bar names the keys")

        // E: the demo's file is offered first; enter opens it in the editor, and the console comes back.
        t.type("E")
        // The picker opens at once; its candidates (read from git and the assessment) follow.
        screen = t.waitFor("the file picker, the demo's file first") {
            $0.contains("Open a file in editor.sh ($EDITOR)") && $0.contains("› app/users.py") && $0.contains("the demo's bug")
        }
        t.press("Enter")
        t.waitFor("the editor's own output", seconds: 20) { $0.contains("EDITOR-RAN \(work)/app/users.py") }
        screen = t.waitFor("the console back, the change in the pane", seconds: 20) {
            $0.contains("┌ Phases") && $0.contains("! app/users.py") && $0.contains("uncommitted")
        }
        #expect(screen.contains("back from editor.sh: app/users.py changed"), "\(screen)")
        let edited = (try? String(contentsOfFile: work + "/app/users.py", encoding: .utf8)) ?? ""
        #expect(edited.contains("    if user is None:\n        log.warning(\"no user %s\", user_id)\n        return None\n"), "\(edited)")

        // c: the message typed in place after "Fix: ", the exact commands, then y.
        t.type("c")
        t.waitFor("the message field") { $0.contains("Commit the fix to hotfix/001-api-500") }
        t.type("return None for an unknown user")
        t.press("Enter")
        screen = t.waitFor("what will run, and the question", seconds: 20) { $0.contains("[y/N]") && $0.contains("$ git add -- app/users.py") }
        #expect(screen.contains("$ git commit -m 'Fix: return None for an"), "\(screen)")
        #expect(t.tryGit(work, "log", "-1", "--format=%s") == "Users API with tests", "nothing is committed before y")
        t.type("y")
        screen = t.waitFor("the commit in the FIX pane", seconds: 20) {
            $0.contains("1 commit ahead of main") && $0.contains("Fix: return None for an unknown user") && $0.contains("✓ app/users.py")
        }
        #expect(screen.contains("committed ") && screen.contains("n moves on to TEST"), "\(screen)")
        #expect(t.tryGit(work, "log", "-1", "--format=%s") == "Fix: return None for an unknown user")

        // n leaves FIX (the branch has its commit), t in TEST runs the demo's tests: they pass now.
        t.type("n")
        t.waitFor("▶ TEST", seconds: 20)
        t.type("t")
        screen = t.waitFor("the tests passing", seconds: 60) { $0.contains("[x] Tests pass") && $0.contains("✓ critical") }
        #expect(screen.contains("✓ smoke"), "\(screen)")
        #expect(!screen.contains("✗ smoke") && !screen.contains("✗ critical"))
        t.type("q")
        t.waitFor("Demo sandbox:")
        let timeline = HotfixBinary.run(["timeline"], in: work).stdout
        #expect(timeline.contains("ran git add -- app/users.py → exit 0"), "\(timeline)")
        #expect(timeline.contains("ran git commit -m Fix: return None for an unknown user → exit 0"), "\(timeline)")
        #expect(timeline.contains("FIX done, entered TEST"))
        #expect(!timeline.contains("override"), "no guardrail was overridden")

        // The fix the pane describes earns the checklist's machine checks, "Logging added" included.
        let auto = HotfixBinary.run(["check", "--auto", "--json"], in: work)
        #expect(auto.status == 0, "\(auto.stderr)")
        let rows = (try? JSONSerialization.jsonObject(with: Data(auto.stdout.utf8))) as? [[String: Any]] ?? []
        let checks = Dictionary(uniqueKeysWithValues: rows.map { ($0["item"] as? String ?? "", $0) })
        #expect(checks["logging-added"]?["result"] as? String == "passed", "\(auto.stdout)")
        #expect((checks["logging-added"]?["evidence"] as? String)?.hasPrefix("app/users.py:") == true, "\(auto.stdout)")
        #expect((checks["logging-added"]?["evidence"] as? String)?.hasSuffix("log.warning(\"no user %s\", user_id)") == true, "\(auto.stdout)")
        for item in ["tests-pass", "type-hints", "no-new-deps"] {
            #expect(checks[item]?["result"] as? String == "passed", "\(item): \(auto.stdout)")
        }
    }

    /// The demo's hint and the repository it describes agree: the snippet it names is the one
    /// app/server.py holds, and the file it tells a person to change has no logger of its own.
    @Test func theDemosLoggingHintDescribesItsRepository() throws {
        let tmp = TempDir("hotfix-demo-hint")
        let t = try Tmux(width: 160, height: 48, env: ["HOME": tmp.path, "TMPDIR": tmp.path, "LANG": "C.UTF-8"])
        t.type("\(HotfixBinary.path) demo --no-cluster")
        t.press("Enter")
        t.waitFor("▶ ASSESS", seconds: 30)
        t.type("n")
        t.waitFor("BRANCH · active")
        t.press("Enter")
        let screen = t.waitFor("the hint in the FIX pane", seconds: 30) { $0.contains("FIX · active") && $0.contains("Log it:") }
        #expect(screen.contains("log.warning"), "\(screen)")
        t.type("q")
        t.waitFor("Demo sandbox:")
        let sandbox = try #require((try? FileManager.default.contentsOfDirectory(atPath: tmp.path))?.first { $0.hasPrefix("hotfix-demo-") })
        let work = tmp.file(sandbox + "/work")
        let server = (try? String(contentsOfFile: work + "/app/server.py", encoding: .utf8)) ?? ""
        let users = (try? String(contentsOfFile: work + "/app/users.py", encoding: .utf8)) ?? ""
        #expect(server.contains("log = logging.getLogger(\"users-api\")"), "the logger the hint names is the team's")
        #expect(!users.contains("logging"), "the file to fix has no logger yet, as the hint says")
        // The natural fix without the logging the hint asks for is judged as missing it, with the way out.
        let git = { (args: [String]) in HotfixTestSupport.run(["git"] + args, in: work, env: ["HOME": tmp.path]) }
        let fixed = users.replacingOccurrences(of: "def get_user(user_id: str) -> dict:", with: "def get_user(user_id: str) -> Optional[dict]:")
            .replacingOccurrences(of: "    # A missing user is None here, and indexing it raises TypeError: the API answers 500.\n",
                                  with: "    if user is None:\n        # log.warning(\"no user %s\", user_id)  (not yet)\n        return None\n")
        try fixed.write(toFile: work + "/app/users.py", atomically: true, encoding: .utf8)
        #expect(git(["commit", "-qam", "Fix: return None for an unknown user"]).status == 0)
        let auto = HotfixBinary.run(["check", "--auto", "--json"], in: work)
        let rows = (try? JSONSerialization.jsonObject(with: Data(auto.stdout.utf8))) as? [[String: Any]] ?? []
        let logging = rows.first { $0["item"] as? String == "logging-added" }
        #expect(logging?["result"] as? String == "failed", "a commented-out call is no logging: \(auto.stdout)\(auto.stderr)")
        #expect((logging?["evidence"] as? String)?.contains("e.g. log.warning(") == true, "\(auto.stdout)")
    }

    @Test func bangOpensAShellInTheRepositoryAndTheConsoleComesBackSane() throws {
        let repo = GitSandbox(files: ["app/users.py": "def get_user(repo, id):\n    return repo[id]\n"])
        for args in [["start", "API returns 500", "--id", "001-api-500"], ["next"], ["branch"]] {
            let r = HotfixBinary.run(args, in: repo.work)
            #expect(r.status == 0, "\(args): \(r.stderr)")
        }
        // The "shell": writes where it runs, the terminal's modes and its incident, says it ran, and
        // ends with a Ctrl-C to its whole process group, as one typed in a real shell reaches it.
        let out = repo.dir.path
        repo.dir.writeExecutable("shell.sh", """
            #!/bin/sh
            pwd > '\(out)/pwd.txt'
            stty -a > '\(out)/stty.txt'
            echo "$HOTFIX_INCIDENT" > '\(out)/incident.txt'
            echo SHELL-RAN
            sleep 1
            kill -INT 0

            """)
        var env = ["HOME": repo.dir.path, "LANG": "C.UTF-8", "SHELL": repo.dir.file("shell.sh")]
        env.merge(GitSandbox.env) { a, _ in a }
        let t = try Tmux(width: 80, height: 24, env: env)
        t.type("cd \(repo.work) && \(HotfixBinary.path) console")
        t.press("Enter")
        t.waitFor("the FIX pane", seconds: 30) { $0.contains("FIX · active") && $0.contains("no change against main yet") }
        t.type("!")
        t.waitFor("the shell's own output", seconds: 20) { $0.contains("SHELL-RAN") }
        var screen = t.waitFor("the console back", seconds: 20) { $0.contains("┌ Phases") && $0.contains("FIX · active") }
        #expect(screen.contains("back from the shell (shell.sh)"), "\(screen)")
        #expect(repo.dir.read("pwd.txt") == repo.work + "\n", "the shell runs in the repository")
        #expect(repo.dir.read("incident.txt") == "001-api-500\n")
        let modes = (repo.dir.read("stty.txt") ?? "").split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == ";" })
        for flag in ["icanon", "echo", "isig", "icrnl"] {
            #expect(modes.contains(Substring(flag)), "the shell got a terminal with \(flag) off: the console did not step aside")
        }
        // Sane: keys work, the screen redraws, and q leaves the terminal as it was.
        t.type("2")
        screen = t.waitFor("another phase viewed") { $0.contains("BRANCH · done") }
        t.type("?")
        t.waitFor("the help overlay") { $0.contains("Keys") && $0.contains("FIX phase") }
        t.press("Escape")
        t.waitFor("the help closed") { $0.contains("┌ Phases") }
        t.type("q")
        t.waitFor("the shell again") { !$0.contains("┌ Phases") && !$0.contains("Keys") }
        #expect(t.value("#{alternate_on}") == "0", "still on the alternate screen")
        #expect(t.value("#{cursor_flag}") == "1", "the cursor is still hidden")
    }
}

extension FixTmuxTests {
    /// The main pane's rows of an 80-column screen, a path's continuation rows joined to it.
    static func pane(_ screen: String) -> String {
        let rows = screen.split(separator: "\n").compactMap { line -> String? in
            guard let start = line.range(of: "││", options: .backwards) else { return nil }
            return String(line[start.upperBound...].dropLast()).replacingOccurrences(of: "↓", with: " ")
        }
        var out: [String] = []
        for row in rows {
            let trimmed = row.trimmingCharacters(in: .whitespaces)
            if row.hasPrefix("         "), let last = out.last, last.contains("repo   ") { out[out.count - 1] = last + trimmed; continue }
            out.append(trimmed)
        }
        return out.joined(separator: "\n")
    }
}

extension ConsoleTmuxTests.Tmux {
    /// `git ARGS` in `work`, its output trimmed ("" when it fails).
    func tryGit(_ work: String, _ args: String...) -> String {
        let r = GitSandbox.runGit(args, in: work)
        return r.status == 0 ? r.stdout.trimmingCharacters(in: .whitespacesAndNewlines) : ""
    }
}
