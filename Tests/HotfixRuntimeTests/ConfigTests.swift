import Foundation
import HotfixEngine
@testable import HotfixRuntime
import Testing

@Suite struct ConfigTests {
    func load(_ yaml: String) throws(HotfixError) -> HotfixConfig {
        var c = HotfixConfig()
        try ConfigLoader.apply(yaml: yaml, file: ".hotfix.yml", to: &c)
        return c
    }

    @Test func theInitTemplateHoldsExactlyTheDefaults() throws {
        #expect(try load(ConfigTemplate.text) == HotfixConfig())
        #expect(HotfixConfig().budgets == Budgets.workflow)
    }

    @Test func valuesOverrideDefaults() throws {
        let c = try load("""
        budgets:
          fix: 20-40
          assess: [3, 4]
          total: 90
        git:
          backport: [feature/*, release/*]
        test:
          smoke: [pytest, tests/integration, -m, smoke, -v]
        deploy:
          window: 2m
          auto_rollback: true
        """)
        #expect(c.budgets[.fix] == .minutes(20, 40))
        #expect(c.budgets[.assess] == .minutes(3, 4))
        #expect(c.budgets.total == 90 * 60)
        #expect(c.git.backport == ["feature/*", "release/*"])
        #expect(c.test.smoke == ["pytest", "tests/integration", "-m", "smoke", "-v"])
        #expect(c.deploy.window == 120)
        #expect(c.deploy.autoRollback)
        #expect(c.budgets[.close] == .minutes(5), "untouched keys keep their defaults")
    }

    @Test func theDeployKeysOfIssue12() throws {
        let c = try load("""
        deploy:
          rollout_timeout: 12m
          target: "AttributeError: 'NoneType'"
          kubectl_cache_dir: ~/.kube/cache/prod
          baseline_entries: 50
          baseline_wait: 40s
        """)
        #expect(c.deploy.rolloutTimeout == 720)
        #expect(c.deploy.target == "AttributeError: 'NoneType'")
        #expect(c.deploy.kubectlCacheDir == "~/.kube/cache/prod")
        #expect(c.deploy.baselineEntries == 50 && c.deploy.baselineWait == 40)
        #expect(try load("deploy:\n  rollout_timeout: auto\n").deploy.rolloutTimeout == nil)
        expectError("deploy:\n  rollout_timeout: soon\n", line: 2, mentions: "expected auto (the deployment's progressDeadlineSeconds + 30s) or a duration like 10m")
        // The incident's target (hotfix assess --target) wins over deploy.target.
        #expect(DeployPlan.Settings(config: c.deploy, id: "x").errorTarget == "AttributeError: 'NoneType'")
        #expect(DeployPlan.Settings(config: c.deploy, id: "x", errorTarget: "KeyError").errorTarget == "KeyError")
        #expect(DeployPlan.Settings(config: c.deploy, id: "x").rolloutTimeout(progressDeadline: 600) == 720, "configured, not read")
        #expect(DeployPlan.Settings(config: c.deploy, id: "x", attempt: 2).image == "registry/app:hotfix-x-attempt2")
    }

    func expectError(_ yaml: String, line: Int, mentions: String) {
        do {
            _ = try load(yaml)
            Issue.record("accepted: \(yaml)")
        } catch {
            #expect(error.kind == .usage)
            #expect(error.message.hasPrefix(".hotfix.yml: line \(line)"), "\(error.message)")
            #expect(error.message.contains(mentions), "\(error.message)")
        }
    }

    @Test func aSyntaxErrorNamesFileAndLine() {
        expectError("budgets:\n  fix: 30\n  test: [15, 20\n", line: 4, mentions: "YAML syntax error")
    }

    @Test func anUnknownKeyNamesItAndTheExpectedKeys() {
        expectError("git:\n  remote: origin\n  mian: main\n", line: 3, mentions: "unknown key 'mian'; expected one of: remote, main")
        expectError("colour: red\n", line: 1, mentions: "unknown key 'colour'")
    }

    @Test func aWrongTypeSaysTheExpectedForm() {
        expectError("budgets:\n  fix: soon\n", line: 2, mentions: "expected minutes")
        expectError("test:\n  smoke: pytest -v\n", line: 2, mentions: "list of arguments")
        expectError("deploy:\n  auto_rollback: maybe\n", line: 2, mentions: "true or false")
        expectError("budgets:\n  fix: 60-30\n", line: 2, mentions: "limit is below the target")
    }

    @Test func invalidGitNamesAreRefused() {
        expectError("git:\n  main: \"main branch\"\n", line: 2, mentions: "not a valid git name")
        expectError("git:\n  remote: --upload-pack=evil\n", line: 2, mentions: "not a valid git name")
        expectError("git:\n  develop: a..b\n", line: 2, mentions: "not a valid git name")
    }

    @Test func placeholdersStayInsideOneArgument() {
        let argv = Placeholders.expand(["docker", "build", "-t", "{image}:hotfix-{id}", "."], ["image": "registry/app x", "id": "001"])
        #expect(argv == ["docker", "build", "-t", "registry/app x:hotfix-001", "."])
    }

    @Test func repositoryFileBeatsUserFileAndEnvironmentBeatsBoth() throws {
        let dir = FileManager.default.temporaryDirectory.path + "/cfg-\(UUID().uuidString.prefix(6))"
        try FileManager.default.createDirectory(atPath: dir + "/home/hotfix", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: dir + "/repo", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "theme: light\nbudgets:\n  close: 9\n".write(toFile: dir + "/home/hotfix/config.yml", atomically: true, encoding: .utf8)
        try "budgets:\n  close: 7\n".write(toFile: dir + "/repo/.hotfix.yml", atomically: true, encoding: .utf8)
        let c = try ConfigLoader.load(repositoryRoot: dir + "/repo", environment: ["XDG_CONFIG_HOME": dir + "/home"])
        #expect(c.budgets[.close] == .minutes(7))
        #expect(c.theme == "light")
        let e = try ConfigLoader.load(repositoryRoot: dir + "/repo", environment: ["XDG_CONFIG_HOME": dir + "/home", "HOTFIX_THEME": "monochrome"])
        #expect(e.theme == "monochrome")
    }
}
