import Foundation

/// Where kubectl points: every call carries these flags (the design's rule), built in one place.
public struct KubeTarget: Sendable, Equatable, Codable {
    /// The kubectl executable: a name on PATH or a path.
    public var kubectl: String
    public var context: String
    public var namespace: String
    public var kubeconfig: String
    /// kubectl's discovery cache folder (tests give a private one).
    public var cacheDir: String

    public init(kubectl: String = "kubectl", context: String = "", namespace: String = "", kubeconfig: String = "", cacheDir: String = "") {
        self.kubectl = kubectl; self.context = context; self.namespace = namespace; self.kubeconfig = kubeconfig; self.cacheDir = cacheDir
    }

    /// kubectl, the target flags that are set, then `args`.
    public func argv(_ args: [String]) -> [String] {
        var a = [kubectl]
        if !kubeconfig.isEmpty { a += ["--kubeconfig", kubeconfig] }
        if !context.isEmpty { a += ["--context", context] }
        if !namespace.isEmpty { a += ["--namespace", namespace] }
        if !cacheDir.isEmpty { a += ["--cache-dir", cacheDir] }
        return a + args
    }
}

/// The DEPLOY phase as data: each step with the exact commands it runs, in the order the runner
/// runs them, for dry runs, the journal and the runner. Values known only once the baseline is
/// read are written as `{selector}`, `{baseline-revision}`, `{pod}`, `{container}`, `{since}`,
/// `{last}` and `{rollout-timeout}` and filled by `filled(_:)`.
public struct DeployPlan: Sendable, Equatable {
    /// A step of the plan, and of the journal's deploy records (`DeployRecord.step`).
    public enum Kind: JournalName {
        case build, push, baseline, setImage, rollout, monitor, verdict, rollback, rollbackRollout
        /// The command run instead of set image (`deploy.rollout: [argv]`).
        case rolloutCommand
        /// The rollout to judge, found by waiting for a new ReplicaSet (a command's, or one made elsewhere).
        case newReplicaSet
        case unrecognized(String)

        public static let known: [Kind] = [.build, .push, .baseline, .setImage, .rollout, .monitor, .verdict, .rollback, .rollbackRollout,
                                           .rolloutCommand, .newReplicaSet]

        /// The steps that put the new pod template out: the window's clock starts there.
        public var rollsOut: Bool { self == .setImage || self == .newReplicaSet }

        public var name: String {
            switch self {
            case .build: "build"
            case .push: "push"
            case .baseline: "baseline"
            case .setImage: "set-image"
            case .rollout: "rollout"
            case .monitor: "monitor"
            case .verdict: "verdict"
            case .rollback: "rollback"
            case .rollbackRollout: "rollback-rollout"
            case .rolloutCommand: "rollout-command"
            case .newReplicaSet: "new-replicaset"
            case .unrecognized(let name): name
            }
        }
    }

    public struct Step: Sendable, Equatable {
        public var kind: Kind
        public var title: String
        /// The commands, in order (none for the verdict, which is computed).
        public var commands: [[String]]
        public var note: String?
    }

    public struct Settings: Sendable, Equatable {
        /// The hotfix image reference, e.g. `registry/app:hotfix-INC-1`.
        public var image: String
        /// The build and push commands, placeholders already expanded; empty skips the step.
        public var build: [String]
        public var push: [String]
        public var deployment: String
        public var container: String
        public var target: KubeTarget
        /// Seconds.
        public var window: Double
        public var warmup: Double
        public var interval: Double
        /// How long `rollout status` may wait; nil: the deployment's progressDeadlineSeconds plus
        /// `rolloutMargin` (kubectl itself fails a rollout once the deadline passes without progress).
        public var rolloutTimeout: Double?
        public var autoRollback: Bool
        /// The incident's error (a substring or template): the verdict's targeted error; nil: the
        /// baseline's most frequent error template.
        public var errorTarget: String?
        /// The baseline read ends once every old pod gave this many entries (or caught up with
        /// its log), or after `baselineWait` seconds, whichever comes first.
        public var baselineEntries: Int
        public var baselineWait: Double
        /// How the rollout is made (`deploy.rollout`), and how it is undone (`deploy.rollback`).
        public var rollout: RolloutMode
        public var rollback: RollbackMode
        /// A rollout waited for counts only with an image matching this (`deploy.expect_image`, expanded).
        public var expectImage: ImagePattern?
        /// How long a rollout is waited for (`deploy.wait`), seconds.
        public var wait: Double

        public init(image: String, build: [String], push: [String], deployment: String, container: String, target: KubeTarget,
                    window: Double = 300, warmup: Double = 30, interval: Double = 30, rolloutTimeout: Double? = nil, autoRollback: Bool = false,
                    errorTarget: String? = nil, baselineEntries: Int = 300, baselineWait: Double = 15, rollout: RolloutMode = .setImage,
                    rollback: RollbackMode = .kubectlUndo, expectImage: ImagePattern? = nil, wait: Double = 900) {
            self.image = image; self.build = build; self.push = push; self.deployment = deployment; self.container = container
            self.target = target; self.window = window; self.warmup = warmup; self.interval = interval
            self.rolloutTimeout = rolloutTimeout; self.autoRollback = autoRollback; self.errorTarget = errorTarget
            self.baselineEntries = baselineEntries; self.baselineWait = baselineWait
            self.rollout = rollout; self.rollback = rollback; self.expectImage = expectImage; self.wait = wait
        }

        /// The Helm release and how to reach it, when the rollback is `helm rollback`.
        public var helm: (HelmUpgrade, release: String)? {
            if case .helm(let h, let release) = rollback { (h, release) } else { nil }
        }

        /// `rollout status`'s timeout for a deployment whose progressDeadlineSeconds is `deadline`.
        public func rolloutTimeout(progressDeadline deadline: Int) -> Double {
            rolloutTimeout ?? Double(deadline) + DeployPlan.rolloutMargin
        }
    }

    /// Added to the deployment's progressDeadlineSeconds for `rollout status --timeout`: the API
    /// server marks the rollout failed at the deadline, kubectl reports it; the timeout is a backstop.
    public static let rolloutMargin = 30.0

    public var settings: Settings
    /// The forward steps: build, push, baseline, monitor, set-image, rollout, verdict.
    public var steps: [Step]

    public init(_ s: Settings) {
        settings = s
        let k = s.target
        let d = s.deployment
        var steps: [Step] = []
        if !s.build.isEmpty { steps.append(Step(kind: .build, title: "build \(s.image)", commands: [s.build], note: nil)) }
        if !s.push.isEmpty { steps.append(Step(kind: .push, title: "push \(s.image)", commands: [s.push], note: nil)) }
        steps.append(Step(kind: .baseline, title: "read the baseline of deployment/\(d)", commands: [
            k.argv(KubeCall.getDeployment(d)),
            k.argv(KubeCall.listReplicaSets(selector: "{selector}")),
        ] + (s.helm.map { [$0.0.status($0.release)] } ?? []),
            note: "revision, image, selector, pod-template-hash and progressDeadlineSeconds"
                + (s.helm.map { "; the Helm release \($0.release)'s revision before the upgrade (what helm rollback goes back to)" } ?? "")))
        steps.append(Step(kind: .monitor, title: "follow every pod's log through one kubectl proxy: the old pods' recent lines are the baseline, then the window",
                          commands: [
                            k.argv(KubeCall.proxy(socket: "{proxy-socket}")),
                            k.argv(KubeCall.watchPods(selector: "{selector}")),
                            k.argv(KubeCall.followLog(pod: "{pod}", container: "{container}", since: "{since}")),
                            k.argv(KubeCall.followLog(pod: "{pod}", container: "{container}", since: nil)),
                            k.argv(KubeCall.followLog(pod: "{pod}", container: "{container}", since: "{last}")),
                          ], note: "the proxy listens on {proxy-socket} in the incident's private (0700) folder; through it the pods are "
                            + "watched (GET /api/v1/namespaces/{namespace}/pods?watch=1&labelSelector={selector}, resumed from its "
                            + "resourceVersion, listed again on 410 Gone) and each container's log is streamed (GET …/pods/{pod}/log?follow=true"
                            + "&timestamps=true&container={container}&sinceTime={since}): old pods from {since} (the baseline), new pods from "
                            + "their first line, a dropped stream resumed from its {last} line. When the proxy cannot start, the same is done "
                            + "with the kubectl watch and one kubectl tail per container shown after it. The baseline "
                            + "read ends once every old pod gave \(s.baselineEntries) entries or caught up, or after \(Durations.words(s.baselineWait))"))
        steps += Self.rolloutSteps(s)
        steps.append(Step(kind: .rollout, title: "wait for the rollout while monitoring for \(Durations.words(s.window)) "
                            + "(warm-up \(Durations.words(s.warmup)), every \(Durations.words(s.interval)))",
                          commands: [Self.rolloutStatus(k, d, s.rolloutTimeout), k.argv(KubeCall.getDeployment(d))],
                          note: Self.rolloutNote(s)))
        steps.append(Step(kind: .verdict, title: "judge: PASS, MARGINAL, FAIL or INCONCLUSIVE", commands: [],
                          note: s.autoRollback ? "FAIL rolls back by itself at once (deploy.auto_rollback)" : "rollback only on request"))
        self.steps = steps
    }

    static func rolloutNote(_ s: Settings) -> String {
        let timeout = s.rolloutTimeout.map { "deploy.rollout_timeout, \(Durations.words($0))" }
            ?? "{rollout-timeout}: the deployment's progressDeadlineSeconds + \(Int(rolloutMargin)) s; set deploy.rollout_timeout to choose"
        return "timeout \(timeout). get deployment reads the new revision once the rollout is done"
            + (s.rolloutTimeout == nil ? ", or, when rollout status timed out, whether the rollout still progresses (then it waits again)" : "")
            + ". A pod problem (restart, CrashLoopBackOff, image pull error, OOMKilled) or the deadline ends the window at once: rollout status is stopped"
    }

    /// The step of a kind, if the plan has it.
    public func step(_ kind: Kind) -> Step? { (steps + rollbackSteps(toRevision: nil)).first { $0.kind == kind } }

    /// Commands with the late values filled in.
    public static func filled(_ argv: [String], _ values: [String: String]) -> [String] {
        argv.map { arg in
            var out = arg
            for (key, value) in values { out = out.replacingOccurrences(of: "{\(key)}", with: value) }
            return out
        }
    }

    /// What `hotfix deploy --dry-run` prints: numbered steps, each command on its own line.
    public var dryRun: [String] {
        var lines: [String] = []
        for (i, step) in (steps + rollbackSteps(toRevision: nil)).enumerated() {
            let optional = step.kind == .rollback || step.kind == .rollbackRollout
                ? (settings.rollback.runs ? " (on rollback)" : " (on rollback: shown for you to run, never run by hotfix)") : ""
            lines.append("\(i + 1). \(step.kind.name): \(step.title)\(optional)")
            for c in step.commands { lines.append("     $ " + c.map(Self.quoted).joined(separator: " ")) }
            if let note = step.note { lines.append("     (\(note))") }
        }
        return lines
    }

    /// `rollout status` with the configured timeout, or the `{rollout-timeout}` read from the deployment.
    static func rolloutStatus(_ k: KubeTarget, _ deployment: String, _ timeout: Double?) -> [String] {
        guard let timeout else {
            return k.argv(KubeCall.rolloutStatus(deployment: deployment, timeout: 0).dropLast() + ["--timeout={rollout-timeout}s"])
        }
        return k.argv(KubeCall.rolloutStatus(deployment: deployment, timeout: timeout))
    }

    /// An argument as a shell would need it to be typed (display only; nothing runs through a shell).
    public static func quoted(_ arg: String) -> String {
        let safe = arg.unicodeScalars.allSatisfy { c in
            (c.value >= 0x30 && c.value <= 0x39) || (c.value >= 0x41 && c.value <= 0x5A) || (c.value >= 0x61 && c.value <= 0x7A)
                || "-_./:=@%+,{}".unicodeScalars.contains(c)
        }
        if safe && !arg.isEmpty { return arg }
        return "'" + arg.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
