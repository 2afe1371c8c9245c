import Foundation
import HotfixEngine
import HotfixLogs

/// A rollout hotfix does not make with set image: a command run instead (`helm upgrade …`,
/// `kubectl apply -k …`), or one made elsewhere (CI/CD, Argo CD, Flux). Either way the rollout to
/// judge is the deployment's next new ReplicaSet (with the expected image, when one is set).
extension DeployRunner {
    enum Elsewhere {
        /// The rollout to judge was found; its image.
        case found(String)
        /// None came (or the wait was stopped): the verdict, already journaled.
        case nothing(Verdict)
    }

    /// Refuses a wait that could never end well: the deployment already runs the expected image
    /// (the rollout happened before the watch began, so there is no baseline to compare with).
    func checkBeforeWaiting(_ info: DeploymentInfo, image: String?) throws(HotfixError) {
        if let pattern = s.expectImage, let image, pattern.matches(image) {
            throw HotfixError.refused("deployment/\(s.deployment) already runs \(image) (revision \(info.revision)), which matches deploy.expect_image "
                                      + "\(pattern): that rollout happened before this watch began, so there is no baseline to judge it against",
                                      untouched: "nothing was changed or journaled",
                                      next: "roll back to the revision before it and watch again (hotfix watch), or judge saved logs with hotfix logs compare")
        }
        if info.observedGeneration < info.generation || info.updatedReplicas < info.replicas {
            progress(.notice("deployment/\(s.deployment) is rolling out right now (revision \(info.revision), \(info.updatedReplicas) of \(info.replicas) "
                             + "updated): that revision is taken as the baseline; the rollout to judge is the next one"))
        }
    }

    /// Runs the rollout command (if any) in the background, waits for the new ReplicaSet, and
    /// tells the monitor which pods to judge. A wait that ends without one journals INCONCLUSIVE.
    func rollOutElsewhere(_ baseline: Baseline, box: MonitorBox, sides: PodSides, following: Following) async throws(HotfixError) -> Elsewhere {
        let command = CommandOutcome()
        var trigger = "made elsewhere (deploy.rollout: external)"
        if case .command(let argv) = s.rollout {
            trigger = "after " + argv.joined(separator: " ")
            progress(.step("run the rollout command instead of kubectl set image (deploy.rollout)", command: argv))
            following.start { await runRolloutCommand(argv, into: command) }
        }
        let info = baseline.info
        var wait = RolloutWait(deployment: s.deployment, expectImage: s.expectImage?.text, trigger: trigger,
                               baseline: "revision \(info.revision), \(baseline.image ?? "?")", startedAt: clock.now.timeIntervalSince1970, limit: s.wait)
        // Read through the window's kubectl proxy (GET …/replicasets); this kubectl is the fallback.
        progress(.step("wait up to \(Durations.words(s.wait)) for \(wait.lookingFor)", command: kubectl.argv(KubeCall.listReplicaSets(selector: info.selector))))
        progress(.waiting(wait))
        var seen = Set<String>()
        var toldFailure = Date.distantPast
        var toldCommand = false
        while true {
            if Task.isCancelled {
                let detail = "stopped after \(Durations.words(wait.elapsed(at: clock.now.timeIntervalSince1970))): the watch itself was stopped "
                    + "(Ctrl-C, SIGTERM or the console quit) before a rollout was seen"
                try? await journal([.deploy(DeployRecord(.newReplicaSet, .stopped, detail: detail)),
                                    .warning(Warning(source: .deploy, message: "DEPLOY's wait for a rollout was stopped: nothing was judged"))])
                throw Self.stopped(before: "a rollout was seen: nothing was judged")
            }
            let now = clock.now.timeIntervalSince1970
            if let failure = command.failure { throw failure }
            if !toldCommand, command.succeeded {
                toldCommand = true
                progress(.notice("the rollout command ended well; waiting for its ReplicaSet (if it did not change the pod template, "
                                 + "for example the same image tag, no rollout comes: the wait then ends INCONCLUSIVE)"))
            }
            if let stop = stopper?.requested {
                wait.endedAt = now
                wait.state = .stopped(stop.cause)
                return .nothing(try await noRollout(wait, outcome: .stopped))
            }
            if wait.elapsed(at: now) >= s.wait {
                wait.endedAt = now
                wait.state = .timedOut
                return .nothing(try await noRollout(wait, outcome: .failed))
            }
            do throws(HotfixError) {
                let sets = try await following.replicaSets(info.selector, kubectl: kubectl)
                if let rs = sets.max(by: { $0.revision < $1.revision }), rs.revision > info.revision, seen.insert("\(rs.name)@\(rs.revision)").inserted {
                    let image = rs.image(s.container)
                    if rs.templateHash == info.templateHash {
                        wait.ignored.append("revision \(rs.revision): the baseline's template again")
                        progress(.notice("ignored: revision \(rs.revision) of deployment/\(s.deployment) is the baseline's pod template again"))
                    } else if let pattern = s.expectImage, !pattern.matches(image) {
                        sides.ignore(rs.templateHash)
                        let what = "revision \(rs.revision) (\(rs.name), \(image)) does not match \(pattern)"
                        wait.ignored.append("revision \(rs.revision): \(image)")
                        progress(.notice("ignored a rollout: \(what); still waiting"))
                        try await journal([.warning(Warning(source: .deploy, message: "a rollout of deployment/\(s.deployment) was seen and ignored: \(what) (deploy.expect_image)"))])
                    } else {
                        wait.endedAt = now
                        wait.state = .found("revision \(rs.revision): \(image) (ReplicaSet \(rs.name))")
                        progress(.waiting(wait))
                        try await journal([.deploy(DeployRecord(.newReplicaSet, .done, image: image, revision: rs.revision,
                                                                detail: "ReplicaSet \(rs.name) (pod-template-hash \(rs.templateHash)), seen "
                                                                    + "\(Durations.words(wait.elapsed(at: now))) after the wait began, \(trigger)"))])
                        let (held, problems) = sides.judge(rs.templateHash)
                        for batch in held { MonitorSink.ingest(batch, side: .hotfix, into: box) }
                        for p in problems { box.report(p) }
                        return .found(image)
                    }
                }
            } catch {
                if Date().timeIntervalSince(toldFailure) >= 60 {
                    toldFailure = Date()
                    progress(.notice("could not read the replicasets: \(error.message); trying again every \(Int(waitPoll)) s"))
                }
            }
            progress(.waiting(wait))
            try? await Task.sleep(for: .seconds(waitPoll))
        }
    }

    /// The wait ended without a rollout to judge: journaled with an INCONCLUSIVE verdict saying why.
    private func noRollout(_ wait: RolloutWait, outcome: DeployRecord.Outcome) async throws(HotfixError) -> Verdict {
        let now = clock.now.timeIntervalSince1970
        progress(.waiting(wait))
        let verdict = Verdict.noRollout(wait, at: now)
        progress(.notice(verdict.note ?? wait.line(at: now)))
        try await journal([.deploy(DeployRecord(.newReplicaSet, outcome, detail: wait.line(at: now))), .verdict(verdict.record(windowSeconds: 0))])
        return verdict
    }

    /// `deploy.rollout`'s command: streamed, its exit status journaled.
    func runRolloutCommand(_ argv: [String], into outcome: CommandOutcome) async {
        let result: ProcessResult
        do {
            result = try await runner.stream(argv, in: root) { progress(.output($0)) }
        } catch {
            if Task.isCancelled { return }
            try? await journal([.deploy(DeployRecord(.rolloutCommand, .failed, image: s.image, detail: error.message))])
            outcome.set(failure: HotfixError.environment("\(error.message) (needed by deploy.rollout)", untouched: "nothing was rolled out",
                                                         next: "install \(argv.first ?? "the tool"), or change deploy.rollout in .hotfix.yml"))
            return
        }
        let run = CommandRun(phase: .deploy, step: .rolloutCommand, argv: argv, exitCode: result.exitCode, seconds: result.seconds, outputTail: result.tail(8))
        let detail = "exit \(result.exitCode) after \(String(format: "%.1f", result.seconds)) s" + (result.succeeded ? "" : ": " + result.tail(2).joined(separator: " / "))
        try? await journal([.commandRan(run), .deploy(DeployRecord(.rolloutCommand, result.succeeded ? .done : .failed, image: s.image, detail: detail))])
        if result.succeeded {
            outcome.set(failure: nil)
        } else if !Task.isCancelled {
            // Before its rollout was seen this ends the deploy; after, the window goes on and says what it sees.
            progress(.notice("the rollout command (deploy.rollout) failed with exit \(result.exitCode); its exit status is journaled"))
            outcome.set(failure: HotfixError.refused("the rollout command (deploy.rollout) failed with exit \(result.exitCode): \(result.tail(2).joined(separator: " / "))",
                                                     untouched: "no monitoring window ran and nothing was rolled back",
                                                     next: "read its output above; if it changed deployment/\(s.deployment) (kubectl rollout history), "
                                                         + "hotfix rollback; then fix it and run hotfix deploy again"))
        }
    }
}

/// How the rollout command ended, read by the wait.
final class CommandOutcome: @unchecked Sendable {
    private let lock = NSLock()
    private var ended: HotfixError??

    func set(failure: HotfixError?) { lock.withLock { ended = .some(failure) } }
    var failure: HotfixError? { lock.withLock { ended ?? nil } }
    var succeeded: Bool { lock.withLock { ended.map { $0 == nil } ?? false } }
}
