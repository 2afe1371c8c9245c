import Foundation
import HotfixEngine

/// Everything `.hotfix.yml` can set. The defaults equal the workflow spec.
public struct HotfixConfig: Sendable, Equatable {
    public struct Git: Sendable, Equatable {
        public var remote = "origin"
        public var main = "main"
        public var develop = "develop"
        /// The hotfix branch name; `{id}` is replaced.
        public var branch = "hotfix/{id}"
        /// The annotated tag name; `{id}` is replaced.
        public var tag = "hotfix-{id}"
        /// Branch patterns that get the backport besides develop.
        public var backport = ["feature/*"]
        /// A diff larger than this many changed lines is flagged in FIX.
        public var largeDiff = 200
    }

    public struct Test: Sendable, Equatable {
        /// argv; empty means detect from the project (pytest, swift test, go test, npm test, cargo test).
        public var smoke: [String] = []
        public var critical: [String] = []
        public var manual: [String] = []
        /// Seconds before a test command is stopped.
        public var timeout = 1200.0
    }

    public struct Checks: Sendable, Equatable {
        /// `auto` (mypy, then pyright, when installed), `mypy`, `pyright` or `none`.
        public var typeChecker = "auto"
        /// Regular expressions for a logger call; empty means the built-in patterns per language.
        public var loggingPatterns: [String] = []
    }

    public struct Deploy: Sendable, Equatable {
        public var image = "registry/app"
        public var build = ["docker", "build", "-t", "{image}", "."]
        public var push = ["docker", "push", "{image}"]
        public var deployment = "app"
        public var container = "app"
        public var namespace = ""
        public var context = ""
        public var kubeconfig = ""
        /// The monitoring window, warm-up and evaluation interval, in seconds.
        public var window = 300.0
        public var warmup = 30.0
        public var interval = 30.0
        /// Roll back by itself on a FAIL verdict.
        public var autoRollback = false
        /// How long `kubectl rollout status` may wait, in seconds; nil (`auto`): the deployment's
        /// progressDeadlineSeconds plus a margin.
        public var rolloutTimeout: Double?
        /// The incident's error in the logs (a substring or template) when `hotfix assess --target`
        /// does not name it; empty: the baseline's most frequent error template.
        public var target = ""
        /// kubectl's `--cache-dir` for every call (discovery and HTTP caches, the cloud SDK
        /// dispatcher's `/version` answer included); empty: kubectl's own (~/.kube/cache).
        public var kubectlCacheDir = ""
        /// `--request-timeout` of every one-shot kubectl read (the deployment, its ReplicaSets, its
        /// pods), in seconds: a cluster that accepts connections and never answers fails the read
        /// then instead of after kubectl's two minutes. Never given to a stream or to a change.
        public var requestTimeout = 10.0
        /// The baseline read ends once every old pod gave this many entries (or caught up), or
        /// after `baselineWait` seconds.
        public var baselineEntries = 300
        public var baselineWait = 15.0
        /// How the rollout is made: `set-image`, a command run instead (argv, placeholders
        /// unexpanded), or `external` (hotfix waits for a rollout made elsewhere).
        public var rollout: RolloutMode = .setImage
        /// How a deploy is undone: `auto` (by the rollout: kubectl undo, helm rollback, or a GitOps
        /// revert), or one named, or a command.
        public var rollback: Rollback = .auto
        /// A rollout waited for counts only with an image matching this glob; "" = any new ReplicaSet.
        public var expectImage = ""
        /// How long a rollout made elsewhere is waited for, in seconds.
        public var wait = 900.0
        /// The Helm release `helm rollback` goes back on; "" = read from `rollout`'s `helm upgrade RELEASE CHART`.
        public var helmRelease = ""
        /// The branch a GitOps controller or CI/CD deploys from (where a revert goes); "" = `git.main`.
        public var deployedBranch = ""

        public enum Rollback: Sendable, Equatable {
            case auto, kubectl, helm, revert
            case command([String])
        }
    }

    public struct Logs: Sendable, Equatable {
        public var history = 10_000
        public var lineCap = 16_384
    }

    public struct Telegram: Sendable, Equatable {
        public var tokenEnv = "HOTFIX_TELEGRAM_TOKEN"
        public var chatEnv = "HOTFIX_TELEGRAM_CHAT"
        public var baseURL = "https://api.telegram.org"
        /// Message templates by kind (started, deployed, verdict, complete).
        public var templates = NotifySettings.defaultTemplates
        /// Attempts per message before it waits in the outbox for `hotfix sync`.
        public var attempts = 3
    }

    public struct GitHub: Sendable, Equatable {
        /// Phases after which a comment is posted on the linked issue.
        public var commentOn: [Phase] = [.deploy, .close]
        /// The comment posted after each of those phases.
        public var comment = NotifySettings.defaultGithubComment
    }

    public struct Report: Sendable, Equatable {
        /// Where reports and post-mortems are written, relative to the repository root.
        public var dir = "docs/hotfix"
    }

    public var budgets = Budgets.workflow
    public var git = Git()
    public var test = Test()
    public var checks = Checks()
    public var deploy = Deploy()
    public var logs = Logs()
    public var telegram = Telegram()
    public var github = GitHub()
    public var report = Report()
    public var theme = "default"

    public init() {}
}

extension HotfixConfig.Git {
    /// The git section as the flow's settings; an empty remote or develop means none. Every name the
    /// flow makes (the branch, the tag) comes from these settings.
    public var settings: GitSettings {
        GitSettings(remote: remote.isEmpty ? nil : remote, main: main, develop: develop.isEmpty ? nil : develop,
                    branch: branch, tag: tag, backport: backport)
    }
}

/// `{id}`, `{branch}`, `{image}`, `{tag}` in argv templates and names.
public enum Placeholders {
    /// Replaces placeholders inside each argument; one argument stays one argument, never split.
    public static func expand(_ argv: [String], _ values: [String: String]) -> [String] {
        argv.map { expand($0, values) }
    }

    public static func expand(_ text: String, _ values: [String: String]) -> String {
        var out = text
        for (key, value) in values { out = out.replacingOccurrences(of: "{\(key)}", with: value) }
        return out
    }
}
