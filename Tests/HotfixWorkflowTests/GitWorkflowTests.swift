import Foundation
import HotfixEngine
import HotfixRuntime
import HotfixTestSupport
import HotfixWorkflow
import Testing

@Suite("Git workflow")
struct GitWorkflowTests {
    @Test func invalidNamesInTheSettingsAreRefusedBeforeGitRuns() throws {
        let probe = WorkflowFixture()
        let before = probe.snapshot()
        let bad: [(inout HotfixConfig.Git) -> Void] = [
            { $0.main = "ma in" }, { $0.develop = "dev..elop" }, { $0.branch = "hotfix/fixed" },
            { $0.tag = "-hotfix-{id}" }, { $0.backport = ["feature/[a]"] }, { $0.remote = "or:igin" },
        ]
        for change in bad {
            var config = HotfixConfig()
            change(&config.git)
            var session = probe.session
            session.config = config
            do {
                _ = try GitWorkflow(session)
                Issue.record("accepted \(config.git)")
            } catch {
                #expect(error.kind == .usage)
                #expect(error.message.hasPrefix("invalid git settings"))
            }
        }
        #expect(probe.snapshot() == before)
    }
}
