import Foundation
import HotfixEngine
import HotfixRuntime
import HotfixTestSupport
import HotfixWorkflow

/// A session on a sandbox repository (main pushed to a bare origin), on a fixed clock, that keeps
/// its warnings.
struct WorkflowFixture {
    let sandbox: GitSandbox
    let session: Session
    let warnings = Lines()

    init(config: HotfixConfig = HotfixConfig(), files: [String: String] = ["README.md": "app\n"]) {
        sandbox = GitSandbox(files: files)
        let repository = Repository(root: sandbox.work, commonDir: sandbox.work + "/.git")
        let warnings = self.warnings
        session = Session(repository: repository, config: config, store: IncidentStore(repository: repository),
                          clock: ManualClock(Date(timeIntervalSince1970: 1_795_687_200)), environment: GitSandbox.env,
                          warn: { warnings.append($0) })
    }

    /// Every ref and the work tree's status: what a refused command must leave as it was.
    func snapshot() -> String {
        sandbox.git("for-each-ref", "--format=%(refname) %(objectname)") + "\n" + sandbox.git("status", "--porcelain")
    }
}

/// Lines collected from any thread.
final class Lines: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []
    func append(_ line: String) { lock.withLock { stored.append(line) } }
    var all: [String] { lock.withLock { stored } }
}
