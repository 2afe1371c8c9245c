import Foundation
import HotfixEngine
import HotfixRuntime
import HotfixSim

/// `hotfix demo --rollout external`: the sandbox deploys the way GitOps teams do. DEPLOY only
/// watches (`deploy.rollout: external`), and this stand-in CI/CD pipeline rolls the attempt's
/// image out on the simulated cluster a little after DEPLOY begins watching, as a pipeline
/// triggered by the engineer would; hotfix finds that rollout and judges it.
enum DemoPipeline {
    /// The deploy section's lines for an external rollout (inside `deploy:`).
    static func config(wait: String) -> String {
        """
          # CI/CD rolls out (here the demo's stand-in pipeline); hotfix waits for the new
          # ReplicaSet with the attempt's image, then judges it. A rollback is a GitOps revert.
          rollout: external
          expect_image: "*:{tag}"
          wait: \(wait)
          build: []
          push: []

        """
    }

    /// Follows the incident's journal; each deploy's baseline (one per attempt) triggers a rollout
    /// of that attempt's image `delay` seconds later. Cancel the task to stop it.
    static func start(sim: SimCluster, journal path: String, id: IncidentID, delay: Double) -> Task<Void, Never> {
        Task {
            let follower = JournalFollower(path: path)
            let repository = sim.baselineImage.split(separator: ":").first.map(String.init) ?? sim.baselineImage
            var attempts = 0
            while !Task.isCancelled {
                for event in follower.poll() {
                    guard case .deploy(let d) = event.body, d.step == .baseline else { continue }
                    attempts += 1
                    let tag = "hotfix-\(id.rawValue)" + (attempts > 1 ? "-attempt\(attempts)" : "")
                    sim.rollOut(image: "\(repository):\(tag)", after: delay)
                }
                try? await Task.sleep(for: .milliseconds(300))
            }
        }
    }
}
