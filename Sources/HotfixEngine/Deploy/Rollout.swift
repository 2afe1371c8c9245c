/// How DEPLOY's rollout is made (`deploy.rollout`): hotfix's own `kubectl set image`, a command
/// run instead of it, or a rollout made elsewhere that hotfix only watches.
public enum RolloutMode: Sendable, Equatable {
    /// `kubectl set image deployment/D C=IMAGE` (the default).
    case setImage
    /// A command run instead of set image (`helm upgrade …`, `kubectl apply -k …`, a pipeline
    /// trigger), placeholders expanded; the new ReplicaSet it makes is then waited for.
    case command([String])
    /// Someone or something else rolls out (CI/CD, Argo CD, Flux): hotfix waits for the new ReplicaSet.
    case external

    /// Whether the rollout is found by waiting for a new ReplicaSet rather than made by set image.
    public var waits: Bool { self != .setImage }

    /// `helm upgrade RELEASE CHART …` when the command is one.
    public var helm: HelmUpgrade? {
        if case .command(let argv) = self { HelmUpgrade(argv) } else { nil }
    }

    /// In words, for plans and questions.
    public var words: String {
        switch self {
        case .setImage: "kubectl set image"
        case .command(let argv): argv.joined(separator: " ")
        case .external: "a rollout made elsewhere (CI/CD, Argo CD, Flux)"
        }
    }
}

/// How a deploy is undone, from `deploy.rollback` and the way it was rolled out.
public enum RollbackMode: Sendable, Equatable {
    /// `kubectl rollout undo --to-revision=N`: the truth for set image and `kubectl apply`.
    case kubectlUndo
    /// `helm rollback RELEASE REVISION`, the revision recorded before the upgrade.
    case helm(HelmUpgrade, release: String)
    /// GitOps: the controller would undo a kubectl rollback, so the rollback is a revert of the
    /// deploy's merge on `branch`, pushed to `remote`; hotfix prints it and runs nothing.
    case revert(branch: String, remote: String)
    /// A configured command (`deploy.rollback: [argv]`); `{revision}` and `{release_revision}`
    /// are filled in when it runs.
    case command([String])

    public var way: RollbackWay {
        switch self {
        case .kubectlUndo: .kubectlUndo
        case .helm: .helmRollback
        case .revert: .gitRevert
        case .command: .command
        }
    }

    /// Whether hotfix runs it (a GitOps revert is only printed).
    public var runs: Bool { way != .gitRevert }
}

/// The way a deploy is (or was) rolled back, as the journal names it.
public enum RollbackWay: JournalName {
    case kubectlUndo, helmRollback, gitRevert, command
    case unrecognized(String)

    public static let known: [RollbackWay] = [.kubectlUndo, .helmRollback, .gitRevert, .command]

    public var name: String {
        switch self {
        case .kubectlUndo: "kubectl-undo"
        case .helmRollback: "helm-rollback"
        case .gitRevert: "git-revert"
        case .command: "command"
        case .unrecognized(let name): name
        }
    }

    /// In words: `kubectl rollout undo`, `helm rollback`, `GitOps revert`, `the configured command`.
    public var words: String {
        switch self {
        case .kubectlUndo: "kubectl rollout undo"
        case .helmRollback: "helm rollback"
        case .gitRevert: "GitOps revert"
        case .command: "the configured command (deploy.rollback)"
        case .unrecognized(let name): name
        }
    }
}

/// `helm upgrade [flags] RELEASE CHART [flags]`, read from an argv: the release, and the flags
/// that say where it lives (namespace, kube context, kubeconfig), which `helm status` and
/// `helm rollback` must carry too.
public struct HelmUpgrade: Sendable, Equatable {
    /// The helm executable, as the command names it.
    public var helm: String
    /// The release, when the argv names one.
    public var release: String?
    /// `--namespace N`, `--kube-context C`, `--kubeconfig F` (or their `=` forms), as given.
    public var scope: [String]

    public init(helm: String = "helm", release: String?, scope: [String] = []) {
        self.helm = helm; self.release = release; self.scope = scope
    }

    /// nil when `argv` is not a `helm … upgrade` command.
    public init?(_ argv: [String]) {
        guard let first = argv.first, first.split(separator: "/").last == "helm",
              let verb = argv.firstIndex(of: "upgrade") else { return nil }
        helm = first
        var positional: [String] = []
        var scope: [String] = []
        var i = 1
        while i < argv.count {
            let arg = argv[i]
            defer { i += 1 }
            if i == verb { continue }
            guard arg.hasPrefix("-"), arg != "-" else {
                if i > verb { positional.append(arg) }
                continue
            }
            let name = String(arg.split(separator: "=", maxSplits: 1)[0])
            let takesValue = Self.valueFlags.contains(name) && !arg.contains("=")
            if Self.scopeFlags.contains(name) {
                scope.append(arg)
                if takesValue, i + 1 < argv.count { scope.append(argv[i + 1]) }
            }
            if takesValue { i += 1 }
        }
        release = positional.first
        self.scope = scope
    }

    /// `helm status RELEASE … -o json`: the release's current revision (`version`).
    public func status(_ release: String) -> [String] { [helm, "status", release] + scope + ["-o", "json"] }

    /// `helm rollback RELEASE REVISION …`.
    public func rollback(_ release: String, revision: String) -> [String] { [helm, "rollback", release, revision] + scope }

    static let scopeFlags: Set<String> = ["-n", "--namespace", "--kube-context", "--kubeconfig"]

    /// helm's flags that take a value (the others are switches).
    static let valueFlags: Set<String> = [
        "-n", "--namespace", "--kube-context", "--kubeconfig", "-f", "--values", "--set", "--set-string", "--set-file", "--set-json",
        "--set-literal", "--version", "--timeout", "--description", "--post-renderer", "--post-renderer-args", "--repo", "--username",
        "--password", "--ca-file", "--cert-file", "--key-file", "--keyring", "--history-max", "--labels", "-o", "--output",
        "--kube-apiserver", "--kube-as-group", "--kube-as-user", "--kube-ca-file", "--kube-token", "--kube-tls-server-name",
        "--registry-config", "--repository-cache", "--repository-config", "--burst-limit", "--qps", "--max-history",
    ]
}

/// An image pattern (`deploy.expect_image`): `*` matches any run of characters, `?` one; the
/// rest must match exactly. `*:hotfix-001-api-500`, `registry/app:*3f2c9a1*`.
public struct ImagePattern: Sendable, Equatable, CustomStringConvertible {
    public var text: String

    public init(_ text: String) { self.text = text }

    public var description: String { text }

    public func matches(_ image: String) -> Bool {
        Self.match(Array(text.unicodeScalars), Array(image.unicodeScalars))
    }

    /// Glob matching with backtracking over the last `*` (linear in practice).
    static func match(_ p: [Unicode.Scalar], _ s: [Unicode.Scalar]) -> Bool {
        var (pi, si) = (0, 0)
        var star: Int?
        var mark = 0
        while si < s.count {
            if pi < p.count, p[pi] == "?" || (p[pi] != "*" && p[pi] == s[si]) {
                pi += 1; si += 1
            } else if pi < p.count, p[pi] == "*" {
                star = pi; mark = si; pi += 1
            } else if let st = star {
                pi = st + 1; mark += 1; si = mark
            } else {
                return false
            }
        }
        while pi < p.count, p[pi] == "*" { pi += 1 }
        return pi == p.count
    }
}
