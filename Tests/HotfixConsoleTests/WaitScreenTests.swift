import Foundation
import HotfixEngine
import Testing
import HotfixScreen
@testable import HotfixConsole

/// Issue 17: DEPLOY waiting for a rollout made elsewhere, in the DEPLOY pane: what it waits for,
/// the time used and left (from the console's clock, every tick), what was seen and ignored; then
/// one line once the rollout is seen, above the same monitoring window.
@Suite("The DEPLOY pane while waiting for a rollout made elsewhere")
struct WaitScreenTests {
    static let start = 2800.0

    static func wait(ignored: [String] = [], state: RolloutWait.State = .waiting) -> RolloutWait {
        RolloutWait(deployment: "users-api", expectImage: "*:hotfix-001-api-500", trigger: "made elsewhere (deploy.rollout: external)",
                    baseline: "revision 7, registry.local/api:1.4.2", startedAt: IncidentFixture.t0.timeIntervalSince1970 + start,
                    limit: 900, ignored: ignored, state: state)
    }

    func text(_ model: ConsoleModel) -> String { Screen.render(model).lines().joined(separator: "\n") }

    @Test("the wait says what it waits for, how long it has waited and has left, and what it ignored")
    func waiting() throws {
        for size in ScreenGoldenTests.sizes {
            var model = IncidentFixture.model(events: 2800, now: Self.start + 133, size: size)
            model.deployWords = DeployWords(steps: "wait for the rollout made elsewhere, monitor", rollback: "shows the GitOps revert to make (runs nothing)")
            _ = model.update(.rolloutWait(Self.wait(ignored: ["revision 8: registry.local/api:other-team-2.0"])))
            let buf = Screen.render(model)
            try Golden.check(buf, "deploy-waiting-\(size.width)x\(size.height)")
            let text = buf.lines().joined(separator: "\n")
            #expect(text.contains("Waiting for the rollout · 2:13 of 15:00"), "\(text)")
            #expect(text.contains("12:47 left"), "\(text)")
            #expect(text.contains("for image *:hotfix-001-api-500 on deployment/"), "\(text)")
            #expect(text.contains("ignored revision 8: registry.local/api:other-team"), "\(text)")
        }
    }

    @Test("the time used and left move with the console's clock, without a new message from the deploy")
    func ticking() {
        var model = IncidentFixture.model(events: 2800, now: Self.start + 10, size: ScreenGoldenTests.sizes[1])
        _ = model.update(.rolloutWait(Self.wait()))
        #expect(text(model).contains("Waiting for the rollout · 0:10 of 15:00"))
        _ = model.update(.tick(IncidentFixture.t0 + Self.start + 75))
        #expect(text(model).contains("Waiting for the rollout · 1:15 of 15:00"))
        #expect(text(model).contains("13:45 left"))
    }

    @Test("once the rollout is seen the same monitoring window takes over")
    func seenThenWindow() {
        let deployAt = Self.start + 40, now = deployAt + 60
        var model = IncidentFixture.model(events: 2800, now: now, size: ScreenGoldenTests.sizes[0])
        _ = model.update(.rolloutWait(Self.wait(state: .found("revision 8, ReplicaSet users-api-7f9c, registry.local/api:hotfix-001-api-500"))))
        _ = model.update(.monitor(IncidentFixture.monitorInputs(from: 2000, deployAt: deployAt, until: now)))
        _ = model.update(.tick(IncidentFixture.t0 + now))
        let screen = text(model)
        #expect(!screen.contains("Waiting for the rollout"), "\(screen)")
        #expect(screen.contains("Monitoring · "), "the same live window follows:\n\(screen)")
    }

    @Test("a wait that timed out says so and what it saw; a new deploy clears it")
    func timedOut() {
        var model = IncidentFixture.model(events: 2800, now: Self.start + 905, size: ScreenGoldenTests.sizes[0])
        _ = model.update(.rolloutWait(Self.wait(ignored: ["revision 8: registry.local/api:other-team-2.0"], state: .timedOut)))
        let screen = text(model)
        #expect(screen.contains("No rollout seen in 15 min (deploy.wait)"), "\(screen)")
        #expect(screen.contains("still revision 7, registry.local/api:1.4.2"), "\(screen)")
        #expect(!screen.contains(" left"), "no countdown once it is over:\n\(screen)")
        _ = model.update(.rolloutWait(nil))
        #expect(!text(model).contains("No rollout seen"))
    }

    @Test("the hints name the way this repository rolls out and rolls back")
    func hints() {
        var model = IncidentFixture.model(at: IncidentFixture.entered[.deploy]! + 20, size: ScreenGoldenTests.sizes[1])
        model.deployWords = DeployWords(steps: "wait for the rollout made elsewhere, monitor", rollback: "shows the GitOps revert to make (runs nothing)")
        let screen = text(model)
        #expect(screen.contains("wait for the rollout made elsewhere, monitor"), "\(screen)")
        #expect(screen.contains("r rolls back: shows the GitOps revert to make (runs nothing)"), "\(screen)")
    }
}
