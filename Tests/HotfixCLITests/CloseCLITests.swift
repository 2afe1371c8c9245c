import Foundation
import HotfixTestSupport
import Testing

/// CLOSE end to end: guardrails, GitHub through gh, Telegram over HTTP, report and post-mortem.
@Suite struct CloseCLITests {
    static let systemPath = "/usr/local/bin:/usr/bin:/bin"

    func hotfix(_ args: String..., in repo: GitSandbox, env: [String: String] = [:]) -> Run {
        HotfixBinary.run(args, in: repo.work, env: env)
    }

    /// start → … → CLOSE → closed, passing each guardrail with an override.
    func walk(_ repo: GitSandbox, env: [String: String]) {
        for _ in 1...2 { #expect(hotfix("next", in: repo, env: env).status == 0) }
        repo.commitFix(branch: "hotfix/001-api-down")  // every incident here is "API down"
        #expect(hotfix("next", in: repo, env: env).status == 0)
        #expect(hotfix("next", "--override", "checklist verified by the team lead", in: repo, env: env).status == 0)
        #expect(hotfix("next", "--override", "deployed by CI/CD", in: repo, env: env).status == 0)
        let refused = hotfix("next", in: repo, env: env)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("nothing has been backported"))
        #expect(hotfix("next", "--override", "develop merged by hand, no feature branches", in: repo, env: env).status == 0)
        let noTag = hotfix("next", in: repo, env: env)
        #expect(noTag.status == 1)
        #expect(noTag.stderr.contains("is not tagged"))
        #expect(hotfix("next", "--override", "tagged by the release pipeline", in: repo, env: env).status == 0)
    }

    @Test func githubGetsCommentsAndTheCloseCallWithTheRightIssue() {
        let repo = GitSandbox()
        let gh = ToolStandIn(name: "gh")
        let env = ["PATH": gh.path]
        #expect(hotfix("start", "API down", "--issue", "42", in: repo, env: env).status == 0)
        walk(repo, env: env)
        let calls = gh.calls
        #expect(calls.contains(["issue", "comment", "42", "--body", "Hotfix 001-api-down: DEPLOY done. Hotfix deployed to production. Monitoring."]), "\(calls)")
        #expect(calls.contains(["issue", "comment", "42", "--body", "Hotfix 001-api-down: CLOSE done. Incident closed."]), "\(calls)")
        #expect(calls.last == ["issue", "close", "42", "--comment", "Fixed in hotfix-001-api-down"], "\(calls)")
        #expect(calls.count == 3)
    }

    @Test func withoutGhActionsAreQueuedAndSyncDeliversThemLater() throws {
        let repo = GitSandbox()
        let env = ["PATH": Self.systemPath]
        #expect(hotfix("start", "API down", "--issue", "7", in: repo, env: env).status == 0)
        walk(repo, env: env)
        let status = hotfix("status", "--json", in: repo, env: env)
        let json = try #require(JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        #expect(json["queued"] as? Int == 3)
        #expect(hotfix("timeline", in: repo, env: env).stdout.contains("github close: queued"))

        let stillMissing = hotfix("sync", in: repo, env: env)
        #expect(stillMissing.status == 1, "nothing delivered while gh is missing")

        let gh = ToolStandIn(name: "gh")
        let sync = hotfix("sync", in: repo, env: ["PATH": gh.path])
        #expect(sync.status == 0, "\(sync.stderr)")
        #expect(gh.calls.count == 3)
        #expect(gh.calls.last == ["issue", "close", "7", "--comment", "Fixed in hotfix-001-api-down"])
        #expect(hotfix("sync", in: repo, env: ["PATH": gh.path]).stdout.contains("Nothing queued"))
        #expect(gh.calls.count == 3, "a delivered action is never sent twice")
    }

    @Test func telegramIsRetriedRecordedAndTheTokenIsNeverWritten() throws {
        let server = StubHTTPServer(statuses: [502, 200])
        defer { server.stop() }
        let token = "123456:SECRET-token-value"
        let repo = GitSandbox(files: [".hotfix.yml": "telegram:\n  base_url: \(server.url)\n  attempts: 3\n"])
        let env = ["PATH": Self.systemPath, "HOTFIX_TELEGRAM_TOKEN": token, "HOTFIX_TELEGRAM_CHAT": "-1009"]
        #expect(hotfix("start", "API down", in: repo, env: env).status == 0)
        let requests = server.requests
        try #require(requests.count == 2, "one failure, one retry")
        #expect(requests.allSatisfy { $0.method == "POST" && $0.path == "/bot\(token)/sendMessage" })
        let body = try #require(JSONSerialization.jsonObject(with: Data(requests[1].body.utf8)) as? [String: Any])
        #expect(body["chat_id"] as? String == "-1009")
        #expect(body["text"] as? String == "🚨 HOTFIX-001-API-DOWN started (P0): API down")
        let timeline = hotfix("timeline", in: repo, env: env).stdout
        #expect(timeline.contains("telegram started: failed — Telegram answered HTTP 502"))
        #expect(timeline.contains("telegram started: sent (attempt 2)"))

        walk(repo, env: env)
        #expect(server.requests.last.map { $0.body.contains("HOTFIX-001-API-DOWN deployed. Issue resolved.") } == true)
        #expect(hotfix("report", in: repo, env: env).status == 0)
        #expect(hotfix("postmortem", in: repo, env: env).status == 0)

        // The token is absent from every file the project wrote.
        var written: [String] = []
        for root in [repo.work + "/.git/hotfix", repo.work + "/docs"] {
            let e = FileManager.default.enumerator(atPath: root)
            while let f = e?.nextObject() as? String { written.append(root + "/" + f) }
        }
        #expect(written.count >= 4)
        for file in written {
            let text = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
            #expect(!text.contains(token) && !text.contains("SECRET-token"), "token leaked into \(file)")
        }
    }

    @Test func anUnreachableTelegramStaysQueuedWithoutLeakingTheToken() {
        let server = StubHTTPServer(statuses: [200])
        let url = server.url
        server.stop()  // nothing listens there now
        let token = "999:UNREACHABLE-secret"
        let repo = GitSandbox(files: [".hotfix.yml": "telegram:\n  base_url: \(url)\n  attempts: 1\n"])
        let env = ["PATH": Self.systemPath, "HOTFIX_TELEGRAM_TOKEN": token, "HOTFIX_TELEGRAM_CHAT": "1"]
        let start = hotfix("start", "API down", in: repo, env: env)
        #expect(start.status == 0, "a failed notification never fails the incident")
        #expect(start.stderr.contains("telegram started: failed"))
        #expect(!start.stderr.contains("UNREACHABLE-secret"))
        let journal = (try? String(contentsOfFile: repo.work + "/.git/hotfix/001-api-down/journal.jsonl", encoding: .utf8)) ?? ""
        #expect(journal.contains("\"status\":\"failed\""))
        #expect(!journal.contains("UNREACHABLE-secret"))
    }

    @Test func theTokenReachesCurlOnStandardInputNeverAmongItsArguments() throws {
        // A curl stand-in that records its arguments (visible to every local user in /proc)
        // apart from its standard input, and answers like the Bot API.
        let bin = TempDir("curl-standin")
        bin.writeExecutable("curl", """
            #!/bin/sh
            printf '%s\\n' "$@" > '\(bin.path)/argv'
            cat > '\(bin.path)/stdin'
            printf '{"ok":true}\\n200'
            """)
        let token = "42:ARGV-secret"
        let repo = GitSandbox()
        let env = ["PATH": bin.path + ":" + Self.systemPath, "HOTFIX_TELEGRAM_TOKEN": token, "HOTFIX_TELEGRAM_CHAT": "-7"]
        let start = hotfix("start", "API down", in: repo, env: env)
        #expect(start.status == 0, "\(start.stderr)")
        #expect(hotfix("timeline", in: repo, env: env).stdout.contains("telegram started: sent\n"))
        let argv = try String(contentsOfFile: bin.path + "/argv", encoding: .utf8)
        let stdin = try String(contentsOfFile: bin.path + "/stdin", encoding: .utf8)
        #expect(!argv.contains("ARGV-secret"), "the token is among curl's arguments: \(argv)")
        #expect(argv.contains("--config\n-\n"))
        #expect(stdin.contains("url = \"https://api.telegram.org/bot42:ARGV-secret/sendMessage\""))
        // The JSON body is quoted for curl's config syntax: its quotes escaped.
        #expect(stdin.contains(#"data-binary = "{"#) && stdin.contains(#"\"chat_id\":\"-7\""#), "\(stdin)")
    }

    @Test func withoutCurlTelegramStaysQueuedAndSaysWhatToInstall() throws {
        // A PATH with git and nothing else.
        let bin = TempDir("no-curl")
        try FileManager.default.createSymbolicLink(atPath: bin.path + "/git", withDestinationPath: "/usr/bin/git")
        let repo = GitSandbox()
        let env = ["PATH": bin.path, "HOTFIX_TELEGRAM_TOKEN": "5:NO-CURL-secret", "HOTFIX_TELEGRAM_CHAT": "1"]
        let start = hotfix("start", "API down", in: repo, env: env)
        #expect(start.status == 0, "a failed notification never fails the incident: \(start.stderr)")
        #expect(start.stderr.contains("install curl"), "\(start.stderr)")
        #expect(!start.stderr.contains("NO-CURL-secret"))
        let status = hotfix("status", in: repo, env: env)
        #expect(status.status == 0)
        let journal = (try? String(contentsOfFile: repo.work + "/.git/hotfix/001-api-down/journal.jsonl", encoding: .utf8)) ?? ""
        #expect(journal.contains("\"status\":\"failed\""))
        #expect(!journal.contains("NO-CURL-secret"))
    }

    @Test func theReportShowsTheOverridesAndWhatDidNotHappen() {
        let repo = GitSandbox()
        let env = ["PATH": Self.systemPath]
        #expect(hotfix("start", "API down", in: repo, env: env).status == 0)
        walk(repo, env: env)
        let report = hotfix("report", in: repo, env: env)
        #expect(report.status == 0)
        let text = (try? String(contentsOfFile: repo.work + "/docs/hotfix/001-api-down/report.md", encoding: .utf8)) ?? ""
        #expect(text.contains("## ⚠️ Hotfix Closed Unverified: 001-API-DOWN"))
        #expect(text.contains("develop merged by hand, no feature branches"))
        #expect(text.contains("tagged by the release pipeline"))
        #expect(text.contains("- ❌ Backported to develop: not done"))
        let pm = hotfix("postmortem", in: repo, env: env)
        #expect(pm.status == 0)
        #expect(pm.stdout.contains("Due in"))
        #expect(hotfix("status", in: repo, env: env).stdout.contains("Post-mortem due in"))
        #expect(hotfix("postmortem", "--done", in: repo, env: env).status == 0)
        #expect(!hotfix("status", in: repo, env: env).stdout.contains("Post-mortem due"))
    }

    @Test func actionItemsAreFiledAsIssuesOnceEach() {
        let repo = GitSandbox()
        let gh = ToolStandIn(name: "gh", output: "https://github.invalid/acme/app/issues/99")
        let env = ["PATH": gh.path]
        #expect(hotfix("start", "API down", in: repo, env: env).status == 0)
        #expect(hotfix("note", "checking the load balancer", in: repo, env: env).status == 0)
        let filed = hotfix("postmortem", "--file-actions", in: repo, env: env)
        #expect(filed.status == 0, "\(filed.stderr)")
        let creates = gh.calls.filter { $0.starts(with: ["issue", "create"]) }
        #expect(creates.map { $0[3] } == ["[hotfix-001-api-down] Add test for this case", "[hotfix-001-api-down] Improve monitoring",
                                          "[hotfix-001-api-down] Update documentation"], "\(creates)")
        #expect(creates.allSatisfy { $0[4] == "--body" && $0[5].contains("HOTFIX-001-API-DOWN") })
        #expect(filed.stdout.contains("filed: [hotfix-001-api-down] Add test for this case"))
        let again = hotfix("postmortem", "--file-actions", in: repo, env: env)
        #expect(again.stdout.contains("already filed"))
        #expect(gh.calls.filter { $0.starts(with: ["issue", "create"]) }.count == 3, "never filed twice")
    }
}
