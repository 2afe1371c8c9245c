import Foundation
import HotfixTestSupport
import Testing

/// `hotfix logs analyze` and `hotfix logs compare` as scripts use them: exit codes and JSON.
@Suite struct LogsCLITests {
    /// `entries` kubectl lines over three pods, every `errorEvery`-th the incident's error.
    func corpus(_ pods: [String], entries: Int, startSecond: Int, errorEvery: Int?) -> String {
        (0..<entries).map { i in
            let s = 38_400 + startSecond + i
            let prefix = String(format: "[pod/%@/app] 2026-11-26T%02d:%02d:%02dZ ", pods[i % pods.count], s / 3600, s % 3600 / 60, s % 60)
            if let every = errorEvery, i % every == 0 {
                return prefix + "ERROR GET /users/\(i) 500 25ms Database timeout after 3000ms"
            }
            return prefix + "INFO GET /users/\(i) 200 \(10 + i % 7)ms"
        }.joined(separator: "\n") + "\n"
    }

    func hotfix(_ args: String..., in dir: TempDir) -> Run {
        HotfixBinary.run(args, in: dir.path)
    }

    @Test func compareExitCodesFollowTheVerdict() throws {
        let dir = TempDir("logs-cli")
        let old = ["api-old-1", "api-old-2", "api-old-3"], new = ["api-new-1", "api-new-2", "api-new-3"]
        dir.write("before.log", corpus(old, entries: 2000, startSecond: 0, errorEvery: 10))
        dir.write("fixed.log", corpus(new, entries: 2000, startSecond: 3000, errorEvery: 500))
        dir.write("same.log", corpus(new, entries: 2000, startSecond: 3000, errorEvery: 10))
        dir.write("quiet.log", corpus(new, entries: 12, startSecond: 3000, errorEvery: nil))

        let pass = hotfix("logs", "compare", "--baseline", "before.log", "--after", "fixed.log", in: dir)
        #expect(pass.status == 0, "\(pass.stdout)\(pass.stderr)")
        #expect(pass.stdout.hasPrefix("PASS"))
        #expect(pass.stdout.contains("dropped by more than half"))

        let fail = hotfix("logs", "compare", "--baseline", "before.log", "--after", "same.log", in: dir)
        #expect(fail.status == 1)
        #expect(fail.stdout.hasPrefix("FAIL"))
        #expect(fail.stdout.contains("did not drop"))

        let quiet = hotfix("logs", "compare", "--baseline", "before.log", "--after", "quiet.log", "--json", in: dir)
        #expect(quiet.status == 5)
        let json = try #require(JSONSerialization.jsonObject(with: Data(quiet.stdout.utf8)) as? [String: Any])
        #expect(json["verdict"] as? String == "INCONCLUSIVE")
        #expect(json["exitCode"] as? Int == 5)
        #expect((json["reasons"] as? [String])?.isEmpty == false)
        #expect((json["signals"] as? [[String: Any]])?.count == 4)
    }

    @Test func analyzeReadsFilesAndStandardInput() throws {
        let dir = TempDir("logs-cli")
        let text = corpus(["api-a", "api-b"], entries: 100, startSecond: 0, errorEvery: 10) + "[pod/api-a/app] 2026-11-26T10:41:40Z \u{1B}]52;c;AAAA\u{07} ERROR boom\n"
        dir.write("api.log", text)
        let run = hotfix("logs", "analyze", "api.log", "--json", in: dir)
        #expect(run.status == 0, "\(run.stderr)")
        let json = try #require(JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(json["lines"] as? Int == 101)
        let totals = try #require(json["totals"] as? [String: Any])
        #expect(totals["errors"] as? Int == 11)
        #expect((json["pods"] as? [[String: Any]])?.count == 2)
        let templates = try #require(json["templates"] as? [[String: Any]])
        #expect(templates.first?["count"] as? Int == 10)
        #expect(!run.stdout.contains("\u{1B}"), "escape sequences never reach the output")

        let piped = HotfixBinary.run(["logs", "analyze", "-"], in: dir.path, stdin: text)
        #expect(piped.status == 0)
        #expect(piped.stdout.hasPrefix("101 lines: 101 entries"))
    }

    @Test func aMissingFileIsAUsageError() {
        let dir = TempDir("logs-cli")
        let run = hotfix("logs", "compare", "--baseline", "nope.log", "--after", "nope2.log", in: dir)
        #expect(run.status == 2)
        #expect(run.stderr.contains("cannot read nope.log"))
        #expect(run.stderr.contains("nothing was analysed"))
    }
}
