import Foundation
import HotfixTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// SIGKILL at random moments never loses an acknowledged event, and replay always succeeds.
@Suite struct CrashTests {
    /// Starts `hotfix _append-stress`, kills it with SIGKILL after `delay`, returns the acked numbers.
    func env(_ repo: GitSandbox) -> [String: String] {
        var env = ProcessInfo.processInfo.environment
        env["HOME"] = repo.dir.path
        env["HOTFIX_INCIDENT"] = ""
        return env
    }

    /// Starts `hotfix _append-stress`, kills it with SIGKILL after `delay`, returns the acked numbers.
    func killedWriter(_ repo: GitSandbox, tag: String, delay: Double) throws -> Set<Int> {
        let child = Child([HotfixBinary.path, "_append-stress", "--count", "100000", "--tag", tag], in: repo.work, env: env(repo))
        usleep(useconds_t(delay * 1_000_000))
        kill(child.pid, SIGKILL)
        #expect(child.wait() == 128 + SIGKILL)
        // Only complete "ack N" lines count as acknowledged.
        return Set(child.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast().compactMap { line in
            line.hasPrefix("ack ") ? Int(line.dropFirst(4)) : nil
        })
    }

    func notes(_ repo: GitSandbox) throws -> [String] {
        let r = HotfixBinary.run(["timeline", "--json"], in: repo.work)
        #expect(r.status == 0, "replay after a kill must succeed: \(r.stderr)")
        let entries = try #require(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]])
        let seqs = entries.compactMap { $0["seq"] as? Int }
        #expect(seqs == Array(1...seqs.count), "sequence numbers stay contiguous")
        return entries.compactMap { $0["summary"] as? String }.filter { $0.hasPrefix("note: ") }.map { String($0.dropFirst(6)) }
    }

    @Test func killingAWriterNeverLosesAnAcknowledgedEvent() throws {
        let repo = GitSandbox()
        #expect(HotfixBinary.run(["start", "Crash test"], in: repo.work).status == 0)
        var rng = SystemRandomNumberGenerator()
        var totalAcked = 0
        for round in 1...12 {
            let delay = Double.random(in: 0.05...0.6, using: &rng)
            let acked = try killedWriter(repo, tag: "r\(round)", delay: delay)
            totalAcked += acked.count
            let present = Set(try notes(repo).filter { $0.hasPrefix("r\(round) ") }.compactMap { Int($0.split(separator: " ")[1]) })
            #expect(acked.isSubset(of: present), "round \(round): acked but lost: \(acked.subtracting(present).sorted())")
        }
        #expect(totalAcked > 0, "the writers got far enough to acknowledge events")
    }

    @Test func twoWritersAtOnceInterleaveWithoutLoss() throws {
        let repo = GitSandbox()
        #expect(HotfixBinary.run(["start", "Two writers"], in: repo.work).status == 0)
        let writers = ["a", "b"].map { Child([HotfixBinary.path, "_append-stress", "--count", "40", "--tag", $0], in: repo.work, env: env(repo)) }
        #expect(writers.map { $0.wait() } == [0, 0])
        let all = try notes(repo)
        #expect(all.filter { $0.hasPrefix("a ") }.count == 40)
        #expect(all.filter { $0.hasPrefix("b ") }.count == 40)
    }
}
