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

    /// Past 8 MiB a file is mapped and split in two at an entry boundary: the result must be
    /// the same as reading it in one stream.
    @Test func aLargeFileSplitInTwoCountsLikeOneStream() throws {
        let dir = TempDir("logs-cli")
        var lines: [String] = []
        for i in 0..<125_000 {
            let s = 38_400 + i / 10
            let prefix = String(format: "[pod/api-%d/app] 2026-11-26T%02d:%02d:%02dZ ", i % 3, s / 3600, s % 3600 / 60, s % 60)
            if i % 97 == 0 {
                lines += [prefix + "ERROR Unhandled exception", prefix + "Traceback (most recent call last):",
                          prefix + "  File \"/app/x.py\", line \(i % 50), in get", prefix + "KeyError: 'k\(i)'"]
            } else {
                lines.append(prefix + "INFO GET /users/\(i) \(i % 41 == 0 ? 503 : 200) \(i % 300)ms")
            }
        }
        let text = lines.joined(separator: "\n") + "\n"
        #expect(text.utf8.count > 8 << 20)
        dir.write("big.log", text)
        let split = hotfix("logs", "analyze", "big.log", "--json", in: dir)
        let stream = HotfixBinary.run(["logs", "analyze", "-", "--json"], in: dir.path, stdin: text)
        #expect(split.status == 0 && stream.status == 0)
        // Standard input is cut into 4 MiB blocks analysed on two threads (the file in two
        // halves): the same figures, to the byte.
        #expect(split.stdout == stream.stdout)
        let a = try #require(JSONSerialization.jsonObject(with: Data(split.stdout.utf8)) as? [String: Any])
        let b = try #require(JSONSerialization.jsonObject(with: Data(stream.stdout.utf8)) as? [String: Any])
        #expect(a["lines"] as? Int == lines.count)
        #expect(NSDictionary(dictionary: a["totals"] as? [String: Any] ?? [:]) == NSDictionary(dictionary: b["totals"] as? [String: Any] ?? [:]))
        let totals = try #require(a["totals"] as? [String: Any])
        #expect(totals["entries"] as? Int == 125_000)
        let templates = try #require(a["templates"] as? [[String: Any]])
        #expect(templates.first { ($0["template"] as? String)?.contains("KeyError") == true }?["count"] as? Int == 1289)
    }

    @Test func aMissingFileIsAUsageError() {
        let dir = TempDir("logs-cli")
        let run = hotfix("logs", "compare", "--baseline", "nope.log", "--after", "nope2.log", in: dir)
        #expect(run.status == 2)
        #expect(run.stderr.contains("cannot read nope.log"))
        #expect(run.stderr.contains("nothing was analysed"))
    }
}
