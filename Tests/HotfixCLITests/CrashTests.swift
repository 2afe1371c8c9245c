import Foundation
import HotfixTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// SIGKILL at random moments never loses an acknowledged event, and replay always succeeds.
@Suite struct CrashTests {
    /// Starts `hotfix _append-stress`, kills it with SIGKILL after `delay`, returns the acked numbers.
    func killedWriter(_ repo: GitSandbox, tag: String, delay: Double) throws -> Set<Int> {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: HotfixBinary.path)
        process.arguments = ["_append-stress", "--count", "100000", "--tag", tag]
        process.currentDirectoryURL = URL(fileURLWithPath: repo.work)
        var env = ProcessInfo.processInfo.environment
        env["HOME"] = repo.dir.path
        env["HOTFIX_INCIDENT"] = ""
        process.environment = env
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        usleep(useconds_t(delay * 1_000_000))
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        // Only complete "ack N" lines count as acknowledged.
        return Set(text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().compactMap { line in
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
        let a = Process(), b = Process()
        for (p, tag) in [(a, "a"), (b, "b")] {
            p.executableURL = URL(fileURLWithPath: HotfixBinary.path)
            p.arguments = ["_append-stress", "--count", "40", "--tag", tag]
            p.currentDirectoryURL = URL(fileURLWithPath: repo.work)
            p.standardOutput = FileHandle.nullDevice
            try p.run()
        }
        a.waitUntilExit(); b.waitUntilExit()
        #expect(a.terminationStatus == 0 && b.terminationStatus == 0)
        let all = try notes(repo)
        #expect(all.filter { $0.hasPrefix("a ") }.count == 40)
        #expect(all.filter { $0.hasPrefix("b ") }.count == 40)
    }
}
