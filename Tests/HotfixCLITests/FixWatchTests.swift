import Foundation
import HotfixConsole
import HotfixEngine
import HotfixRuntime
import HotfixTestSupport
import HotfixWorkflow
import Testing

/// The console's FIX watch on a real repository: the diff against main is read again when git
/// status says something changed, when the console invalidates the watch, or every few reads
/// anyway (more lines in a file that was already modified change no status).
@Suite struct FixWatchTests {
    /// Every reading the watch posts. Waited for by polling with `Task.sleep`, never by blocking a
    /// thread: the watch reads on the same cooperative pool the tests run on.
    final class Inbox: @unchecked Sendable {
        private let lock = NSLock()
        private var readings: [FixProgress] = []
        func post(_ message: ConsoleMessage) {
            guard case .fix(let progress) = message else { return }
            lock.withLock { readings.append(progress) }
        }
        var count: Int { lock.withLock { readings.count } }
        /// The reading after the first `seen`, within a minute (the machine may be loaded).
        func reading(after seen: Int) async -> FixProgress? {
            for _ in 0..<3000 {
                if let p = lock.withLock({ readings.count > seen ? readings[seen] : nil }) { return p }
                try? await Task.sleep(nanoseconds: 20_000_000)
            }
            return nil
        }
    }

    @Test func theDiffIsReadAgainWhenTheStatusChangesOrAfterQuietReads() async throws {
        let repo = GitSandbox(files: ["app/users.py": "def get_user(repo, id):\n    return repo[id]\n"])
        for args in [["start", "API returns 500", "--id", "001-api-500"], ["next"], ["branch"]] {
            #expect(HotfixBinary.run(args, in: repo.work).status == 0)
        }
        let repository = Repository(root: repo.work, commonDir: repo.work + "/.git")
        let session = Session(repository: repository, config: HotfixConfig(), store: IncidentStore(repository: repository),
                              clock: SystemClock(), environment: GitSandbox.env, warn: { _ in })
        let state = try session.load(try IncidentID("001-api-500")).state
        let watch = FixWatch(interval: 0, fullEvery: 3)
        let inbox = Inbox()
        func read() async -> FixProgress? {
            let seen = inbox.count
            watch.refresh(state, session: session) { inbox.post($0) }
            return await inbox.reading(after: seen)
        }
        func lines(_ p: FixProgress?) -> Int? { p?.changes?.files.first { $0.path == "app/users.py" }?.added }

        #expect(try #require(await read()).changes?.files.isEmpty == true, "nothing changed yet")
        repo.write("app/users.py", "def get_user(repo, id):\n    return repo.get(id)\n")
        #expect(lines(await read()) == 1, "a new status: the diff is read")
        repo.write("app/users.py", "def get_user(repo, id):\n    # one more line\n    return repo.get(id)\n")
        #expect(lines(await read()) == 1, "the same status: the last diff is kept")
        #expect(lines(await read()) == 1, "kept again")
        #expect(lines(await read()) == 2, "every third read reads the diff, whatever the status says")
        repo.write("app/users.py", "def get_user(repo, id):\n    # one more line\n    # and another\n    return repo.get(id)\n")
        watch.invalidate()
        #expect(lines(await read()) == 3, "invalidated (the editor came back): read at once")
    }
}
