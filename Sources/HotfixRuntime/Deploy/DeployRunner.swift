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
    /// Waiting for a rollout hotfix does not make itself: what for, since when, what was seen.
    case waiting(RolloutWait)
}

/// What the deploy started and must end on every way out: the window's follower (and its kubectl
/// proxy) and a rollout command still running.
final class Following: @unchecked Sendable {
    private let lock = NSLock()
    private var follower: (any PodLogFollowing)?
    private var command: Task<Void, Never>?
    private var commandActive = false

    func set(_ f: any PodLogFollowing) { lock.withLock { follower = f } }

    /// The ReplicaSets of `selector`: through the follower's kubectl proxy when it has one (no
    /// process started every poll), else with kubectl.
    func replicaSets(_ selector: String, kubectl: Kubectl) async throws(HotfixError) -> [ReplicaSetInfo] {
        if let proxy = lock.withLock({ follower }) as? ProxyFollower { return try await proxy.replicaSets() }
        return try await kubectl.replicaSets(selector: selector)
    }

    /// Runs the rollout command in the background, ended with the rest on every way out.
    func start(command work: @escaping @Sendable () async -> Void) {
        lock.withLock {
            commandActive = true
            command = Task { [self] in
                await work()
                lock.withLock { commandActive = false }
            }
        }
    }

    /// Stops the follower; a command still running is cancelled (its process killed) and waited for.
    func stop() async {
        let (f, c) = lock.withLock { (follower, command) }
        c?.cancel()
        await c?.value
        await f?.stop()
    }

    /// Whether a rollout command is still running.
    var commandRunning: Bool { lock.withLock { commandActive } }

    /// Waits for the rollout command to end by itself (killing `helm upgrade` midway would leave its
    /// release pending, which blocks `helm rollback`).
    func finishCommand() async {
        let c = lock.withLock { command }
        await c?.value
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

/// Runs DEPLOY: build, push, baseline, the rollout (set image, a command run instead, or one made
/// elsewhere and waited for), rollout status, the monitoring window over every pod's logs, the
/// verdict; and the rollback the way the deploy was made. Every step is journaled through `journal`.
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
    /// How often the ReplicaSets are read while waiting for a rollout made elsewhere.
    public var waitPoll = DeployPlan.waitPoll
    /// How long the window's end waits for the new pods' lines still on their way.
    public var catchUp = LogCatchUp()
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
    /// A rollout waited for that never comes (within `deploy.wait`) is INCONCLUSIVE.
    public func run() async throws(HotfixError) -> Verdict {
        // Whatever way the steps end (a verdict, an error, a cancel), the follower and its
        // kubectl proxy, and a rollout command still running, are stopped before this returns.
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
        let baseline = try await recordBaseline()

        var config = MonitorConfig()
        config.bucketSeconds = s.interval
        config.policy.warmupSeconds = s.warmup
        config.policy.windowSeconds = s.window
        config.target = s.errorTarget
        let box = MonitorBox(MonitorModel(config: config))
        let sides = PodSides(baselineHash: baseline.info.templateHash, waits: s.rollout.waits)
        let follower = await follow(baseline.info, since: clock.now - baselineLookback)
        following.set(follower)
        let readers = LogFanout([MonitorSink(box: box, sides: sides), lineReaders])
        let consumer = Task { [podReaders] in
            await Self.consume(follower.start(sink: readers), box: box, sides: sides, progress: progress, pods: podReaders)
        }
        defer { consumer.cancel() }
        try await readBaseline(box)
        if Task.isCancelled { throw Self.stopped(before: "the rollout: nothing was rolled out") }

        let image: String
        switch s.rollout {
        case .setImage:
            try await setImage(baseline.image)
            image = s.image
        case .command, .external:
            switch try await rollOutElsewhere(baseline, box: box, sides: sides, following: following) {
            case .found(let seen): image = seen
            case .nothing(let verdict): return verdict
            }
        }
        let deployedAt = clock.now.timeIntervalSince1970
        box.with { $0.deployStarted(at: deployedAt) }
        return try await window(baseline, image: image, deployedAt: deployedAt, box: box, following: following)
    }

    /// The deployment before the rollout, as journaled: revision, image, pod template, and (with
    /// Helm) the release's revision; with it, the exact rollback this deploy would take.
    struct Baseline {
        var info: DeploymentInfo
        var image: String?
        var releaseRevision: Int?
        var rolloutTimeout: Double
    }

    func recordBaseline() async throws(HotfixError) -> Baseline {
        progress(.step("read the baseline of deployment/\(s.deployment)", command: kubectl.argv(KubeCall.getDeployment(s.deployment))))
        let info: DeploymentInfo
        do {
            info = try await kubectl.deployment(s.deployment)
        } catch {
            // Nothing was rolled out: journaled as a warning, not a step (a step would begin an attempt).
            try? await journal([.warning(Warning(source: .deploy, message: "could not read the baseline, nothing was rolled out: \(error.headline)"))])
            throw error
        }
        let image = info.images[s.container]
        if s.rollout.waits { try checkBeforeWaiting(info, image: image) }
        let release = await helmRevision()
        let target = DeployPlan.RollbackTarget(revision: info.revision, releaseRevision: release)
        try await journal([.deploy(DeployRecord(.baseline, .done, image: image, revision: info.revision,
                                                detail: "selector \(info.selector), pod-template-hash \(info.templateHash ?? "?"), "
                                                    + "progressDeadlineSeconds \(info.progressDeadlineSeconds)",
                                                commit: source?.commit, commits: source?.commits, release: s.helm?.release, releaseRevision: release,
                                                rollback: plan.rollbackRecord(target)))])
        return Baseline(info: info, image: image, releaseRevision: release, rolloutTimeout: s.rolloutTimeout(progressDeadline: info.progressDeadlineSeconds))
    }

    /// `kubectl set image`, journaled.
    func setImage(_ oldImage: String?) async throws(HotfixError) {
        let argv = kubectl.argv(KubeCall.setImage(deployment: s.deployment, container: s.container, image: s.image))
        progress(.step("set \(s.container)=\(s.image) (was \(oldImage ?? "?"))", command: argv))
        do {
            try await kubectl.setImage(deployment: s.deployment, container: s.container, image: s.image)
        } catch {
            try? await journal([.deploy(DeployRecord(.setImage, .failed, image: s.image, detail: error.message))])
            throw error
        }
        try await journal([.deploy(DeployRecord(.setImage, .done, image: s.image))])
    }

    /// The deploy's task was cancelled (the console quit while it ran, Ctrl-C, SIGTERM).
    static func stopped(before what: String) -> HotfixError {
        HotfixError.refused("the deploy was stopped before \(what)", untouched: nil, next: "run hotfix deploy again, or hotfix rollback")
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
}
