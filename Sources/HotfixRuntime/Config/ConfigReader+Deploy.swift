import Foundation
import HotfixEngine
import Yams

/// The `deploy:` section: where kubectl points, the window, and the way the team deploys
/// (`rollout`, `rollback`, `expect_image`, `wait`), checked together so a plan that cannot roll
/// back is refused before anything runs.
extension ConfigReader {
    static let deployKeys = ["image", "build", "push", "deployment", "container", "namespace", "context", "kubeconfig",
                             "window", "warmup", "interval", "auto_rollback", "rollout_timeout", "target", "kubectl_cache_dir",
                             "request_timeout",
                             "baseline_entries", "baseline_wait", "rollout", "rollback", "expect_image", "wait", "helm_release",
                             "deployed_branch"]

    func readDeploy(_ node: Node, git: HotfixConfig.Git, into d: inout HotfixConfig.Deploy) throws(HotfixError) {
        var rolloutNode: Node?
        var rollbackNode: Node?
        for (k, v) in try mapping(node, "deploy", keys: Self.deployKeys) {
            let p = "deploy.\(k)"
            switch k {
            case "image": d.image = try string(v, p)
            case "build": d.build = try argv(v, p)
            case "push": d.push = try argv(v, p)
            case "deployment": d.deployment = try string(v, p)
            case "container": d.container = try string(v, p)
            case "namespace": d.namespace = try string(v, p)
            case "context": d.context = try string(v, p)
            case "kubeconfig": d.kubeconfig = try string(v, p)
            case "window": d.window = try seconds(v, p)
            case "warmup": d.warmup = try seconds(v, p)
            case "interval": d.interval = try seconds(v, p)
            case "rollout_timeout":
                let text = try string(v, p).trimmingCharacters(in: .whitespaces)
                if text.isEmpty || text == "auto" {
                    d.rolloutTimeout = nil
                } else {
                    guard let s = Double(text) ?? Durations.parseSpan(text), s > 0 else {
                        throw fail(v, p, "expected auto (the deployment's progressDeadlineSeconds + 30s) or a duration like 10m")
                    }
                    d.rolloutTimeout = s
                }
            case "target": d.target = try string(v, p)
            case "kubectl_cache_dir": d.kubectlCacheDir = try string(v, p)
            case "request_timeout":
                d.requestTimeout = try seconds(v, p)
                guard d.requestTimeout >= 1 else { throw fail(v, p, "expected a duration of at least 1s, like 10s") }
            case "baseline_entries": d.baselineEntries = try int(v, p, 1...1_000_000)
            case "baseline_wait": d.baselineWait = try seconds(v, p)
            case "rollout":
                d.rollout = try rollout(v, p)
                rolloutNode = v
            case "rollback":
                d.rollback = try rollback(v, p)
                rollbackNode = v
            case "expect_image": d.expectImage = try expectImage(v, p)
            case "wait": d.wait = try seconds(v, p)
            case "helm_release":
                let release = try string(v, p).trimmingCharacters(in: .whitespaces)
                guard release.isEmpty || GitNames.isValid(release) && !release.contains("*") && !release.contains("/") else {
                    throw fail(v, p, "'\(Sanitize.inline(release))' is not a Helm release name: lowercase letters, digits, '-' and '.'")
                }
                d.helmRelease = release
            case "deployed_branch": d.deployedBranch = try string(v, p).isEmpty ? "" : try name(v, p)
            default: d.autoRollback = try bool(v, p)
            }
        }
        // A rollback that cannot be resolved (helm without a release) is refused now, not mid-incident.
        if case .failure(let why) = d.rollbackMode(git: git), let at = rollbackNode ?? rolloutNode {
            throw fail(at, rollbackNode == nil ? "deploy.rollout" : "deploy.rollback", why.description)
        }
    }

    /// `set-image`, `external`, or a command as a list of arguments.
    func rollout(_ node: Node, _ path: String) throws(HotfixError) -> RolloutMode {
        let expected = "expected set-image, external, or a command run instead of set image as a list of arguments, "
            + "e.g. [helm, upgrade, app, ./chart, --reuse-values, --set, \"image.tag={tag}\"] or [kubectl, apply, -k, overlays/prod]"
        switch node {
        case .scalar(let s):
            switch s.string.trimmingCharacters(in: .whitespaces) {
            case "set-image": return .setImage
            case "external": return .external
            default: throw fail(node, path, "'\(Sanitize.inline(s.string))' is not a way to roll out; \(expected)")
            }
        case .sequence:
            let command = try argv(node, path, allowEmpty: false)
            guard let first = command.first, !first.trimmingCharacters(in: .whitespaces).isEmpty else { throw fail(node, path, "the command's program is empty") }
            return .command(command)
        default:
            throw fail(node, path, expected)
        }
    }

    /// `auto`, `kubectl`, `helm`, `revert`, or a command as a list of arguments.
    func rollback(_ node: Node, _ path: String) throws(HotfixError) -> HotfixConfig.Deploy.Rollback {
        let expected = "expected auto (by the rollout: kubectl rollout undo, helm rollback, or a GitOps revert), kubectl, helm, revert, "
            + "or a command as a list of arguments, e.g. [argocd, app, rollback, app] ({revision} and {release_revision} are filled in)"
        switch node {
        case .scalar(let s):
            switch s.string.trimmingCharacters(in: .whitespaces) {
            case "auto": return .auto
            case "kubectl": return .kubectl
            case "helm": return .helm
            case "revert": return .revert
            default: throw fail(node, path, "'\(Sanitize.inline(s.string))' is not a way to roll back; \(expected)")
            }
        case .sequence:
            return .command(try argv(node, path, allowEmpty: false))
        default:
            throw fail(node, path, expected)
        }
    }

    /// An image glob; only the image placeholders.
    func expectImage(_ node: Node, _ path: String) throws(HotfixError) -> String {
        let text = try string(node, path).trimmingCharacters(in: .whitespaces)
        if let problem = HotfixConfig.Deploy.imagePatternProblem(text) { throw fail(node, path, problem) }
        return text
    }
}

extension HotfixConfig.Deploy {
    /// Placeholders `deploy.expect_image` may use.
    public static let imagePlaceholders = ["id", "tag", "image", "sha", "short_sha"]

    /// What is wrong with an image pattern (`deploy.expect_image`, `hotfix watch --expect-image`), if anything.
    public static func imagePatternProblem(_ text: String) -> String? {
        if text.contains(where: { $0.isWhitespace }) { return "an image pattern has no spaces, e.g. \"*:hotfix-{id}\"" }
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{") {
            guard let close = rest[open...].firstIndex(of: "}") else { return "'{' without '}' in \(Sanitize.inline(text))" }
            let name = String(rest[rest.index(after: open)..<close])
            guard imagePlaceholders.contains(name) else {
                return "unknown placeholder {\(Sanitize.inline(name))}; expected \(imagePlaceholders.map { "{\($0)}" }.joined(separator: ", "))"
            }
            rest = rest[rest.index(after: close)...]
        }
        return nil
    }
}
