import Foundation
import HotfixTestSupport
import Testing

/// The CLI as a new user meets it: the real binary in a real git repository with a bare origin.
@Suite struct IncidentCLITests {
    func hotfix(_ args: String..., in repo: GitSandbox, env: [String: String] = [:]) -> Run {
        HotfixBinary.run(args, in: repo.work, env: env)
    }

    func json(_ run: Run) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
    }

    @Test func aWholeIncidentWalksThroughThePhases() throws {
        let repo = GitSandbox()
        let start = hotfix("start", "API returns 500 on /users endpoint", in: repo)
        #expect(start.status == 0, "\(start.stderr)")
        #expect(start.stdout.contains("Started incident 001-api-500"))
        #expect(repo.tryGit("status", "--porcelain").stdout.isEmpty, "the journal never dirties the work tree")

        let status = try json(hotfix("status", "--json", in: repo))
        #expect(status["id"] as? String == "001-api-500")
        #expect(status["phase"] as? String == "assess")
        let phases = try #require(status["phases"] as? [[String: Any]])
        #expect(phases.count == 7)
        #expect(phases[0]["targetSeconds"] as? Double == 300)
        #expect(status["remainingSeconds"] as? Double != nil)

        #expect(hotfix("assess", "--broken", "GET /users/{id} returns 500", "--hypothesis", "null user", in: repo).status == 0)
        for expected in ["BRANCH", "FIX", "TEST"] {
            if expected == "TEST" { repo.commitFix() }  // no empty fix: FIX ends with a commit on the branch
            let next = hotfix("next", in: repo)
            #expect(next.status == 0)
            #expect(next.stdout.contains("Now \(expected)"))
        }
        let refused = hotfix("next", in: repo)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("tests-pass (unchecked)"))
        #expect(refused.stderr.contains("rollback-plan (unchecked)"))
        #expect(try json(hotfix("status", "--json", in: repo))["phase"] as? String == "test", "a refusal changes nothing")

        #expect(hotfix("check", "tests-pass", "--pass", "--evidence", "pytest: 12 passed", in: repo).status == 0)
        #expect(hotfix("check", "type-hints", "--waive", "JSON config only", in: repo).status == 0)
        #expect(hotfix("check", "no-new-deps", "--pass", in: repo).status == 0)
        #expect(hotfix("check", "logging-added", "--pass", in: repo).status == 0)
        let stillRefused = hotfix("next", in: repo)
        #expect(stillRefused.status == 1)
        #expect(stillRefused.stderr.contains("rollback-plan"))
        #expect(!stillRefused.stderr.contains("tests-pass"))
        #expect(hotfix("check", "rollback-plan", "--pass", "--evidence", "kubectl rollout undo --to-revision=4", in: repo).status == 0)
        #expect(hotfix("next", in: repo).stdout.contains("Now DEPLOY"))

        let override = hotfix("next", "--override", "deployed through CI/CD, watched in Grafana", in: repo)
        #expect(override.status == 0)
        #expect(override.stderr.contains("override of 'monitoring'"))

        let timeline = hotfix("timeline", in: repo)
        #expect(timeline.status == 0)
        let lines = timeline.stdout.split(separator: "\n")
        #expect(lines.count == 12)
        #expect(lines.allSatisfy { $0.contains("Z  +0:00:") })
        #expect(timeline.stdout.contains("checklist type-hints: waived (manual) — JSON config only"))
        #expect(timeline.stdout.contains("override: monitoring — deployed through CI/CD"))

        let entries = try #require(JSONSerialization.jsonObject(with: Data(hotfix("timeline", "--json", in: repo).stdout.utf8)) as? [[String: Any]])
        #expect(entries.map { $0["seq"] as? Int } == Array(1...12))
    }

    @Test func countdownsComeFromTheRecordedTimes() throws {
        let repo = GitSandbox()
        #expect(hotfix("start", "Checkout fails", "--detected", "2026-11-26T09:00:00Z", in: repo, env: ["HOTFIX_NOW": "2026-11-26T09:10:00Z"]).status == 0)
        #expect(hotfix("next", in: repo, env: ["HOTFIX_NOW": "2026-11-26T09:14:12Z"]).status == 0)
        let s = try json(hotfix("status", "--json", in: repo, env: ["HOTFIX_NOW": "2026-11-26T09:20:00Z"]))
        #expect(s["elapsedSeconds"] as? Double == 600)
        #expect(s["detectionToDeploySeconds"] as? Double == 1200)
        let phases = try #require(s["phases"] as? [[String: Any]])
        #expect(phases[0]["usedSeconds"] as? Double == 252)
        #expect(phases[1]["usedSeconds"] as? Double == 348)
        #expect(phases[1]["pace"] as? String == "overrun", "BRANCH has 2 minutes")
        let text = hotfix("status", in: repo, env: ["HOTFIX_NOW": "2026-11-26T09:20:00Z"]).stdout
        #expect(text.contains("✓ ASSESS        4:12/5"))
        #expect(text.contains("▶ BRANCH        5:48/2  overrun"))
    }

    @Test(arguments: ["../x", "a b", "$(rm -rf ~)", "UPPER", String(repeating: "a", count: 200)])
    func badIDsAreRefusedWithNothingWritten(_ id: String) {
        let repo = GitSandbox()
        let r = hotfix("start", "API down", "--id", id, in: repo)
        #expect(r.status == 2)
        #expect(r.stderr.split(separator: "\n").count == 1, "one line: \(r.stderr)")
        #expect(r.stderr.contains("lowercase letters, digits and '-'"))
        #expect(!FileManager.default.fileExists(atPath: repo.work + "/.git/hotfix"), "nothing written")
    }

    @Test(arguments: [
        ("budgets:\n  fix: [30, 60\n", "line 3", "YAML syntax error"),
        ("budgets:\n  fixx: 30\n", "line 2", "unknown key 'fixx'"),
        ("budgets:\n  fix: lots\n", "line 2", "expected minutes"),
    ])
    func brokenConfigIsAOneLineErrorWithFileAndLine(_ yaml: String, _ line: String, _ mention: String) {
        let repo = GitSandbox(files: [".hotfix.yml": yaml])
        let r = hotfix("start", "API down", in: repo)
        #expect(r.status == 2)
        #expect(r.stderr.split(separator: "\n").count == 1, "one line: \(r.stderr)")
        #expect(r.stderr.contains(".hotfix.yml: \(line)"), "\(r.stderr)")
        #expect(r.stderr.contains(mention), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: repo.work + "/.git/hotfix"))
    }

    @Test func outsideAGitRepositoryIsAnEnvironmentError() {
        let dir = TempDir()
        let r = HotfixBinary.run(["start", "API down"], in: dir.path)
        #expect(r.status == 3)
        #expect(r.stderr.contains("not inside a git repository"))
        #expect((try? FileManager.default.contentsOfDirectory(atPath: dir.path))?.filter { !$0.hasPrefix(".home") }.isEmpty == true)
    }

    @Test func usageErrorsExitTwo() {
        let repo = GitSandbox()
        #expect(hotfix("start", in: repo).status == 2)
        #expect(hotfix("start", "x", "--severity", "P9", in: repo).status == 2)
        #expect(hotfix("frobnicate", in: repo).status == 2)
        _ = hotfix("start", "x", in: repo)
        #expect(hotfix("check", "tests-pass", in: repo).status == 2)
        #expect(hotfix("check", "nonsense", "--pass", in: repo).status == 2)
        #expect(hotfix("check", "type-hints", "--waive", " ", in: repo).status == 2)
        #expect(hotfix("status", "--incident", "../etc", in: repo).status == 2)
    }

    @Test func severalOpenIncidentsNeedAChoice() throws {
        let repo = GitSandbox()
        #expect(hotfix("start", "API down", in: repo).status == 0)
        #expect(hotfix("start", "Checkout broken", in: repo).status == 0)
        let r = hotfix("status", in: repo)
        #expect(r.status == 2)
        #expect(r.stderr.contains("001-api-down, 002-checkout-broken"))
        #expect(hotfix("status", "--incident", "002-checkout-broken", in: repo).status == 0)
        let list = try #require(JSONSerialization.jsonObject(with: Data(hotfix("list", "--json", in: repo).stdout.utf8)) as? [[String: Any]])
        #expect(list.count == 2)
    }

    /// Many closed incidents (copies of one the CLI closed), one open: the open one is picked, the
    /// table of `list` (from the index) agrees with `list --json` (every journal replayed), and a
    /// journal closed by hand behind the index's back is seen at once.
    @Test func theOpenIncidentIsPickedAmongManyClosedOnesAndListAgreesWithItsJSON() throws {
        let repo = GitSandbox()
        #expect(hotfix("start", "Template", "--id", "tmpl-0", in: repo).status == 0)
        for _ in 1...7 { #expect(hotfix("next", "--override", "closing the template", in: repo).status == 0) }
        let base = repo.dir.path + "/work/.git/hotfix"
        let template = try String(contentsOfFile: base + "/tmpl-0/journal.jsonl", encoding: .utf8)
        for i in 1...40 {
            let id = "c-\(i)"
            try FileManager.default.createDirectory(atPath: base + "/" + id, withIntermediateDirectories: true)
            try template.replacingOccurrences(of: "tmpl-0", with: id).write(toFile: base + "/\(id)/journal.jsonl", atomically: true, encoding: .utf8)
        }
        #expect(hotfix("start", "Search is empty", "--id", "open-1", in: repo).status == 0)
        #expect(try json(hotfix("status", "--json", in: repo))["id"] as? String == "open-1")

        let table = hotfix("list", in: repo).stdout.split(separator: "\n")
        let full = try #require(JSONSerialization.jsonObject(with: Data(hotfix("list", "--json", in: repo).stdout.utf8)) as? [[String: Any]])
        #expect(table.count == 42 && full.count == 42)
        for (row, report) in zip(table, full) {
            let fields = row.split(separator: " ", omittingEmptySubsequences: true)
            #expect(String(fields[0]) == report["id"] as? String)
            #expect(String(fields[2]) == ((report["phase"] as? String)?.uppercased() ?? "closed"), "\(row)")
        }
        let openRow = try #require(table.first { $0.hasPrefix("open-1 ") })
        #expect(openRow.contains("ASSESS") && openRow.hasSuffix("Search is empty"), "\(openRow)")

        // Closed by another process that knows nothing of the index: the latest closed one is picked.
        let open = base + "/open-1/journal.jsonl"
        let lines = try String(contentsOfFile: open, encoding: .utf8).split(separator: "\n")
        let closes = template.split(separator: "\n").suffix(7).enumerated().map { i, line in
            line.replacingOccurrences(of: "tmpl-0", with: "open-1")
                .replacingOccurrences(of: #""seq":\d+"#, with: "\"seq\":\(lines.count + 1 + i)", options: .regularExpression)
                .replacingOccurrences(of: #""at":"[^"]+""#, with: #""at":"2099-01-01T00:00:00.000Z""#, options: .regularExpression)
        }
        let handle = try #require(FileHandle(forWritingAtPath: open))
        handle.seekToEndOfFile()
        handle.write(Data((closes.joined(separator: "\n") + "\n").utf8))
        try handle.close()
        let status = hotfix("status", "--json", in: repo)
        #expect(try json(status)["id"] as? String == "open-1", "the most recently closed incident")
        #expect(try json(status)["closed"] as? Bool == true, "\(status.stdout)")
        #expect(hotfix("list", in: repo).stdout.split(separator: "\n").first { $0.hasPrefix("open-1 ") }?.contains("closed") == true)
    }

    @Test func initWritesADefaultsFileThatLoadsBack() {
        let repo = GitSandbox()
        #expect(hotfix("init", in: repo).status == 0)
        #expect(FileManager.default.fileExists(atPath: repo.work + "/.hotfix.yml"))
        #expect(hotfix("init", in: repo).status == 1, "never overwrites without --force")
        #expect(hotfix("start", "API down", in: repo).status == 0, "the written file is valid")
    }
}
