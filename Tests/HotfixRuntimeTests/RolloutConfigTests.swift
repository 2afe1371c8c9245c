import Foundation
import HotfixEngine
@testable import HotfixRuntime
import HotfixTestSupport
import Testing

/// Issue 17: `deploy.rollout`, `rollback`, `expect_image`, `wait`, `helm_release`,
/// `deployed_branch` read and checked together; and the revert a GitOps rollback makes.
@Suite struct RolloutConfigTests {
    func load(_ yaml: String) throws(HotfixError) -> HotfixConfig {
        var c = HotfixConfig()
        try ConfigLoader.apply(yaml: yaml, file: ".hotfix.yml", to: &c)
        return c
    }

    func expectError(_ yaml: String, line: Int, mentions: String, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            _ = try load(yaml)
            Issue.record("accepted: \(yaml)", sourceLocation: sourceLocation)
        } catch {
            #expect(error.kind == .usage, sourceLocation: sourceLocation)
            #expect(error.message.hasPrefix(".hotfix.yml: line \(line)"), "\(error.message)", sourceLocation: sourceLocation)
            #expect(error.message.contains(mentions), "\(error.message)", sourceLocation: sourceLocation)
        }
    }

    @Test func theThreeWaysAndTheirRollbacks() throws {
        let d = HotfixConfig().deploy
        #expect(d.rollout == .setImage && d.rollback == .auto && d.wait == 900 && d.expectImage.isEmpty)
        #expect(try d.rollbackMode(git: HotfixConfig().git).get() == .kubectlUndo)

        let helm = try load("""
        deploy:
          rollout: [helm, upgrade, app, ./chart, --reuse-values, --set, "image.tag={tag}", -n, prod]
          wait: 20m
        """)
        #expect(helm.deploy.wait == 1200)
        guard case .helm(let h, let release) = try helm.deploy.rollbackMode(git: helm.git).get() else { Issue.record("not helm"); return }
        #expect(release == "app" && h.scope == ["-n", "prod"])

        let kustomize = try load("deploy:\n  rollout: [kubectl, apply, -k, overlays/prod]\n")
        #expect(try kustomize.deploy.rollbackMode(git: kustomize.git).get() == .kubectlUndo, "kubectl apply: rollout undo is the truth")

        let argo = try load("git:\n  remote: upstream\ndeploy:\n  rollout: external\n  expect_image: \"*:{short_sha}\"\n  deployed_branch: release/prod\n")
        #expect(argo.deploy.rollout == .external && argo.deploy.expectImage == "*:{short_sha}")
        #expect(try argo.deploy.rollbackMode(git: argo.git).get() == .revert(branch: "release/prod", remote: "upstream"))

        let ci = try load("deploy:\n  rollout: external\n  rollback: kubectl\n")
        #expect(try ci.deploy.rollbackMode(git: ci.git).get() == .kubectlUndo, "CI/CD that runs kubectl: undo is the truth")
        let argocd = try load("deploy:\n  rollout: external\n  rollback: [argocd, app, rollback, app, \"{revision}\"]\n")
        #expect(try argocd.deploy.rollbackMode(git: argocd.git).get() == .command(["argocd", "app", "rollback", "app", "{revision}"]))
        let named = try load("deploy:\n  rollout: external\n  rollback: helm\n  helm_release: api\n  namespace: prod\n")
        guard case .helm(let hn, "api") = try named.deploy.rollbackMode(git: named.git).get() else { Issue.record("not helm api"); return }
        #expect(hn.scope == ["--namespace", "prod"], "the kubectl target's namespace, when the upgrade is not hotfix's")
    }

    @Test func badValuesAreRefusedWithTheLineAndTheExpectedForm() {
        expectError("deploy:\n  rollout: helm upgrade app ./chart\n", line: 2, mentions: "is not a way to roll out; expected set-image, external, or a command")
        expectError("deploy:\n  rollout: []\n", line: 2, mentions: "the command is empty")
        expectError("deploy:\n  rollback: undo\n", line: 2, mentions: "expected auto (by the rollout: kubectl rollout undo, helm rollback, or a GitOps revert)")
        expectError("deploy:\n  expect_image: \"*:{commit}\"\n", line: 2, mentions: "unknown placeholder {commit}; expected {id}, {tag}, {image}, {sha}, {short_sha}")
        expectError("deploy:\n  wait: soon\n", line: 2, mentions: "expected a duration like 5m or 30s")
        // helm rollback needs its release: refused at load, not in the middle of an incident.
        expectError("deploy:\n  rollout: [helm, upgrade, --install]\n", line: 2, mentions: "deploy.rollout: helm rollback needs the Helm release")
        expectError("deploy:\n  rollout: external\n  rollback: helm\n", line: 3, mentions: "name it in deploy.helm_release")
        expectError("deploy:\n  helm_release: \"My App\"\n", line: 2, mentions: "is not a Helm release name")
    }

    @Test func placeholdersAreExpandedInTheCommandAndTheImagePattern() throws {
        var d = HotfixConfig().deploy
        d.rollout = .command(["helm", "upgrade", "app", "./chart", "--set", "image.tag={tag}", "--set", "git.sha={short_sha}", "--description", "{branch}"])
        d.expectImage = "*:{tag}-{short_sha}"
        let s = DeployPlan.Settings(config: d, id: "001-api-500", attempt: 2, commit: "3f2c9a1b7e000000000000000000000000000000")
        #expect(s.rollout == .command(["helm", "upgrade", "app", "./chart", "--set", "image.tag=hotfix-001-api-500-attempt2", "--set", "git.sha=3f2c9a1",
                                       "--description", "hotfix/001-api-500"]))
        #expect(s.expectImage?.text == "*:hotfix-001-api-500-attempt2-3f2c9a1")
        #expect(s.helm?.release == "app")
    }

    /// The README's examples for Helm, kustomize and Argo CD load, and roll back the way it says.
    @Test func theReadmesThreeExamplesLoadAndRollBackAsItSays() throws {
        let readme = try String(contentsOfFile: HotfixBinary.packageRoot + "/README.md", encoding: .utf8)
        let section = try #require(readme.components(separatedBy: "### The three ways to roll out").dropFirst().first?
            .components(separatedBy: "\n### ").first)
        let examples = section.components(separatedBy: "```yaml\n").dropFirst().map { $0.components(separatedBy: "```").first ?? "" }
        #expect(examples.count == 3)
        var ways: [RollbackWay] = []
        for yaml in examples {
            let c = try load(yaml)
            ways.append(try c.deploy.rollbackMode(git: c.git).get().way)
        }
        #expect(ways == [.helmRollback, .kubectlUndo, .gitRevert])
    }

    /// The revert a GitOps rollback shows: the merge that brought the deployed commit into the
    /// branch's mainline, or the commit itself when it is on the mainline, read with real git.
    @Test func theRevertIsTheMergeThatBroughtTheDeployedCommitIn() async throws {
        let repo = GitSandbox(files: ["app.py": "v1\n"])
        repo.git("checkout", "-q", "-b", "hotfix/001-api-500")
        repo.commit(["app.py": "v2\n"], message: "Fix: v2")
        let fix = repo.git("rev-parse", "HEAD")
        let finder = RevertFinder(root: repo.work)
        let before = await finder.revertArguments(commit: fix, branch: "main", remote: "origin")
        #expect(before.arguments == ["-m", "1", "--no-edit", "{merge}"], "not on main yet")
        #expect(before.note?.contains("is not on main here") == true, "\(before.note ?? "")")
        repo.git("checkout", "-q", "main")
        repo.git("merge", "-q", "--no-ff", "-m", "Merge hotfix/001-api-500", "hotfix/001-api-500")
        let merge = repo.git("rev-parse", "HEAD")
        repo.commit(["other.py": "x\n"], message: "later work")
        #expect(await finder.revertArguments(commit: fix, branch: "main", remote: "nowhere").arguments == ["-m", "1", "--no-edit", merge])
        let onMain = repo.git("rev-parse", "HEAD")
        #expect(await finder.revertArguments(commit: onMain, branch: "main", remote: "nowhere").arguments == ["--no-edit", onMain],
                "a commit on the mainline itself (a fast-forward or a squash) is reverted as it is")
        // The remote's branch is what the controller deploys: a commit not pushed there is not deployed from it.
        #expect(await finder.revertArguments(commit: onMain, branch: "main", remote: "origin").arguments == ["-m", "1", "--no-edit", "{merge}"])
        repo.git("push", "-q", "origin", "main")
        repo.git("fetch", "-q", "origin")
        #expect(await finder.revertArguments(commit: fix, branch: "main", remote: "origin").arguments == ["-m", "1", "--no-edit", merge])
    }
}
