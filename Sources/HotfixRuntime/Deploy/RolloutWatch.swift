import Foundation
import HotfixEngine

/// `kubectl rollout status` running beside the window; its outcome is polled, and it can be
/// stopped (the process killed) the moment the window fails.
final class RolloutWatch: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: HotfixError??
    private var task: Task<Void, Never>?

    /// nil until `rollout status` answered; then `.some(nil)` when the rollout finished, or the failure.
    var outcome: HotfixError?? { lock.withLock { stored } }

    private func set(_ error: HotfixError?) { lock.withLock { if stored == nil { stored = .some(error) } } }

    /// Starts waiting. With `waitAgain`, a timeout while the deployment still progresses (no
    /// ProgressDeadlineExceeded) is not a failure: a large rollout may outlast the deadline, which
    /// counts from the last progress.
    init(kubectl: Kubectl, deployment: String, timeout: Double, waitAgain: Bool, progress: @escaping @Sendable (DeployProgress) -> Void) {
        task = Task { [self] in
            while !Task.isCancelled {
                let r: ProcessResult
                do throws(HotfixError) {
                    r = try await kubectl.runner.stream(kubectl.argv(KubeCall.rolloutStatus(deployment: deployment, timeout: timeout))) { progress(.output($0)) }
                } catch {
                    if !Task.isCancelled { set(error) }
                    return
                }
                if Task.isCancelled { return }
                if r.succeeded { set(nil); return }
                if waitAgain, Kubectl.timedOut(r), let d = try? await kubectl.deployment(deployment, templateHash: false), !d.rolloutStuck {
                    progress(.notice("rollout status gave up after \(Durations.words(timeout)), but deployment/\(deployment) still progresses "
                                     + "(\(d.updatedReplicas) of \(d.replicas) updated, \(d.readyReplicas) ready): waiting again"))
                    continue
                }
                set(Kubectl.failure(r, what: "wait for the rollout of deployment/\(deployment)"))
                return
            }
        }
    }

    /// Stops the wait (kubectl is killed) and waits until it has ended.
    func stop() async {
        task?.cancel()
        await task?.value
    }
}
