import Foundation
import HotfixEngine
import HotfixLogs

/// The rollout and the monitoring window, once the new pod template is out (set image, or the
/// new ReplicaSet waited for), to the verdict and the rollback it may call for.
extension DeployRunner {
    /// `rollout status` and the window run together: a crash loop fails the window long before the
    /// rollout would give up (a real API server waits progressDeadlineSeconds, 600 s by default).
    func window(_ baseline: Baseline, image: String, deployedAt: Double, box: MonitorBox, following: Following) async throws(HotfixError) -> Verdict {
        let deadline = Durations.words(Double(baseline.info.progressDeadlineSeconds))
        let rollout = RolloutWatch(kubectl: kubectl, deployment: s.deployment, timeout: baseline.rolloutTimeout, waitAgain: s.rolloutTimeout == nil,
                                   progress: progress)
        progress(.step("wait for the rollout and monitor for \(Durations.words(s.window)) after a \(Durations.words(s.warmup)) warm-up",
                       command: kubectl.argv(KubeCall.rolloutStatus(deployment: s.deployment, timeout: baseline.rolloutTimeout))))
        var rolloutRecorded = false
        var verdict = box.with { $0.verdict(now: clock.now.timeIntervalSince1970) }
        var stop: WindowStop?
        var waiting = false
        // The window's end on the lines' clock, and when the clock ran out (the catch-up's start).
        let end = deployedAt + s.warmup + s.window
        var overAt: Double?
        var toldBehind = false
        let began = s.rollout == .setImage ? "set image" : "the rollout was seen"
        while true {
            try? await Task.sleep(for: .milliseconds(500))
            if let asked = stopper?.requested {
                stop = asked
                break
            }
            if Task.isCancelled {
                await rollout.stop()
                await following.stop()
                let error = Self.stopped(before: "the verdict: \(image) stays rolled out and no verdict was recorded")
                var bodies: [EventBody] = []
                if !rolloutRecorded {
                    bodies.append(.deploy(DeployRecord(.rollout, .stopped, image: image, detail: "stopped: the deploy itself was stopped (the console quit)")))
                }
                try? await journal(bodies + [.warning(Warning(source: .deploy, message: error.message))])
                throw error
            }
            if !rolloutRecorded, let done = rollout.outcome {
                rolloutRecorded = true
                try await recordRollout(done, image: image, box)
            }
            let now = clock.now.timeIntervalSince1970
            verdict = box.judge(at: now)
            progress(.monitor(box.with { $0 }, now: now))
            let over = verdict.phase == .final
            // A pod problem or a failed rollout fails at once; a FAIL at the window's end stands
            // whatever the rollout does next.
            if verdict.verdict.outcome == .fail && (over || box.hasProblems) { break }
            if over {
                // Lines stamped inside the window that are still on their way are judged too.
                let overFor = now - (overAt ?? now)
                overAt = overAt ?? now
                let (newest, sinceArrival) = box.newLines()
                if case .wait(let behind) = catchUp.decide(end: end, newest: newest, sinceArrival: sinceArrival, overFor: overFor) {
                    if !toldBehind {
                        toldBehind = true
                        progress(.notice(String(format: "the window is over but the new pods' logs are %.0f s behind (still arriving): ", behind)
                                         + "judging once they catch up, within \(Durations.words(catchUp.limit))"))
                    }
                    continue
                }
                if rolloutRecorded { break }
                if !waiting {
                    waiting = true
                    progress(.notice("the window is over but the rollout is still going: waiting for kubectl rollout status, which fails once "
                                     + "deployment/\(s.deployment) makes no progress for \(deadline) (its progressDeadlineSeconds); a pod problem still fails it at once"))
                }
            }
        }
        let elapsed = max(0, clock.now.timeIntervalSince1970 - deployedAt)
        let judgedSeconds = min(s.window, max(0, elapsed - s.warmup))
        var bodies: [EventBody] = []
        if !rolloutRecorded {
            // Still waiting: stop kubectl (it would wait until the progress deadline) and say why.
            await rollout.stop()
            let why: String = switch (stop, box.hasProblems) {
            case (.some(let stop), _): "not finished when \(stop.cause)"
            case (nil, true): "the window failed at once (\(verdict.verdict.signals.first { $0.name == "pods" }?.reason ?? "a pod problem")); "
                + "kubectl rollout status would have waited for the progress deadline (\(deadline))"
            case (nil, false): "the window ended in FAIL"
            }
            let detail = "stopped \(Durations.words(elapsed)) after \(began): \(why)"
            progress(.notice("\(verdict.verdict.outcome == .fail && stop == nil ? "FAIL: " : "")rollout status \(detail)"))
            bodies.append(.deploy(DeployRecord(.rollout, .stopped, image: image, detail: detail)))
        }
        // The verdict is journaled first; the log tails are stopped while the rollback (if any)
        // runs, once a rollout command still running (helm upgrade --wait) has ended by itself.
        if case .command(let argv) = s.rollout, following.commandRunning {
            progress(.notice("waiting for \(argv.first ?? "the rollout command") to end before anything else (stopping it midway would leave a Helm release pending)"))
        }
        await following.finishCommand()
        let stopping = Task { await following.stop() }
        var result = verdict.verdict
        if let stop {
            // Stopped early: the numbers so far, honestly labelled, then only the rollback.
            result = verdict.verdict.endedEarly(stop, after: elapsed, warmup: s.warmup, window: s.window)
            progress(.notice(result.note ?? stop.cause))
        }
        bodies.append(.verdict(result.record(windowSeconds: judgedSeconds)))
        do throws(HotfixError) {
            try await journal(bodies)
            await stopping.value
            let target = DeployPlan.RollbackTarget(revision: baseline.info.revision, releaseRevision: baseline.releaseRevision)
            if stop == .rollback {
                try await rollback(target, image: baseline.image, timeout: baseline.rolloutTimeout)
            } else if stop == nil, result.outcome == .fail, s.autoRollback {
                progress(.notice("FAIL and deploy.auto_rollback is on: rolling back now (\(s.rollback.way.words))"))
                try await rollback(target, image: baseline.image, automatic: true, timeout: baseline.rolloutTimeout)
            }
        } catch {
            await stopping.value
            throw error
        }
        return result
    }

    /// Journals how `rollout status` ended; a failed rollout is a pod problem for the verdict.
    private func recordRollout(_ done: HotfixError?, image: String, _ box: MonitorBox) async throws(HotfixError) {
        if let failure = done {
            box.report(PodProblem(kind: .rolloutDeadline, detail: failure.message))
            try await journal([.deploy(DeployRecord(.rollout, .failed, image: image, detail: failure.message))])
        } else {
            let after = try? await kubectl.deployment(s.deployment, templateHash: false)
            try await journal([.deploy(DeployRecord(.rollout, .done, image: image, revision: after?.revision))])
        }
    }

    /// Feeds the follower's events into the monitor: lines by side, the judged pods' troubles as
    /// problems (a rollout being waited for holds them until it is known to be the one).
    static func consume(_ events: AsyncStream<FollowEvent>, box: MonitorBox, sides: PodSides, progress: @Sendable (DeployProgress) -> Void,
                        pods: (@Sendable (FollowEvent) -> Void)? = nil) async {
        // Drops are told once, then counted: 200 streams cut every few seconds must not flood the log.
        var drops = 0
        var toldDropsAt = Date.distantPast
        // A watch that fails is retried every few seconds while the cluster is away: told once, and once when it is back.
        var watchFailing = false
        for await event in events {
            switch event {
            case .pod, .podDeleted:
                if watchFailing { progress(.notice("the pod watch works again")) }
                watchFailing = false
                pods?(event)
            default: break
            }
            switch event {
            case .pod(let pod, _) where sides.side(pod.templateHash) == .baseline:
                box.oldPod(pod.name, running: !pod.deleting && pod.containers.contains(where: \.running))
            case .podDeleted(let name):
                box.oldPod(name, running: false)
            case .pod(let pod, _):
                for problem in problems(of: pod) where sides.problem(problem, hash: pod.templateHash) { box.report(problem) }
            case .tailEnded(let pod, let container, _, let dropped) where dropped:
                drops += 1
                if Date().timeIntervalSince(toldDropsAt) >= 10 {
                    let others = drops > 1 ? " (\(drops) drops since the last notice)" : ""
                    progress(.notice("log stream of \(pod)/\(container) dropped; resuming from its last line\(others)"))
                    toldDropsAt = Date()
                    drops = 0
                }
            case .watchFailed(let error):
                if !watchFailing { progress(.notice("pod watch failed: \(error.message); retrying quietly until it works")) }
                watchFailing = true
            case .watchExpired:
                progress(.notice("the pod watch expired (410 Gone): listing the pods again"))
            case .proxyRestarted(let why):
                progress(.notice("kubectl proxy exited (\(why)); restarted, every stream resumes from its last line"))
            default:
                break
            }
        }
    }

    /// A new pod's troubles: restarts, CrashLoopBackOff, image pull errors, OOMKilled.
    static func problems(of pod: PodState) -> [PodProblem] {
        var out: [PodProblem] = []
        for c in pod.containers {
            if c.restarts > 0 { out.append(PodProblem(kind: .restart, pod: pod.name, detail: "\(c.name) restarted \(c.restarts) time(s)")) }
            switch c.waitingReason {
            case "CrashLoopBackOff": out.append(PodProblem(kind: .crashLoopBackOff, pod: pod.name, detail: c.name))
            case "ImagePullBackOff", "ErrImagePull": out.append(PodProblem(kind: .imagePullError, pod: pod.name, detail: c.waitingReason))
            default: break
            }
            if c.lastTerminationReason == "OOMKilled" { out.append(PodProblem(kind: .oomKilled, pod: pod.name, detail: c.name)) }
        }
        return out
    }
}

/// The monitor as a reader of the followed lines: each batch in one go, straight from its bytes,
/// on the side its pod template says (held while a rollout waited for is not yet known).
struct MonitorSink: LogSink {
    let box: MonitorBox
    let sides: PodSides

    func receive(_ batch: LogBatch) {
        guard let side = sides.route(batch) else { return }
        Self.ingest(batch, side: side, into: box)
    }

    static func ingest(_ batch: LogBatch, side: MonitorSide, into box: MonitorBox) {
        let (pod, container) = (batch.source.pod, batch.source.container)
        box.with { m in
            batch.forEach { text, ts in m.ingest(body: text, pod: pod, container: container, side: side, time: ts.time) }
        }
        // The baseline read ends once each old pod caught up with its log (a line written since it began).
        if let last = batch.lines.last {
            if side == .baseline { box.oldLine(pod, at: last.timestamp.time) } else { box.newLine(at: last.timestamp.time) }
        }
    }
}
