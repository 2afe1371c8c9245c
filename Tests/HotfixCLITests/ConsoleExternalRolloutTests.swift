import Foundation
import HotfixTestSupport
import Testing

/// Issue 17 in a real terminal: `hotfix demo --rollout external` at 80x24. DEPLOY watches; the
/// demo's stand-in CI/CD pipeline rolls the image out a few seconds later; the console shows the
/// wait (what for, the time used and left), then the same live monitoring window and its verdict;
/// `r` shows the GitOps revert to make and runs nothing.
@Suite(.serialized) struct ConsoleExternalRolloutTests {
    @Test func theConsoleShowsTheWaitThenTheSameLiveWindowAndAVerdict() async throws {
        let slot = await ClusterGate.slot()  // the demo runs a simulated cluster
        defer { slot.release() }
        let (t, tmp, _, work) = try ConsoleTmuxTests.demoInDeploy(speed: 20, rollout: "external")
        defer { withExtendedLifetime(tmp) {} }  // the sandbox lives in it
        t.waitFor("the DEPLOY view") { $0.contains("DEPLOY · active") && $0.contains("enter deploy") }
        t.press("Enter")
        var screen = t.waitFor("the watch question under its plan") { $0.contains("[y/N]") }
        #expect(screen.contains("Watch deployment/users-api for the rollout made elsewhere? [y/N]"), "\(screen)")
        t.type("y")
        screen = t.waitFor("the wait, with the time used and left", seconds: 60) { $0.contains("Waiting for the rollout · ") && $0.contains(" left") }
        #expect(screen.contains("for image *:hotfix-001-api-500"), "what it waits for:\n\(screen)")
        #expect(screen.contains("made elsewhere (deploy.rollout: external)"), "\(screen)")
        // The steps it really makes: no build or push (not configured), no set image; only the ReplicaSet waited for.
        let steps = screen.split(separator: "\n").first { $0.contains("checks 5/5") }.map(String.init) ?? ""
        #expect(steps.contains("○new replicaset ○rollout"), "\(screen)")
        #expect(!steps.contains("build") && !steps.contains("push") && !steps.contains("set image"), "\(steps)")
        screen = t.waitFor("the rollout seen, then the live stream and its window", seconds: 60) { $0.contains("Monitoring · ") && $0.contains("new replicaset") }
        #expect(!screen.contains("Waiting for the rollout"), "\(screen)")
        screen = t.waitFor("the window's verdict", seconds: 90) { $0.contains("Monitoring · window over") && $0.contains("verdict: PASS") }
        #expect(screen.contains("pods 3 new"), "\(screen)")
        // The deploy's job has ended: the bar offers what follows a PASS, n first, and no second deploy.
        screen = t.waitFor("the deploy's job ended") { $0.contains("verdict PASS: n moves on to BACKPORT") && $0.contains(" n next phase  r rollback") }
        #expect(!screen.contains("enter deploy"), "\(screen)")
        t.press("Enter")
        screen = t.waitFor("enter says what comes next instead of deploying again") { $0.contains("attempt 1 passed (PASS): n moves on to BACKPORT") }
        #expect(!screen.contains("[y/N]"), "\(screen)")
        t.type("r")
        screen = t.waitFor("the GitOps revert shown, nothing asked") { $0.contains("nothing to run here") }
        t.press("Tab")  // the incident's events in the stream's place
        screen = t.waitFor("the revert in the log") { $0.contains("$ git revert") }
        #expect(!screen.contains("[y/N]"), "nothing to confirm: hotfix runs nothing")
        t.type("q")
        t.waitFor("Demo sandbox:")
        let timeline = HotfixBinary.run(["timeline"], in: work).stdout
        #expect(timeline.contains("deploy new-replicaset: done registry.local/users-api:hotfix-001-api-500 (revision 2)"), "\(timeline)")
        #expect(!timeline.contains("deploy set-image"), "hotfix set no image:\n\(timeline)")
        #expect(timeline.contains("verdict PASS"), "\(timeline)")
        #expect(timeline.contains("note: rollback asked for: a GitOps revert to make"), "\(timeline)")
    }
}
