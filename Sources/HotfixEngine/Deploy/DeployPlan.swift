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

/// The DEPLOY phase as data: each step with the exact commands it runs, for dry runs, the
/// journal and the runner. Values known only once the baseline is read are written as
/// `{selector}`, `{baseline-revision}`, `{pod}`, `{container}` and `{since}` and filled by `filled(_:)`.
public struct DeployPlan: Sendable, Equatable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case build, push, baseline
        case setImage = "set-image"
        case rollout, monitor, verdict, rollback
        case rollbackRollout = "rollback-rollout"
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
        public var rolloutTimeout: Double
        public var autoRollback: Bool

        public init(image: String, build: [String], push: [String], deployment: String, container: String, target: KubeTarget,
                    window: Double = 300, warmup: Double = 30, interval: Double = 30, rolloutTimeout: Double = 600, autoRollback: Bool = false) {
            self.image = image; self.build = build; self.push = push; self.deployment = deployment; self.container = container
            self.target = target; self.window = window; self.warmup = warmup; self.interval = interval
            self.rolloutTimeout = rolloutTimeout; self.autoRollback = autoRollback
        }
    }

    public var settings: Settings
    /// The forward steps: build, push, baseline, set-image, rollout, monitor, verdict.
    public var steps: [Step]

    public init(_ s: Settings) {
        settings = s
        let k = s.target
        let deploy = "deployment/\(s.deployment)"
        var steps: [Step] = []
        if !s.build.isEmpty { steps.append(Step(kind: .build, title: "build \(s.image)", commands: [s.build], note: nil)) }
        if !s.push.isEmpty { steps.append(Step(kind: .push, title: "push \(s.image)", commands: [s.push], note: nil)) }
        steps.append(Step(kind: .baseline, title: "read the baseline of \(deploy)", commands: [
            k.argv(["get", deploy, "-o", "json"]),
            k.argv(["get", "replicasets", "-l", "{selector}", "-o", "json"]),
            k.argv(["get", "pods", "-l", "{selector}", "-o", "json"]),
        ], note: "revision, image, selector and pod-template-hash; the old pods' recent logs come with the monitor"))
        steps.append(Step(kind: .setImage, title: "set \(s.container)=\(s.image)",
                          commands: [k.argv(["set", "image", deploy, "\(s.container)=\(s.image)"])], note: nil))
        steps.append(Step(kind: .rollout, title: "wait for the rollout",
                          commands: [Self.rolloutStatus(k, deploy, s.rolloutTimeout)], note: nil))
        steps.append(Step(kind: .monitor, title: "monitor for \(Durations.words(s.window)) (warm-up \(Durations.words(s.warmup)), every \(Durations.words(s.interval)))",
                          commands: [
                            k.argv(["get", "pods", "-l", "{selector}", "-w", "--output-watch-events", "-o", "json"]),
                            k.argv(["logs", "-f", "pod/{pod}", "-c", "{container}", "--timestamps", "--since-time={since}"]),
                          ], note: "one log tail per running container, restarted from its last timestamp; the watch restarted when it ends"))
        steps.append(Step(kind: .verdict, title: "judge: PASS, MARGINAL, FAIL or INCONCLUSIVE", commands: [],
                          note: s.autoRollback ? "FAIL rolls back by itself (deploy.auto_rollback)" : "rollback only on request"))
        self.steps = steps
    }

    /// The rollback: back to the baseline revision, then wait for that rollout.
    public func rollbackSteps(toRevision revision: Int?) -> [Step] {
        let k = settings.target
        let deploy = "deployment/\(settings.deployment)"
        let rev = revision.map(String.init) ?? "{baseline-revision}"
        return [
            Step(kind: .rollback, title: "roll back to revision \(rev)",
                 commands: [k.argv(["rollout", "undo", deploy, "--to-revision=\(rev)"])], note: nil),
            Step(kind: .rollbackRollout, title: "wait for the rollback", commands: [Self.rolloutStatus(k, deploy, settings.rolloutTimeout)], note: nil),
        ]
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
            let optional = step.kind == .rollback || step.kind == .rollbackRollout ? " (on rollback)" : ""
            lines.append("\(i + 1). \(step.kind.rawValue): \(step.title)\(optional)")
            for c in step.commands { lines.append("     $ " + c.map(Self.quoted).joined(separator: " ")) }
            if let note = step.note { lines.append("     (\(note))") }
        }
        return lines
    }

    static func rolloutStatus(_ k: KubeTarget, _ deploy: String, _ timeout: Double) -> [String] {
        k.argv(["rollout", "status", deploy, "--timeout=\(Int(timeout.rounded(.up)))s"])
    }

    /// An argument as a shell would need it to be typed (display only; nothing runs through a shell).
    static func quoted(_ arg: String) -> String {
        let safe = arg.unicodeScalars.allSatisfy { c in
            (c.value >= 0x30 && c.value <= 0x39) || (c.value >= 0x41 && c.value <= 0x5A) || (c.value >= 0x61 && c.value <= 0x7A)
                || "-_./:=@%+,{}".unicodeScalars.contains(c)
        }
        if safe && !arg.isEmpty { return arg }
        return "'" + arg.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
