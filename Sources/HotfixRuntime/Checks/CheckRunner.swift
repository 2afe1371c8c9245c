import Foundation
import HotfixEngine

/// Gathers the automatic checks' inputs from git, the type checker and kubectl, and asks the
/// engine's pure checks for their answers.
public struct CheckRunner: Sendable {
    public var root: String
    public var config: HotfixConfig
    public var runner: ProcessRunner

    public init(root: String, config: HotfixConfig, runner: ProcessRunner = ProcessRunner()) {
        self.root = root
        self.config = config
        self.runner = runner
    }

    func git(_ args: [String]) async -> String? {
        guard let r = try? await runner.run(["git"] + args, in: root), r.succeeded else { return nil }
        return r.stdout
    }

    /// What the hotfix branch changes against main, by commit.
    public struct BranchDiff: Sendable {
        public var tip: String
        public var base: String
        public var files: [String]
        public var added: [AddedLine]
        public var manifests: [ManifestChange]
    }

    /// The diff of `hotfix/{id}` against its merge base with main; nil when the branch is missing.
    public func branchDiff(_ id: IncidentID) async -> BranchDiff? {
        let branch = config.git.settings.branchName(id)
        guard let tip = await git(["rev-parse", "--verify", "--quiet", "refs/heads/\(branch)^{commit}"])?.trimmingCharacters(in: .whitespacesAndNewlines),
              let base = await git(["merge-base", config.git.main, tip])?.trimmingCharacters(in: .whitespacesAndNewlines) else { return nil }
        let files = (await git(["diff", "--name-only", "--no-renames", base, tip]) ?? "").split(separator: "\n").map(String.init)
        let patch = await git(["diff", "-U0", "--no-color", "--no-ext-diff", "--no-renames", base, tip]) ?? ""
        let (added, removed) = Self.parsePatch(patch)
        var manifests: [ManifestChange] = []
        for f in files where DiffReview.isManifest(f) {
            manifests.append(ManifestChange(path: f, added: added.filter { $0.path == f }.map(\.text),
                                            removed: removed.filter { $0.path == f }.map(\.text)))
        }
        return BranchDiff(tip: tip, base: base, files: files, added: added, manifests: manifests)
    }

    /// Added and removed lines with their new/old line numbers, from `git diff -U0`.
    static func parsePatch(_ patch: String) -> (added: [AddedLine], removed: [AddedLine]) {
        var added: [AddedLine] = [], removed: [AddedLine] = []
        var path = "", newLine = 0, oldLine = 0
        for raw in patch.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = String(raw)
            if line.hasPrefix("+++ ") {
                path = line.hasPrefix("+++ b/") ? String(line.dropFirst(6)) : ""
            } else if line.hasPrefix("--- ") {
                if path.isEmpty || !line.hasPrefix("--- a/") { continue }
            } else if line.hasPrefix("@@") {
                // @@ -old,count +new,count @@
                let fields = line.split(separator: " ")
                if fields.count >= 3 {
                    oldLine = Int(fields[1].dropFirst().split(separator: ",")[0]) ?? 0
                    newLine = Int(fields[2].dropFirst().split(separator: ",")[0]) ?? 0
                }
            } else if line.hasPrefix("+"), !path.isEmpty {
                added.append(AddedLine(path: path, line: newLine, text: String(line.dropFirst())))
                newLine += 1
            } else if line.hasPrefix("-"), !path.isEmpty {
                removed.append(AddedLine(path: path, line: oldLine, text: String(line.dropFirst())))
                oldLine += 1
            }
        }
        return (added, removed)
    }

    /// Runs every automatic check; `runs` are the journal's test runs.
    public func runAll(_ id: IncidentID, runs: [CommandRun]) async -> [CheckOutcome] {
        let diff = await branchDiff(id)
        let branch = config.git.settings.branchName(id)
        let noBranch = "branch \(branch) does not exist yet: run hotfix branch"
        let expected = TestRunner(root: root, config: config, runner: runner).steps().map(\.step)
        var out: [CheckOutcome] = [AutoChecks.testsPass(runs: runs, expected: expected, head: diff?.tip)]
        if let diff {
            out.append(await typeHints(diff))
            out.append(AutoChecks.noNewDeps(diff.manifests))
            let patterns = config.checks.loggingPatterns.isEmpty ? AutoChecks.defaultLoggingPatterns : config.checks.loggingPatterns
            out.append(AutoChecks.loggingAdded(diff.added, patterns: patterns))
        } else {
            out += [ChecklistItem.typeHints, .noNewDeps, .loggingAdded].map { CheckOutcome($0, .unknown, noBranch) }
        }
        out.append(await rollbackPlan())
        return out
    }

    /// Judges the functions the fix touched: found with Python's parser on the branch's commit, then
    /// the type checker (when installed, and the branch is checked out with those files as committed)
    /// over the changed files, its findings kept to those functions and the changed lines.
    func typeHints(_ diff: BranchDiff) async -> CheckOutcome {
        let changed = diff.files.filter { $0.hasSuffix(".py") || $0.hasSuffix(".pyi") }
        // Read from the commit, so the branch need not be checked out (a file it deletes is skipped).
        let scan = await PythonFunctions(root: root).touched(base: diff.base, head: diff.tip, paths: changed)
        let python = changed.filter { FileManager.default.fileExists(atPath: root + "/" + $0) }
        var run: TypeCheckerRun?
        var noChecker = "no type checker installed"
        if !python.isEmpty, let tool = await typeChecker() {
            let head = await git(["rev-parse", "HEAD"])?.trimmingCharacters(in: .whitespacesAndNewlines)
            let clean = (try? await runner.run(["git", "diff", "--quiet", "HEAD", "--"] + python, in: root))?.succeeded ?? false
            if head != diff.tip {
                noChecker = "\(tool) not run: the branch is not checked out here"
            } else if !clean {
                noChecker = "\(tool) not run: the changed files have uncommitted edits"
            } else {
                let argv: [String] = tool == "mypy"
                    ? ["mypy", "--ignore-missing-imports", "--follow-imports=silent", "--disallow-untyped-defs", "--disallow-incomplete-defs",
                       "--no-error-summary", "--no-pretty", "--show-error-codes", "--no-color-output"] + python
                    : ["pyright"] + python
                if let r = try? await runner.run(argv, in: root) {
                    run = TypeCheckerRun(tool: tool, exitCode: r.exitCode, output: r.stdout.split(separator: "\n").map(String.init), root: root)
                }
            }
        }
        var outcome = AutoChecks.typeHints(changedFiles: diff.files, scan: scan, checker: run, noChecker: noChecker)
        outcome.commit = diff.tip
        return outcome
    }

    /// The configured type checker if it is installed.
    func typeChecker() async -> String? {
        let wanted = config.checks.typeChecker
        if wanted == "none" { return nil }
        for tool in wanted == "auto" ? ["mypy", "pyright"] : [wanted] {
            if let r = try? await runner.run([tool, "--version"], in: root), r.succeeded { return tool }
        }
        return nil
    }

    /// Prepares the exact rollback, the way this repository deploys: the deployment's revision and
    /// image read with kubectl for `kubectl rollout undo`, with the Helm release's revision for
    /// `helm rollback`, the configured command; for GitOps the revert to make (no cluster needed).
    public func rollbackPlan() async -> CheckOutcome {
        let d = config.deploy
        let manual = "or write the plan yourself: hotfix check rollback-plan --pass --evidence \"how to undo\""
        let mode: RollbackMode
        switch d.rollbackMode(git: config.git) {
        case .success(let m): mode = m
        case .failure(let why): return CheckOutcome(.rollbackPlan, .unknown, "\(why.description); \(manual)")
        }
        if case .revert(let branch, let remote) = mode {
            let steps = DeployPlan.revertCommands(branch: branch, remote: remote, revert: ["-m", "1", "--no-edit", "<the merge that deploys hotfix/…>"])
            return CheckOutcome(.rollbackPlan, .passed, "GitOps revert (deploy.rollout: \(d.rollout == .external ? "external" : "a command")): "
                                + "\(DeployPlan.gitOpsNote); rollback: " + steps.map { $0.joined(separator: " ") }.joined(separator: "; "))
        }
        let configured = !d.kubeconfig.isEmpty || !d.context.isEmpty || ProcessInfo.processInfo.environment["KUBECONFIG"] != nil
            || FileManager.default.fileExists(atPath: NSHomeDirectory() + "/.kube/config")
        guard configured else {
            return CheckOutcome(.rollbackPlan, .unknown, "kubectl is not configured here (deploy.kubeconfig / deploy.context); \(manual)")
        }
        let kubectl = Kubectl(deploy: d, root: root, runner: runner)
        let info: DeploymentInfo
        do { info = try await kubectl.deployment(d.deployment) } catch {
            return CheckOutcome(.rollbackPlan, .unknown, "\(error.message); \(manual)")
        }
        guard info.revision > 0 else {
            return CheckOutcome(.rollbackPlan, .unknown, "deployment/\(d.deployment) has no revision yet; \(manual)")
        }
        let image = info.images[d.container] ?? info.images.values.first
        let now = "deployment/\(d.deployment) at revision \(info.revision)\(image.map { ", image \($0)" } ?? "")"
        switch mode {
        case .helm(let helm, let release):
            let status = helm.status(release)
            guard let r = try? await runner.run(status, in: root), r.succeeded,
                  let o = (try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8))) as? [String: Any], let version = KubeJSON.int(o["version"]) else {
                return CheckOutcome(.rollbackPlan, .unknown, "\(status.joined(separator: " ")) did not give the release's revision "
                                    + "(is helm installed and the release deployed?); \(manual)")
            }
            return CheckOutcome(.rollbackPlan, .passed, "Helm release \(release) at revision \(version), \(now); rollback: "
                                + helm.rollback(release, revision: String(version)).joined(separator: " "))
        case .command(let argv):
            return CheckOutcome(.rollbackPlan, .passed, "\(now); rollback: the configured command (deploy.rollback): \(argv.joined(separator: " "))")
        default:
            let undo = kubectl.argv(KubeCall.rolloutUndo(deployment: d.deployment, toRevision: String(info.revision))).joined(separator: " ")
            return CheckOutcome(.rollbackPlan, .passed, "\(now); undo: \(undo)")
        }
    }
}
