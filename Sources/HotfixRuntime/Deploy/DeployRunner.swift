import Foundation
import HotfixEngine
import HotfixLogs

/// What the DEPLOY phase reports while it runs: for the CLI's printout and the console's pane.
public enum DeployProgress: Sendable {
    /// A step begins (its title and the command it runs, shown before it runs).
    case step(String, command: [String]?)
    /// A line of a command's output.
    case output(OutputLine)
    /// The monitoring window: the model as it stands, at `now` (seconds since 1970).
    case monitor(MonitorModel, now: Double)
    /// Something a person should know (a dropped log stream, a restarted watch).
    case notice(String)
}

/// The window's follower, kept so `run()` can stop it on every way out.
final class Following: @unchecked Sendable {
    private let lock = NSLock()
    private var follower: (any PodLogFollowing)?

    func set(_ f: any PodLogFollowing) { lock.withLock { follower = f } }

    func stop() async {
        let f = lock.withLock { follower }
        await f?.stop()
    }
}

/// Asks a running deploy, from another task, to end its monitoring window early (the console's
/// `r`, or a rollback journaled elsewhere). The first request wins.
public final class WindowStopper: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: WindowStop?

    public init() {}

    public func stop(_ why: WindowStop) { lock.withLock { if stored == nil { stored = why } } }
    public var requested: WindowStop? { lock.withLock { stored } }
}

/// Runs DEPLOY: build, push, baseline, `set image`, rollout status, the monitoring window over
/// every pod's logs, the verdict; and the rollback. Every step is journaled through `journal`.
public struct DeployRunner: Sendable {
    public var plan: DeployPlan
    public var kubectl: Kubectl
    public var runner: ProcessRunner
    public var root: String
    public var clock: any Clock
    /// How far back the old pods' logs are read for the baseline.
    public var baselineLookback: Double
    public var journal: @Sendable ([EventBody]) async throws(HotfixError) -> Void
    public var progress: @Sendable (DeployProgress) -> Void
    /// Ends the monitoring window early when asked; then nothing after the window runs but the
    /// rollback the stop asks for.
    public var stopper: WindowStopper?
    /// The commit being deployed, recorded with the baseline (the attempt's commits).
    public var source: DeploySource?
    /// Where `kubectl proxy`'s private socket directory goes (the incident's directory); nil: a
    /// private temporary one.
    public var proxyDirectory: String?
    /// Follow through one `kubectl proxy` (false: one kubectl per container, as before).
    public var followThroughProxy = true
    /// A line longer than this is cut with a marker (`logs.line_cap`).
    public var lineCap = 16_384
    /// Every followed line goes to these readers too (the monitor always reads them): a live log
    /// view reads the same streams without following the pods twice.
    public var lineReaders = LogFanout()
    /// Every pod watch report (a pod appeared, changed or went away), for a live view's pod list.
    public var podReaders: (@Sendable (FollowEvent) -> Void)?

    public init(plan: DeployPlan, kubectl: Kubectl, runner: ProcessRunner = ProcessRunner(), root: String, clock: any Clock,
                baselineLookback: Double? = nil,
                journal: @escaping @Sendable ([EventBody]) async throws(HotfixError) -> Void,
                progress: @escaping @Sendable (DeployProgress) -> Void) {
        self.plan = plan
        self.kubectl = kubectl
        self.runner = runner
        self.root = root
        self.clock = clock
        self.baselineLookback = baselineLookback ?? max(60, plan.settings.window)
        self.journal = journal
        self.progress = progress
    }

    var s: DeployPlan.Settings { plan.settings }

    /// The whole phase; returns the verdict (already journaled). Rolls back by itself on FAIL
    /// only when the plan says so, or when `stopper` asks for it during the rollout and the window.
    /// A pod problem or a failed rollout ends the window at once: the running `rollout status` is
    /// stopped and recorded as such, the verdict journaled, and the automatic rollback started.
    public func run() async throws(HotfixError) -> Verdict {
        // Whatever way the steps end (a verdict, an error, a cancel), the follower and its
        // kubectl proxy are stopped before this returns: nothing is left running.
        let following = Following()
        do {
            let verdict = try await steps(following)
            await following.stop()
            return verdict
        } catch {
            await following.stop()
            throw error
        }
    }

    private func steps(_ following: Following) async throws(HotfixError) -> Verdict {
        for kind in [DeployPlan.Kind.build, .push] {
            guard let step = plan.step(kind), let argv = step.commands.first else { continue }
            try await command(kind, argv, title: step.title, missing: "deploy.\(kind.name)")
        }

        progress(.step("read the baseline of deployment/\(s.deployment)", command: kubectl.argv(KubeCall.getDeployment(s.deployment))))
        let baseline = try await kubectl.deployment(s.deployment)
        let oldImage = baseline.images[s.container]
        let rolloutTimeout = s.rolloutTimeout(progressDeadline: baseline.progressDeadlineSeconds)
        try await journal([.deploy(DeployRecord(.baseline, .done, image: oldImage, revision: baseline.revision,
                                                detail: "selector \(baseline.selector), pod-template-hash \(baseline.templateHash ?? "?"), "
                                                    + "progressDeadlineSeconds \(baseline.progressDeadlineSeconds)",
                                                commit: source?.commit, commits: source?.commits))])

        var config = MonitorConfig()
        config.bucketSeconds = s.interval
        config.policy.warmupSeconds = s.warmup
        config.policy.windowSeconds = s.window
        config.target = s.errorTarget
        let box = MonitorBox(MonitorModel(config: config))
        let start = clock.now
        let follower = await follow(baseline, since: start - baselineLookback)
        following.set(follower)
        let readers = LogFanout([MonitorSink(box: box), lineReaders])
        let consumer = Task { [podReaders] in await Self.consume(follower.start(sink: readers), box: box, progress: progress, pods: podReaders) }
        defer { consumer.cancel() }
        try await readBaseline(box)

        if Task.isCancelled { await follower.stop(); throw Self.stopped(before: "set image: nothing was rolled out") }
        let setImage = kubectl.argv(KubeCall.setImage(deployment: s.deployment, container: s.container, image: s.image))
        progress(.step("set \(s.container)=\(s.image) (was \(oldImage ?? "?"))", command: setImage))
        do {
            try await kubectl.setImage(deployment: s.deployment, container: s.container, image: s.image)
        } catch {
            await follower.stop()
            try? await journal([.deploy(DeployRecord(.setImage, .failed, image: s.image, detail: error.message))])
            throw error
        }
        let deployedAt = clock.now.timeIntervalSince1970
        box.with { $0.deployStarted(at: deployedAt) }
        try await journal([.deploy(DeployRecord(.setImage, .done, image: s.image))])

        // The rollout and the window run together: a crash loop fails the window long before the
        // rollout would give up (a real API server waits progressDeadlineSeconds, 600 s by default).
        let rollout = RolloutWatch(kubectl: kubectl, deployment: s.deployment, timeout: rolloutTimeout, waitAgain: s.rolloutTimeout == nil,
                                   progress: progress)
        progress(.step("wait for the rollout and monitor for \(Durations.words(s.window)) after a \(Durations.words(s.warmup)) warm-up",
                       command: kubectl.argv(KubeCall.rolloutStatus(deployment: s.deployment, timeout: rolloutTimeout))))
        var rolloutRecorded = false
        var verdict = box.with { $0.verdict(now: clock.now.timeIntervalSince1970) }
        var stop: WindowStop?
        var waiting = false
        while true {
            try? await Task.sleep(for: .milliseconds(500))
            if let asked = stopper?.requested {
                stop = asked
                break
            }
            if Task.isCancelled {
                await rollout.stop()
                await follower.stop()
                let error = Self.stopped(before: "the verdict: \(s.image) stays rolled out and no verdict was recorded")
                var bodies: [EventBody] = []
                if !rolloutRecorded {
                    bodies.append(.deploy(DeployRecord(.rollout, .stopped, image: s.image, detail: "stopped: the deploy itself was stopped (the console quit)")))
                }
                try? await journal(bodies + [.warning(Warning(source: .deploy, message: error.message))])
                throw error
            }
            if !rolloutRecorded, let done = rollout.outcome {
                rolloutRecorded = true
                try await recordRollout(done, box)
            }
            let now = clock.now.timeIntervalSince1970
            verdict = box.judge(at: now)
            progress(.monitor(box.with { $0 }, now: now))
            let over = verdict.phase == .final
            // A pod problem or a failed rollout fails at once; a FAIL at the window's end stands
            // whatever the rollout does next.
            if verdict.verdict.outcome == .fail && (over || box.hasProblems) { break }
            if over {
                if rolloutRecorded { break }
                if !waiting {
                    waiting = true
                    progress(.notice("the window is over but the rollout is still going: waiting for kubectl rollout status, which fails once "
                                     + "deployment/\(s.deployment) makes no progress for \(Durations.words(Double(baseline.progressDeadlineSeconds))) "
                                     + "(its progressDeadlineSeconds); a pod problem still fails it at once"))
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
                + "kubectl rollout status would have waited for the progress deadline (\(Durations.words(Double(baseline.progressDeadlineSeconds))))"
            case (nil, false): "the window ended in FAIL"
            }
            let detail = "stopped \(Durations.words(elapsed)) after set image: \(why)"
            progress(.notice("\(verdict.verdict.outcome == .fail && stop == nil ? "FAIL: " : "")rollout status \(detail)"))
            bodies.append(.deploy(DeployRecord(.rollout, .stopped, image: s.image, detail: detail)))
        }
        // The verdict is journaled first; the log tails are stopped while the rollback (if any) runs.
        let stopping = Task { await follower.stop() }
        var result = verdict.verdict
        if let stop {
            // Stopped early: the numbers so far, honestly labelled, then only the rollback.
            result = verdict.verdict.endedEarly(stop, after: elapsed, warmup: s.warmup, window: s.window)
            progress(.notice(result.note ?? stop.cause))
        }
        bodies.append(.verdict(result.record(windowSeconds: judgedSeconds)))
        do throws(HotfixError) {
            try await journal(bodies)
            if stop == .rollback {
                try await rollback(toRevision: baseline.revision, image: oldImage, timeout: rolloutTimeout)
            } else if stop == nil, result.outcome == .fail, s.autoRollback {
                progress(.notice("FAIL and deploy.auto_rollback is on: rolling back to revision \(baseline.revision) now"))
                try await rollback(toRevision: baseline.revision, image: oldImage, automatic: true, timeout: rolloutTimeout)
            }
        } catch {
            await stopping.value
            throw error
        }
        await stopping.value
        return result
    }

    /// Journals how `rollout status` ended; a failed rollout is a pod problem for the verdict.
    private func recordRollout(_ done: HotfixError?, _ box: MonitorBox) async throws(HotfixError) {
        if let failure = done {
            box.report(PodProblem(kind: .rolloutDeadline, detail: failure.message))
            try await journal([.deploy(DeployRecord(.rollout, .failed, image: s.image, detail: failure.message))])
        } else {
            let after = try? await kubectl.deployment(s.deployment, templateHash: false)
            try await journal([.deploy(DeployRecord(.rollout, .done, image: s.image, revision: after?.revision))])
        }
    }

    /// The follower for the window: one `kubectl proxy` for every stream; when it cannot start,
    /// one kubectl per container (and a notice saying so).
    func follow(_ baseline: DeploymentInfo, since: Date) async -> any PodLogFollowing {
        let progress = progress
        return await DeploymentFollow.follower(
            kubectl: kubectl, deployment: baseline, since: since, lineCap: lineCap, proxyDirectory: proxyDirectory, throughProxy: followThroughProxy,
            starting: { progress(.step("follow every pod's logs through one kubectl proxy (private socket \($0.socketPath))", command: $0.argv)) },
            notice: { progress(.notice($0)) }).0
    }

    /// Lets the old pods' recent logs arrive before `set image` replaces those pods: until every
    /// old pod gave `baselineEntries` entries or caught up with its log (a line written since the
    /// read began), or `baselineWait` passes (at least 30 s while not one line has come, as
    /// kubectl can be slow to start on a loaded machine). Without it the verdict has nothing to compare with.
    func readBaseline(_ box: MonitorBox) async throws(HotfixError) {
        progress(.step("read the old pods' recent logs (the baseline, the last \(Durations.words(baselineLookback))): until each old pod gave "
                       + "\(s.baselineEntries) entries or caught up, at most \(Durations.words(s.baselineWait))", command: nil))
        let started = Date()
        while true {
            try? await Task.sleep(for: .milliseconds(250))
            if Task.isCancelled { throw Self.stopped(before: "set image: nothing was rolled out") }
            let (pods, entries, latest) = box.baselineProgress()
            let total = entries.values.reduce(0, +)
            let waited = Date().timeIntervalSince(started)
            let enough = !pods.isEmpty && pods.allSatisfy { pod in
                entries[pod, default: 0] >= s.baselineEntries || latest[pod, default: 0] >= started.timeIntervalSince1970 - 1
            }
            if enough {
                progress(.notice("baseline: \(total) entries from \(pods.count) old pod\(pods.count == 1 ? "" : "s") in \(String(format: "%.1f", waited)) s"))
                return
            }
            if waited >= (total > 0 ? s.baselineWait : max(30, s.baselineWait)) {
                progress(.notice(total > 0 ? "baseline: \(total) entries from \(entries.count) old pod\(entries.count == 1 ? "" : "s") after \(Durations.words(s.baselineWait))"
                                 : "no log line from the old pods yet: the verdict will have no baseline to compare with"))
                return
            }
        }
    }

    /// The deploy's task was cancelled (the console quit while it ran).
    static func stopped(before what: String) -> HotfixError {
        HotfixError.refused("the deploy was stopped before \(what)", untouched: nil, next: "run hotfix deploy again, or hotfix rollback")
    }

    /// Rolls back to `revision` and waits for that rollout (up to `timeout`, else the configured
    /// rollout timeout, else the deployment's progress deadline plus the margin); journaled.
    public func rollback(toRevision revision: Int, image: String?, automatic: Bool = false, timeout: Double? = nil) async throws(HotfixError) {
        progress(.step("roll back deployment/\(s.deployment) to revision \(revision)",
                       command: kubectl.argv(KubeCall.rolloutUndo(deployment: s.deployment, toRevision: String(revision)))))
        do throws(HotfixError) {
            let wait: Double
            if let known = timeout ?? s.rolloutTimeout {
                wait = known
            } else {
                wait = s.rolloutTimeout(progressDeadline: try await kubectl.deployment(s.deployment, templateHash: false).progressDeadlineSeconds)
            }
            try await kubectl.rolloutUndo(deployment: s.deployment, toRevision: revision)
            let r = try await kubectl.rolloutStatus(deployment: s.deployment, timeout: wait) { progress(.output($0)) }
            guard r.succeeded else { throw Kubectl.failure(r, what: "rollout status after the rollback") }
        } catch {
            try await journal([.rollback(RollbackRecord(revision: revision, image: image, outcome: .failed(error.message), automatic: automatic))])
            throw error
        }
        try await journal([.rollback(RollbackRecord(revision: revision, image: image, outcome: .done, automatic: automatic))])
    }

    /// Runs a build or push command, streamed and journaled.
    func command(_ step: DeployPlan.Kind, _ argv: [String], title: String, missing key: String) async throws(HotfixError) {
        progress(.step(title, command: argv))
        let result: ProcessResult
        do {
            result = try await runner.stream(argv, in: root) { progress(.output($0)) }
        } catch {
            throw HotfixError.environment("\(error.message) (needed by \(key))", untouched: "nothing was deployed",
                                          next: "install \(argv.first ?? "the tool"), or change \(key) in .hotfix.yml (for example when CI builds the image)")
        }
        try await journal([.commandRan(CommandRun(phase: .deploy, step: CommandStep(step), argv: argv, exitCode: result.exitCode, seconds: result.seconds,
                                                  outputTail: result.tail(8)))])
        guard result.succeeded else {
            throw HotfixError.refused("\(step) failed with exit \(result.exitCode): \(result.tail(2).joined(separator: " / "))",
                                      untouched: "nothing was deployed", next: "fix the \(step) and run hotfix deploy again")
        }
    }

    /// Feeds the follower's events into the monitor: lines by side, pod troubles as problems.
    static func consume(_ events: AsyncStream<FollowEvent>, box: MonitorBox, progress: @Sendable (DeployProgress) -> Void,
                        pods: (@Sendable (FollowEvent) -> Void)? = nil) async {
        // Drops are told once, then counted: 200 streams cut every few seconds must not flood the log.
        var drops = 0
        var toldDropsAt = Date.distantPast
        for await event in events {
            switch event {
            case .pod, .podDeleted: pods?(event)
            default: break
            }
            switch event {
            case .pod(let pod, let isNew) where !isNew:
                box.oldPod(pod.name, running: !pod.deleting && pod.containers.contains(where: \.running))
            case .podDeleted(let name):
                box.oldPod(name, running: false)
            case .pod(let pod, _):
                for c in pod.containers {
                    if c.restarts > 0 { box.report(PodProblem(kind: .restart, pod: pod.name, detail: "\(c.name) restarted \(c.restarts) time(s)")) }
                    switch c.waitingReason {
                    case "CrashLoopBackOff": box.report(PodProblem(kind: .crashLoopBackOff, pod: pod.name, detail: c.name))
                    case "ImagePullBackOff", "ErrImagePull": box.report(PodProblem(kind: .imagePullError, pod: pod.name, detail: c.waitingReason))
                    default: break
                    }
                    if c.lastTerminationReason == "OOMKilled" { box.report(PodProblem(kind: .oomKilled, pod: pod.name, detail: c.name)) }
                }
            case .tailEnded(let pod, let container, _, let dropped) where dropped:
                drops += 1
                if Date().timeIntervalSince(toldDropsAt) >= 10 {
                    let others = drops > 1 ? " (\(drops) drops since the last notice)" : ""
                    progress(.notice("log stream of \(pod)/\(container) dropped; resuming from its last line\(others)"))
                    toldDropsAt = Date()
                    drops = 0
                }
            case .watchFailed(let error):
                progress(.notice("pod watch failed: \(error.message); retrying"))
            case .watchExpired:
                progress(.notice("the pod watch expired (410 Gone): listing the pods again"))
            case .proxyRestarted(let why):
                progress(.notice("kubectl proxy exited (\(why)); restarted, every stream resumes from its last line"))
            default:
                break
            }
        }
    }
}

/// The monitor as a reader of the followed lines: each batch in one go, straight from its bytes.
struct MonitorSink: LogSink {
    let box: MonitorBox

    func receive(_ batch: LogBatch) {
        let side: MonitorSide = batch.source.isNew ? .hotfix : .baseline
        let (pod, container) = (batch.source.pod, batch.source.container)
        box.with { m in
            batch.forEach { text, ts in m.ingest(body: text, pod: pod, container: container, side: side, time: ts.time) }
        }
        // The baseline read ends once each old pod caught up with its log (a line written since it began).
        if side == .baseline, let last = batch.lines.last { box.oldLine(pod, at: last.timestamp.time) }
    }
}
