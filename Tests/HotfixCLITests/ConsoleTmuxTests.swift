import Foundation
import HotfixTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The console as a person meets it: the real binary in a real terminal (tmux on a private socket).
@Suite(.serialized) struct ConsoleTmuxTests {
    struct Spawned {
        var status: Int32
        var output: String
    }

    /// A tmux server of our own, with one window running a plain shell. Released (the test
    /// returned, failed or threw), it kills its server by the socket, and SIGKILLs the server's
    /// pid if that did not end it; the lifeline kills it if the test process dies first.
    final class Tmux {
        let socket = "hotfix-test-\(UUID().uuidString.prefix(8))"
        let dir: TempDir
        private var serverPID: pid_t?

        init(width: Int, height: Int, env: [String: String]) throws {
            dir = TempDir("hotfix-tmux")
            let exports = env.map { "\($0.key)='\($0.value)'" }.sorted().joined(separator: " ")
            Lifeline.shared.registerTmux(socket)
            let r = tmux("new-session", "-d", "-x", "\(width)", "-y", "\(height)", "-s", "t",
                         "env -i PATH='\(ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")' TERM=xterm-256color PS1='$ ' \(TestProcesses.runMarkerAssignment) \(exports) /bin/sh")
            serverPID = Int32(value("#{pid}"))
            if r.status != 0 { stop() }
            try #require(r.status == 0, "tmux could not start (is tmux installed?): \(r.output)")
        }

        deinit { stop() }

        /// Ends the server, the shell in it and whatever the shell started (a console hangs up
        /// with its terminal; anything still there three seconds later is killed).
        func stop() {
            guard let server = serverPID else { Lifeline.shared.releaseTmux(socket); return }
            serverPID = nil
            let inside = TestProcesses.descendants(of: server)
            tmux("kill-server")
            for pid in [server] + inside where !TestProcesses.waitGone(pid, seconds: 3) {
                kill(pid, SIGKILL)
                TestProcesses.waitGone(pid, seconds: 1)
            }
            Lifeline.shared.releaseTmux(socket)
        }

        @discardableResult
        func tmux(_ args: String...) -> Spawned { tmux(args) }

        @discardableResult
        func tmux(_ args: [String]) -> Spawned { Self.spawn(["tmux", "-L", socket] + args, output: dir.file("tmux.out")) }

        /// posix_spawn and waitpid: Foundation's Process can miss the exit of a tmux client whose
        /// server daemonizes, and a shared pipe could be held open by that server. The server
        /// inherits the client's signal state: it must be clean (see TestProcesses).
        static func spawn(_ argv: [String], output: String) -> Spawned {
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
            var cargs = argv.map { strdup($0) } + [nil]
            defer { for p in cargs { free(p) } }
            var pid: pid_t = 0
            let rc = TestProcesses.withAttributes(ownGroup: false) { attributes in
                posix_spawnp(&pid, argv[0], &actions, attributes, &cargs, environ)
            }
            guard rc == 0 else { return Spawned(status: 127, output: "cannot run \(argv[0])") }
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0, errno == EINTR {}
            let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
            let code = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
            return Spawned(status: code, output: text)
        }

        func type(_ text: String) { tmux("send-keys", "-t", "t", "-l", text) }
        func press(_ keys: String...) { tmux(["send-keys", "-t", "t"] + keys) }
        func screen() -> String { tmux("capture-pane", "-p", "-t", "t").output }
        /// The pane with its scrollback, wrapped lines joined.
        func history() -> String { tmux("capture-pane", "-p", "-J", "-S", "-500", "-t", "t").output }
        func value(_ format: String) -> String {
            tmux("display-message", "-p", "-t", "t", format).output.trimmingCharacters(in: .whitespacesAndNewlines)
        }

        /// Waits (up to `seconds`) until the screen satisfies `condition`; returns the last screen.
        @discardableResult
        func waitFor(_ what: String, seconds: Double = 10, _ condition: (String) -> Bool,
                     sourceLocation: SourceLocation = #_sourceLocation) -> String {
            let deadline = Date() + seconds
            var last = screen()
            while !condition(last), Date() < deadline {
                usleep(50_000)
                last = screen()
            }
            if !condition(last) { Issue.record("timed out waiting for \(what); the screen was:\n\(last)", sourceLocation: sourceLocation) }
            return last
        }

        @discardableResult
        func waitFor(_ text: String, seconds: Double = 10, sourceLocation: SourceLocation = #_sourceLocation) -> String {
            waitFor("'\(text)'", seconds: seconds, { $0.contains(text) }, sourceLocation: sourceLocation)
        }
    }

    /// The shell in `t` has a normal terminal: stty shows line editing, echo and signals on.
    static func expectSaneTerminal(_ t: Tmux, _ tmp: TempDir, sourceLocation: SourceLocation = #_sourceLocation) {
        let sttyFile = tmp.file("stty.txt")
        t.type("stty -a > \(sttyFile); echo STTY-DONE")
        t.press("Enter")
        // The echo's line; the shell's prompt may land in front of it when the keys were echoed before it was drawn.
        t.waitFor("the stty output", { $0.split(separator: "\n").contains { $0.hasSuffix("STTY-DONE") && !$0.contains("echo") } },
                  sourceLocation: sourceLocation)
        let flags = (tmp.read("stty.txt") ?? "").split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == ";" })
        for flag in ["icrnl", "opost", "isig", "icanon", "echo"] {
            #expect(flags.contains(Substring(flag)), "stty shows \(flag) off after quitting", sourceLocation: sourceLocation)
        }
    }

    static func headerClock(_ screen: String) -> String? {
        let first = screen.split(separator: "\n").first.map(String.init) ?? ""
        return first.range(of: #"\d:\d\d:\d\d of 2:00:00"#, options: .regularExpression).map { String(first[$0]) }
    }

    @Test func theDemoConsoleIsDrivenFromTheKeyboardAndGivesTheTerminalBack() throws {
        let tmp = TempDir("hotfix-demo-test")
        let t = try Tmux(width: 80, height: 24, env: [
            "HOME": tmp.path, "TMPDIR": tmp.path, "NO_COLOR": "", "LANG": "C.UTF-8",
        ])
        t.type("\(HotfixBinary.path) demo")
        t.press("Enter")

        // Seven phases and a running countdown.
        let phases = ["ASSESS", "BRANCH", "FIX", "TEST", "DEPLOY", "BACKPORT", "CLOSE"]
        var screen = t.waitFor("the seven phases and the countdown", seconds: 30) { s in
            phases.allSatisfy { s.contains($0) } && Self.headerClock(s) != nil && s.contains("▶ ASSESS")
        }
        let clock = try #require(Self.headerClock(screen), "no overall countdown in:\n\(screen)")
        t.waitFor("the countdown to move past \(clock)") { Self.headerClock($0).map { $0 != clock } ?? false }

        // Toggle a checklist item in the DEPLOY view.
        t.type("5")
        t.waitFor("DEPLOY · not started")
        t.press("Space")
        // A capture can land mid-frame: wait for the whole frame rather than checking once.
        t.waitFor("the toggled item") { $0.contains("[x] Tests pass") && $0.contains("Checklist 1/5") }

        // Advance a phase.
        t.type("n")
        t.waitFor("▶ BRANCH")

        // Type an ASSESS answer in place.
        t.type("1")
        t.waitFor("›What is broken?")
        t.press("Enter")
        t.type("GET /users/999 answers 500")
        t.press("Enter")
        t.waitFor("the answer on screen and in the log") {
            $0.contains("    GET /users/999 answers 500") && $0.contains("assessed: broken: GET /users/999 answers 500")
        }

        // A command typed in another terminal shows on the console.
        let sandbox = try #require((try? FileManager.default.contentsOfDirectory(atPath: tmp.path))?.first { $0.hasPrefix("hotfix-demo-") })
        let note = HotfixBinary.run(["note", "paged the payments team"], in: tmp.file(sandbox + "/work"))
        #expect(note.status == 0, "\(note.stderr)")
        t.waitFor("note: paged the payments team")

        // Too small, then back.
        t.tmux("resize-window", "-t", "t", "-x", "60", "-y", "20")
        t.waitFor("terminal too small: need 80x24, have 60x20")
        t.tmux("resize-window", "-t", "t", "-x", "80", "-y", "24")
        t.waitFor("the console again") { $0.contains("┌ Phases") && $0.contains("[x] Tests pass") }

        // Quit, and the shell gets a normal terminal back.
        t.type("q")
        screen = t.waitFor("Demo sandbox:")
        #expect(t.value("#{alternate_on}") == "0", "still on the alternate screen")
        #expect(t.value("#{cursor_flag}") == "1", "the cursor is still hidden")
        Self.expectSaneTerminal(t, tmp)

        // The command printed to try the CLI runs as printed in this shell, where no `hotfix` is on PATH.
        let prefix = "Try the CLI there: "
        let hint = try #require(t.history().split(separator: "\n").first { $0.hasPrefix(prefix) }?.dropFirst(prefix.count))
        t.type(String(hint) + "; echo HINT-EXIT-$?")
        t.press("Enter")
        t.waitFor("the printed command's output", seconds: 20) { _ in t.history().contains("HINT-EXIT-0") }
        #expect(t.history().contains("HOTFIX 001-api-500  P0  API returns 500 on /users endpoint"), "\(t.history().suffix(1500))")

        // What the console did is in the journal, for the CLI to read.
        // The sandbox the demo printed on exit (the screen also shows the binary's own path, which can
        // contain "/work" too, so the path is read from the temp folder rather than parsed off the screen).
        #expect(screen.contains("Demo sandbox:"))
        let work = tmp.file(sandbox + "/work")
        let status = HotfixBinary.run(["status", "--json"], in: work)
        #expect(status.status == 0, "\(status.stderr)")
        let json = try #require(JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        #expect(json["phase"] as? String == "branch")
        #expect(status.stdout.contains("GET /users/999 answers 500"))
    }

    /// Ctrl-C, SIGTERM and SIGHUP leave the console the way `q` does: terminal restored, sandbox path printed.
    @Test(arguments: ["ctrl-c", "TERM", "HUP"])
    func otherWaysOutRestoreTheTerminal(_ way: String) throws {
        let tmp = TempDir("hotfix-demo-test")
        let t = try Tmux(width: 80, height: 24, env: ["HOME": tmp.path, "TMPDIR": tmp.path, "LANG": "C.UTF-8"])
        t.type("\(HotfixBinary.path) demo --clean")
        t.press("Enter")
        t.waitFor("┌ Phases", seconds: 30)
        if way == "ctrl-c" {
            t.press("C-c")
        } else {
            let shell = t.value("#{pane_pid}")
            let children = (try? String(contentsOfFile: "/proc/\(shell)/task/\(shell)/children", encoding: .utf8)) ?? ""
            let pid = try #require(children.split(separator: " ").first.flatMap { Int32($0) }, "no console process under the shell")
            kill(pid, way == "TERM" ? SIGTERM : SIGHUP)
        }
        t.waitFor("Removed the demo sandbox")
        #expect(t.value("#{alternate_on}") == "0")
        #expect(t.value("#{cursor_flag}") == "1")
    }

    @Test func plainHotfixInARepositoryWithAnOpenIncidentOpensTheConsole() throws {
        let repo = GitSandbox()
        let start = HotfixBinary.run(["start", "Checkout times out", "--id", "007-checkout"], in: repo.work)
        #expect(start.status == 0, "\(start.stderr)")
        let t = try Tmux(width: 80, height: 24, env: ["HOME": repo.dir.path, "LANG": "C.UTF-8"])
        t.type("cd \(repo.work) && \(HotfixBinary.path)")
        t.press("Enter")
        t.waitFor("the console on 007-checkout", seconds: 30) { $0.contains("HOTFIX 007-checkout") && $0.contains("┌ Phases") }
        t.type("q")
        t.waitFor("the shell again") { !$0.contains("┌ Phases") }
        #expect(t.value("#{alternate_on}") == "0")
    }

    @Test func enterInBranchCreatesTheBranchAndTheConsoleMovesToFix() throws {
        let repo = GitSandbox()
        for args in [["start", "Checkout times out", "--id", "007-checkout"], ["next"]] {
            let r = HotfixBinary.run(args, in: repo.work)
            #expect(r.status == 0, "\(r.stderr)")
        }
        let t = try Tmux(width: 80, height: 24, env: ["HOME": repo.dir.path, "LANG": "C.UTF-8"].merging(GitSandbox.env) { a, _ in a })
        t.type("cd \(repo.work) && \(HotfixBinary.path) console")
        t.press("Enter")
        t.waitFor("the BRANCH pane and its key", seconds: 30) { $0.contains("BRANCH · active") && $0.contains("enter create branch") }
        t.press("Enter")
        let screen = t.waitFor("the phase to move to FIX", seconds: 30) { $0.contains("FIX · active") && $0.contains("▶ FIX") }
        #expect(screen.contains("$ hotfix branch --incident 007-checkout"), "the command is shown in the log")
        #expect(repo.tryGit("rev-parse", "--verify", "refs/heads/hotfix/007-checkout").status == 0, "the branch was not created")
        #expect(repo.git("rev-parse", "--abbrev-ref", "HEAD") == "hotfix/007-checkout")
        #expect(repo.tryGit("ls-remote", "--exit-code", "origin", "hotfix/007-checkout").status != 0, "branch must not push")
        t.type("q")
        t.waitFor("the shell again") { !$0.contains("┌ Phases") }
        let status = HotfixBinary.run(["status", "--json"], in: repo.work)
        #expect(status.stdout.contains("\"phase\" : \"fix\"") || status.stdout.contains("\"phase\": \"fix\""), "\(status.stdout)")
    }

    @Test func quittingWhileTheTestsRunStopsTheTestCommandAndWhatItStarted() throws {
        // A test command that starts children of its own and waits: all must end when the console
        // quits. Each process carries the marker in its command line.
        let marker = "slow-tests-\(UUID().uuidString.prefix(8))"
        let child = "sh -c 'sleep 300; :' \(marker)-child"
        let repo = GitSandbox(files: [".hotfix.yml": "test:\n  smoke: [sh, \(marker).sh]\n",
                                      "\(marker).sh": "echo TESTS-RUNNING\n\(child) &\n\(child)\nwait\n"])
        defer {
            let left = TestProcesses.mentioning(marker)
            for pid in left + left.flatMap(TestProcesses.descendants(of:)) { kill(pid, SIGKILL) }
        }
        #expect(HotfixBinary.run(["start", "Checkout times out", "--id", "009-checkout"], in: repo.work).status == 0)
        for _ in 1...3 { _ = HotfixBinary.run(["next", "--override", "walking to TEST for the cancel test"], in: repo.work) }
        let t = try Tmux(width: 80, height: 24, env: ["HOME": repo.dir.path, "LANG": "C.UTF-8"].merging(GitSandbox.env) { a, _ in a })
        t.type("cd \(repo.work) && \(HotfixBinary.path) console")
        t.press("Enter")
        t.waitFor("the TEST pane", seconds: 30) { $0.contains("TEST · active") }
        t.type("t")
        t.waitFor("the test command's first line in the log", seconds: 30) { $0.contains("TESTS-RUNNING") }
        let deadline = Date() + 10
        while TestProcesses.mentioning(marker).count < 3, Date() < deadline { usleep(50_000) }
        #expect(TestProcesses.mentioning(marker).count == 3, "the script and its two children run")
        t.type("q")
        t.waitFor("the shell again", seconds: 15) { !$0.contains("┌ Phases") }
        // The job's process group got SIGTERM: the script and the children it started are gone.
        let gone = Date() + 5
        while !TestProcesses.mentioning(marker).isEmpty, Date() < gone { usleep(100_000) }
        #expect(TestProcesses.mentioning(marker).isEmpty, "left running: \(TestProcesses.mentioning(marker))")
    }

    @Test func eInCloseOpensThePostmortemInTheEditorAndTheConsoleComesBack() throws {
        let repo = GitSandbox()
        #expect(HotfixBinary.run(["start", "Checkout times out", "--id", "008-checkout"], in: repo.work).status == 0)
        for _ in 1...6 { _ = HotfixBinary.run(["next", "--override", "walking to CLOSE for the editor test"], in: repo.work) }
        // An "editor" that adds a line to the file it is given and says it ran.
        repo.dir.writeExecutable("editor.sh", "#!/bin/sh\nprintf 'Edited by hand.\\n' >> \"$1\"\necho EDITOR-RAN\nsleep 1\n")
        var env = ["HOME": repo.dir.path, "LANG": "C.UTF-8", "EDITOR": repo.dir.file("editor.sh")]
        env.merge(GitSandbox.env) { a, _ in a }
        let t = try Tmux(width: 80, height: 24, env: env)
        t.type("cd \(repo.work) && \(HotfixBinary.path) console")
        t.press("Enter")
        t.waitFor("the CLOSE pane", seconds: 30) { $0.contains("CLOSE · active") }
        t.type("E")
        // The console steps aside for the editor (which prints and waits a second), then comes back.
        t.waitFor("EDITOR-RAN", seconds: 30)
        t.waitFor("the console back after the editor", seconds: 30) { $0.contains("CLOSE · active") && $0.contains("┌ Phases") }
        let file = repo.work + "/docs/hotfix/008-checkout/postmortem.md"
        let text = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
        #expect(text.hasPrefix("# Post-Mortem: HOTFIX-008-CHECKOUT"), "the post-mortem was written before editing")
        #expect(text.hasSuffix("Edited by hand.\n"), "the editor ran on it")
        t.type("q")
        t.waitFor("the shell again") { !$0.contains("┌ Phases") }
    }

    /// `hotfix demo --speed N` in tmux, moved up to DEPLOY from another terminal with the checklist passed by hand.
    static func demoInDeploy(speed: Int, scenario: String = "fix-works", rollout: String = "set-image",
                             sourceLocation: SourceLocation = #_sourceLocation) throws -> (t: Tmux, tmp: TempDir, sandbox: String, work: String) {
        let tmp = TempDir("hotfix-demo-test")
        let t = try Tmux(width: 80, height: 24, env: ["HOME": tmp.path, "TMPDIR": tmp.path, "LANG": "C.UTF-8"])
        t.type("\(HotfixBinary.path) demo --speed \(speed) --scenario \(scenario) --rollout \(rollout)")
        t.press("Enter")
        t.waitFor("▶ ASSESS", seconds: 30, sourceLocation: sourceLocation)
        let sandbox = try #require((try? FileManager.default.contentsOfDirectory(atPath: tmp.path))?.first { $0.hasPrefix("hotfix-demo-") })
        let work = tmp.file(sandbox + "/work")
        for (i, args) in ([["next"], ["next"], ["next"]] + ["tests-pass", "type-hints", "no-new-deps", "logging-added", "rollback-plan"].map({ ["check", $0, "--pass"] }) + [["next"]]).enumerated() {
            if i == 2 { GitSandbox.commitFix(in: work) }  // no empty fix: FIX ends with a commit on the hotfix branch
            let r = HotfixBinary.run(args, in: work, env: ["PATH": tmp.file(sandbox + "/bin") + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "")])
            #expect(r.status == 0, "hotfix \(args.joined(separator: " ")): \(r.stderr)", sourceLocation: sourceLocation)
        }
        return (t, tmp, sandbox, work)
    }

    @Test func theDemoDeploysFromTheConsoleAfterShowingThePlanAndReachesAVerdict() throws {
        let (t, tmp, _, work) = try Self.demoInDeploy(speed: 30)
        defer { withExtendedLifetime(tmp) {} }  // the sandbox lives in it
        t.waitFor("the DEPLOY view") { $0.contains("DEPLOY · active") && $0.contains("enter deploy") }
        t.press("Enter")
        var screen = t.waitFor("the deploy question under its plan") { $0.contains("[y/N]") }
        #expect(screen.contains("Deploy registry.local/users-api:hotfix-001-api-500 to"))
        #expect(screen.contains("set image deployment/users-api") || screen.contains("rollout"), "the plan is in the log")
        t.press("Enter")
        t.waitFor("not confirmed: the deploy did not run")
        t.press("Enter")
        t.waitFor("the question again") { $0.contains("[y/N]") }
        t.type("y")
        screen = t.waitFor("the monitoring window's verdict", seconds: 90) { $0.contains("Monitoring · window over") && $0.contains("verdict: PASS") }
        #expect(screen.contains("pods 3 new · 0 old (3 gone)"), "the old pods were replaced:\n\(screen)")
        t.waitFor("the verdict in the journal") { $0.contains("verdict PASS: n moves on to BACKPORT") || $0.contains("verdict PASS after") }
        t.type("q")
        t.waitFor("Demo sandbox:")
        let timeline = HotfixBinary.run(["timeline"], in: work).stdout
        #expect(timeline.contains("deploy set-image: done registry.local/users-api:hotfix-001-api-500"), "\(timeline)")
        #expect(timeline.contains("verdict PASS"))
    }

    /// Issue 12: a crash loop's FAIL is on the console within seconds (the window is 30 s, the
    /// progress deadline 10 min); n is refused naming it; b, y goes back to FIX for attempt 2.
    @Test func aCrashLoopsFailShowsAtOnceAndBGoesBackToFix() throws {
        let (t, tmp, _, work) = try Self.demoInDeploy(speed: 10, scenario: "crashloop")
        defer { withExtendedLifetime(tmp) {} }  // the sandbox lives in it
        t.waitFor("the DEPLOY view") { $0.contains("DEPLOY · active") && $0.contains("enter deploy") }
        t.press("Enter")
        t.waitFor("the deploy question") { $0.contains("[y/N]") }
        t.type("y")
        var screen = t.waitFor("the FAIL on the console", seconds: 90) { $0.contains("verdict: FAIL") && $0.contains(" r rollback  b retry ") }
        #expect(screen.contains("b goes back to FIX") || screen.contains("verdict FAIL"), "\(screen)")
        // After the FAIL the bar offers r and b, and enter does not deploy the same attempt again.
        #expect(!screen.contains("enter deploy"), "\(screen)")
        t.press("Enter")
        screen = t.waitFor("enter saying what comes next") { $0.contains("attempt 1 FAIL: r rolls back, b goes back to FIX for attempt 2") }
        #expect(!screen.contains("[y/N]"), "no deploy question:\n\(screen)")
        // ? in the stream opens at DEPLOY's keys, the stream's under them; esc closes it.
        t.type("?")
        screen = t.waitFor("the help at DEPLOY's keys") { $0.contains("DEPLOY, while the pods' logs stream") }
        let rows = screen.split(separator: "\n").map(String.init)
        #expect(rows.count > 1 && rows[1].contains("DEPLOY phase"), "\(screen)")
        #expect(rows.contains { $0.contains("drop every filter") }, "the stream's last key in view at 80x24:\n\(screen)")
        t.press("Escape")
        t.waitFor("the stream again") { $0.contains("Pods ·") }
        t.type("n")
        screen = t.waitFor("next refused, naming the verdict") { $0.contains("verdict is FAIL") }
        t.press("Escape")
        t.type("b")
        screen = t.waitFor("the retry question, its [y/N] in view") { $0.contains("Back to FIX for attempt 2") && $0.contains("[y/N]") }
        t.type("y")
        t.waitFor("FIX again") { $0.contains("FIX · active") }
        t.type("q")
        t.waitFor("Demo sandbox:")
        let timeline = HotfixBinary.run(["timeline", "--json"], in: work)
        let entries = try #require(JSONSerialization.jsonObject(with: Data(timeline.stdout.utf8)) as? [[String: Any]])
        let iso = ISO8601DateFormatter()
        iso.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        func at(_ summary: String) -> Date? {
            guard let text = entries.first(where: { ($0["summary"] as? String)?.contains(summary) == true })?["at"] as? String else { return nil }
            return iso.date(from: text)
        }
        let set = try #require(at("deploy set-image: done"))
        let judged = try #require(at("verdict FAIL"))
        #expect(judged.timeIntervalSince(set) < 30, "FAIL \(judged.timeIntervalSince(set)) s after set image, before the 30 s window ended")
        #expect(at("deploy rollout: stopped") != nil, "the rollout's wait was stopped")
        #expect(at("DEPLOY → FIX for attempt 2 (attempt 1 was FAIL)") != nil)
    }

    @Test func rDuringTheMonitoringWindowEndsItEarlyAndRollsBackToTheBaseline() throws {
        // Speed 10: a 30 s window after a 3 s warm-up, time enough to press r in it.
        let (t, tmp, sandbox, work) = try Self.demoInDeploy(speed: 10)
        var screen = t.waitFor("the DEPLOY view with the demo's window") { $0.contains("DEPLOY · active") && $0.contains("monitor 30 s") }
        #expect(!screen.contains("5 min"), "the demo's window is 30 s:\n\(screen)")
        t.press("Enter")
        t.waitFor("the deploy question") { $0.contains("[y/N]") }
        t.type("y")
        t.waitFor("the monitoring window running", seconds: 60) { $0.contains("Monitoring · warm-up") || $0.contains(" left ") || $0.contains(" left") }
        t.type("r")
        screen = t.waitFor("the rollback question under the undo line") { $0.contains("[y/N]") }
        #expect(screen.contains("Roll deployment/users-api back to revision 1"), "\(screen)")
        // No leaves the window running.
        t.type("n")
        t.waitFor("not confirmed: the rollback did not run")
        t.type("r")
        t.waitFor("the rollback question again") { $0.contains("[y/N]") }
        t.type("y")
        screen = t.waitFor("the rollback done and the window stopped", seconds: 60) {
            $0.contains("rolled back to revision 1") && $0.contains("Monitoring · stopped at")
        }
        #expect(screen.contains("verdict: INCONCLUSIVE") || screen.contains("verdict: FAIL"), "\(screen)")
        #expect(!screen.contains("verdict: PASS"), "no PASS for a window cut short:\n\(screen)")

        // The simulated cluster runs the baseline image again (read before q stops it).
        let config = try #require(tmp.read(sandbox + "/work/.hotfix.yml"))
        func setting(_ key: String) -> String {
            config.split(separator: "\n").first { $0.trimmingCharacters(in: .whitespaces).hasPrefix(key + ":") }
                .map { String($0.split(separator: ":", maxSplits: 1)[1]).trimmingCharacters(in: .whitespaces) } ?? ""
        }
        let kubectl = HotfixTestSupport.run(["kubectl", "--kubeconfig", setting("kubeconfig"), "--context", setting("context"),
                                            "--namespace", setting("namespace"), "get", "deployment/users-api",
                                            "-o", "jsonpath={.spec.template.spec.containers[0].image}"], in: tmp.path, env: ["HOME": tmp.path])
        #expect(kubectl.stdout == "registry.local/users-api:1.4.2", "\(kubectl.stdout) \(kubectl.stderr)")

        t.type("q")
        t.waitFor("Demo sandbox:")
        let timeline = HotfixBinary.run(["timeline"], in: work).stdout
        #expect(timeline.contains("verdict INCONCLUSIVE") || timeline.contains("verdict FAIL"), "\(timeline)")
        #expect(timeline.contains("rollback to revision 1: done"), "\(timeline)")
        let verdictLine = try #require(timeline.split(separator: "\n").firstIndex { $0.contains("verdict ") })
        let rollbackLine = try #require(timeline.split(separator: "\n").firstIndex { $0.contains("rollback to revision 1") })
        #expect(verdictLine < rollbackLine, "the window's verdict so far, then the rollback")
        let status = HotfixBinary.run(["status", "--json"], in: work)
        let json = try #require(JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        #expect(json["phase"] as? String == "deploy")
    }

    /// The pod lines of the DEPLOY stream on a screen: `│◆+x1k2p 10:41:02 text`, split into mark, tag and text
    /// (the left column's box ends in │, ┘ or ┐ beside them).
    static func podRows(_ screen: String) -> [(mark: Character, tag: String, text: String)] {
        screen.split(separator: "\n").compactMap { line in
            guard let m = line.firstMatch(of: #/[│┘┐]│([ ◆●▲])([+-][0-9a-z]{5}) \d\d:\d\d:\d\d (.*)│$/#) else { return nil }
            return (Character(String(m.1)), String(m.2), String(m.3))
        }
    }

    /// Issue 15: during the window the pods' logs are the DEPLOY pane at 80x24; they can be
    /// narrowed while they run, new errors are marked, one pod can be picked; q gives the terminal back.
    @Test func theDeployPaneIsThePodsLogStreamAndItNarrowsWhileItRuns() throws {
        let (t, tmp, _, _) = try Self.demoInDeploy(speed: 10, scenario: "new-error")
        t.waitFor("the DEPLOY view") { $0.contains("DEPLOY · active") && $0.contains("enter deploy") }
        t.press("Enter")
        t.waitFor("the deploy question") { $0.contains("[y/N]") }
        t.type("y")
        var screen = t.waitFor("ten pod lines and more", seconds: 60) { Self.podRows($0).count >= 10 && $0.contains("Monitoring · ") }
        #expect(screen.contains("Pods · following"))
        let first = Self.podRows(screen).map(\.text)
        screen = t.waitFor("the lines to move on") { Self.podRows($0).count >= 10 && Self.podRows($0).map(\.text) != first }

        // /KeyError narrows the stream to the KeyError entries (wrapped with w: the whole entry shows).
        t.type("/KeyError")
        t.press("Enter")
        t.type("w")
        // A new error is marked once the baseline is known not to have it (the screen may be a frame early: wait).
        screen = t.waitFor("the filter on the stream's rule and marked matching lines", seconds: 30) {
            $0.contains("/KeyError ─") && Self.podRows($0).contains { $0.mark == "◆" }
        }
        var entries: [String] = []
        for line in screen.split(separator: "\n") {
            guard let row = line.firstMatch(of: #/[│┘┐]│(.)(.{6}) (.{8}) (.*)│$/#) else { continue }
            if row.2.trimmingCharacters(in: .whitespaces).isEmpty { if !entries.isEmpty { entries[entries.count - 1] += String(row.4) } } else { entries.append(String(row.4)) }
        }
        #expect(!entries.isEmpty)
        #expect(entries.allSatisfy { $0.contains("KeyError") }, "every line shown matches:\n\(screen)")
        // The new error's lines carry their mark; the traceback's KeyError line under it does not.
        let rows = Self.podRows(screen)
        #expect(rows.contains { $0.mark == "◆" && $0.text.hasPrefix("ERROR POST") }, "\(screen)")
        #expect(rows.filter { $0.text.hasPrefix("ERROR POST") }.allSatisfy { $0.mark == "◆" }, "\(screen)")

        // esc drops the filter; P, the first pod, enter: that pod's lines only.
        t.press("Escape")
        t.waitFor("every line again") { !$0.contains("/KeyError ─") }
        t.type("P")
        t.waitFor("the pod list") { $0.contains("restarts") && $0.contains("› all") }
        t.press("Down")
        t.press("Enter")
        screen = t.waitFor("one pod's lines", seconds: 20) { s in
            s.contains(" pod ") && Self.podRows(s).count >= 5
        }
        let tags = Set(Self.podRows(screen).map(\.tag))
        #expect(tags.count == 1, "one pod only:\n\(screen)")
        #expect(screen.contains("pod \(tags.first?.dropFirst() ?? "?")"), "the pod is named on the rule:\n\(screen)")

        t.type("q")
        t.waitFor("Demo sandbox:", seconds: 20)
        #expect(t.value("#{alternate_on}") == "0", "still on the alternate screen")
        Self.expectSaneTerminal(t, tmp)
    }

    /// Kubectl-style lines (`[pod/NAME/api] TIME TEXT`): `count` lines `step` seconds apart from `start`.
    static func podLog(start: Double, count: Int, step: Double, pods: [String], failEvery: Int?) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return (0..<count).map { i in
            let time = f.string(from: Date(timeIntervalSince1970: start + Double(i) * step))
            let text = failEvery.map { i % $0 == 0 } == true
                ? "ERROR GET /users/\(100 + i % 37) 500 31ms TypeError: 'NoneType' object is not subscriptable"
                : "INFO GET /users/\(100 + i % 37) 200 \(12 + i % 9)ms"
            return "[pod/\(pods[i % pods.count])/api] \(time) \(text)"
        }.joined(separator: "\n") + "\n"
    }

    @Test func aRecordedDeployReplaysThroughTheMonitoringWindowToAVerdict() throws {
        let repo = GitSandbox()
        #expect(HotfixBinary.run(["start", "API returns 500 on /users endpoint"], in: repo.work).status == 0)
        let t0 = 1_795_687_200.0
        repo.dir.write("old.log", Self.podLog(start: t0, count: 600, step: 0.5, pods: ["api-6f7c9-q8w2e", "api-6f7c9-z4r5t", "api-6f7c9-m1n2b"], failEvery: 16))
        repo.dir.write("new.log", Self.podLog(start: t0 + 300, count: 1400, step: 0.25, pods: ["api-7d9f8-x1k2p", "api-7d9f8-c3v4b"], failEvery: nil))
        let t = try Tmux(width: 160, height: 48, env: ["HOME": repo.dir.path, "LANG": "C.UTF-8"])
        t.type("cd \(repo.work) && \(HotfixBinary.path) monitor --baseline ../old.log --replay ../new.log --speed 60")
        t.press("Enter")
        let screen = t.waitFor("the window's final verdict", seconds: 60) { $0.contains("Monitoring · window over") && $0.contains("verdict: PASS") }
        #expect(screen.contains("pods 2 new · 3 old"))
        #expect(screen.contains("(baseline 6."))
        t.type("q")
        t.waitFor("the shell again") { !$0.contains("Monitoring") }
        let missing = HotfixBinary.run(["monitor", "--replay", "nope.log"], in: repo.work)
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("cannot read the log file nope.log"))
    }

    @Test func withoutATerminalTheConsolePointsToStatus() {
        let repo = GitSandbox()
        let console = HotfixBinary.run(["console"], in: repo.work)
        #expect(console.status == 3)
        #expect(console.stderr.contains("hotfix status"))
        let demo = HotfixBinary.run(["demo"], in: repo.work)
        #expect(demo.status == 3)
        #expect(demo.stderr.contains("needs a terminal"))
    }
}
