import Foundation
import HotfixEngine

/// The rollback the way the deploy was made: `kubectl rollout undo`, `helm rollback` to the
/// release's revision recorded before the upgrade, a configured command, or, for GitOps, the
/// revert to make (printed, never run: the controller would undo a kubectl rollback).
extension DeployRunner {
    /// The Helm release's revision now (before the upgrade), when the rollback is `helm rollback`;
    /// nil, with a notice, when helm cannot tell.
    func helmRevision() async -> Int? {
        guard let (helm, release) = s.helm else { return nil }
        let argv = helm.status(release)
        progress(.step("read the Helm release \(release)'s revision (what helm rollback goes back to)", command: argv))
        do {
            let r = try await runner.run(argv, in: root)
            if r.succeeded, let o = (try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8))) as? [String: Any], let v = KubeJSON.int(o["version"]) {
                return v
            }
            progress(.notice("helm status \(release) did not say its revision (exit \(r.exitCode): \(r.tail(2).joined(separator: " / "))): "
                             + "hotfix rollback will need --to-revision N (helm history \(release))"))
        } catch {
            progress(.notice("\(error.message): the Helm release's revision is not recorded; hotfix rollback will need --to-revision N"))
        }
        return nil
    }

    /// Rolls back to `target` the configured way and waits for that rollout (up to `timeout`, else
    /// the configured rollout timeout, else the deployment's progress deadline plus the margin);
    /// journaled. A GitOps revert is shown and noted, never run: nothing is rolled back then.
    public func rollback(_ target: DeployPlan.RollbackTarget, image: String?, automatic: Bool = false, timeout: Double? = nil) async throws(HotfixError) {
        var target = target
        if case .revert(let branch, let remote) = s.rollback, target.revert == nil, let commit = source?.commit {
            target.revert = await RevertFinder(root: root).revertArguments(commit: commit, branch: branch, remote: remote).arguments
        }
        let steps = plan.rollbackSteps(target)
        guard s.rollback.runs, let command = steps.first?.commands.first else {
            progress(.step("the rollback is a GitOps revert, for you to make: \(DeployPlan.gitOpsNote)", command: nil))
            for c in steps.first?.commands ?? [] { progress(.output(OutputLine(stream: .stdout, text: "$ " + c.map(DeployPlan.quoted).joined(separator: " ")))) }
            try await journal([.noted(Note(text: "rollback: GitOps revert to make (hotfix runs nothing; \(DeployPlan.gitOpsNote)): "
                                                + (steps.first?.commands ?? []).map { $0.map(DeployPlan.quoted).joined(separator: " ") }.joined(separator: "; ")))])
            return
        }
        let way = s.rollback.way
        let revision = way == .helmRollback ? target.releaseRevision : target.revision
        // kubectl undo is recorded as it always was (no way, no command); the others say how.
        let (recordedWay, recordedCommand): (RollbackWay?, [String]?) = way == .kubectlUndo ? (nil, nil) : (way, command)
        if way == .kubectlUndo, target.revision == nil {
            throw HotfixError.refused("no baseline revision is known to roll back to", untouched: "nothing was rolled back",
                                      next: "pass --to-revision N (kubectl rollout history deployment/\(s.deployment) lists them)")
        }
        if way == .helmRollback, target.releaseRevision == nil {
            let error = HotfixError.refused("the Helm release's revision before the upgrade was not recorded (helm status could not tell then)",
                                            untouched: "nothing was rolled back", next: "helm history RELEASE lists them: hotfix rollback --to-revision N")
            try await journal([.rollback(RollbackRecord(revision: nil, image: image, outcome: .failed(error.message), automatic: automatic, way: way))])
            throw error
        }
        progress(.step(steps[0].title, command: command))
        do throws(HotfixError) {
            let wait: Double
            if let known = timeout ?? s.rolloutTimeout {
                wait = known
            } else {
                wait = s.rolloutTimeout(progressDeadline: try await kubectl.deployment(s.deployment, templateHash: false).progressDeadlineSeconds)
            }
            if way == .kubectlUndo, let revision {
                try await kubectl.rolloutUndo(deployment: s.deployment, toRevision: revision)
            } else {
                let r = try await runner.stream(command, in: root) { progress(.output($0)) }
                try await journal([.commandRan(CommandRun(phase: .deploy, step: .rollback, argv: command, exitCode: r.exitCode, seconds: r.seconds,
                                                          outputTail: r.tail(8)))])
                guard r.succeeded else {
                    throw HotfixError.refused("the rollback (\(way.words)) failed with exit \(r.exitCode): \(r.tail(2).joined(separator: " / "))",
                                              untouched: "the deployment is as that command left it", next: "read its output above, then roll back by hand")
                }
            }
            progress(.step("wait for the rollback", command: kubectl.argv(KubeCall.rolloutStatus(deployment: s.deployment, timeout: wait))))
            let r = try await kubectl.rolloutStatus(deployment: s.deployment, timeout: wait) { progress(.output($0)) }
            guard r.succeeded else { throw Kubectl.failure(r, what: "rollout status after the rollback") }
        } catch {
            try await journal([.rollback(RollbackRecord(revision: revision, image: image, outcome: .failed(error.message), automatic: automatic,
                                                        way: recordedWay, command: recordedCommand))])
            throw error
        }
        try await journal([.rollback(RollbackRecord(revision: revision, image: image, outcome: .done, automatic: automatic, way: recordedWay,
                                                    command: recordedCommand))])
    }

    /// `kubectl rollout undo` to `revision` (the way before hotfix knew others).
    public func rollback(toRevision revision: Int, image: String?, automatic: Bool = false, timeout: Double? = nil) async throws(HotfixError) {
        try await rollback(DeployPlan.RollbackTarget(revision: revision), image: image, automatic: automatic, timeout: timeout)
    }
}
