import Foundation
import HotfixTestSupport
import Testing

/// TEST and the self-verifying checklist on real projects: Python with pytest (and mypy), Swift.
@Suite struct ChecklistCLITests {
    static let usersPy = """
    import logging

    logger = logging.getLogger(__name__)


    class UserNotFoundError(Exception):
        pass


    def get_user(repo: dict[str, str], id: str) -> str:
        return repo[id]

    """

    static let fixedUsersPy = """
    import logging

    logger = logging.getLogger(__name__)


    class UserNotFoundError(Exception):
        pass


    def get_user(repo: dict[str, str], id: str) -> str:
        user = repo.get(id)
        if user is None:
            logger.warning("user %s not found", id)
            raise UserNotFoundError(id)
        return user

    """

    static func pythonProject() -> GitSandbox {
        GitSandbox(files: [
            "app/__init__.py": "",
            "app/users.py": usersPy,
            "requirements.txt": "flask==3.0.0\n",
            "pytest.ini": "[pytest]\npythonpath = .\nmarkers =\n    smoke: fast checks\n",
            "tests/unit/test_users.py": """
            import pytest
            from app.users import get_user, UserNotFoundError


            def test_found() -> None:
                assert get_user({"1": "ann"}, "1") == "ann"


            def test_missing() -> None:
                with pytest.raises((UserNotFoundError, KeyError)):
                    get_user({}, "2")

            """,
            "tests/integration/test_smoke.py": """
            import pytest
            from app.users import get_user


            @pytest.mark.smoke
            def test_smoke() -> None:
                assert get_user({"1": "ann"}, "1") == "ann"

            """,
        ])
    }

    func hotfix(_ args: String..., in repo: GitSandbox, env: [String: String] = [:]) -> Run {
        HotfixBinary.run(args, in: repo.work, env: env)
    }

    /// start, go to FIX, cut the branch by hand and commit `files` on it, then go to TEST.
    func fixOnBranch(_ repo: GitSandbox, _ files: [String: String], message: String = "Fix: handle None from repo") {
        #expect(hotfix("start", "API returns 500 on /users endpoint", in: repo).status == 0)
        for _ in 1...2 { #expect(hotfix("next", in: repo).status == 0) }
        repo.commitFix(files, message: message)
        #expect(hotfix("next", in: repo).status == 0)
    }

    func auto(_ repo: GitSandbox, env: [String: String] = [:]) throws -> [String: [String: Any]] {
        let r = HotfixBinary.run(["check", "--auto", "--json"], in: repo.work, env: env)
        #expect(r.status == 0, "\(r.stderr)")
        let rows = try #require(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]])
        return Dictionary(uniqueKeysWithValues: rows.map { ($0["item"] as! String, $0) })
    }

    @Test func aCleanOneFileFixPassesEveryMachineCheck() throws {
        let repo = Self.pythonProject()
        fixOnBranch(repo, ["app/users.py": Self.fixedUsersPy])
        let test = hotfix("test", in: repo)
        #expect(test.status == 0, "\(test.stdout)\(test.stderr)")
        #expect(test.stdout.contains("▶ smoke: pytest tests/integration -m smoke -v"))
        #expect(test.stdout.contains("▶ critical: pytest tests/unit -v"))
        #expect(test.stdout.contains("✔ critical passed (2 passed)"))
        let checks = try auto(repo)
        #expect(checks["tests-pass"]?["result"] as? String == "passed")
        #expect((checks["tests-pass"]?["evidence"] as? String)?.contains("critical: `pytest tests/unit -v` exit 0, 2 passed") == true)
        #expect(checks["type-hints"]?["result"] as? String == "passed")
        #expect((checks["type-hints"]?["evidence"] as? String)?.hasPrefix("mypy passed on the 1 changed function, fully annotated: get_user (app/users.py:10)") == true)
        #expect(checks["no-new-deps"]?["evidence"] as? String == "no manifest changed")
        #expect(checks["logging-added"]?["result"] as? String == "passed")
        #expect((checks["logging-added"]?["evidence"] as? String)?.hasPrefix("app/users.py:13: logger.warning(") == true)
        #expect(checks["rollback-plan"]?["result"] as? String == "unknown", "no cluster configured: a person writes the plan")
        #expect(hotfix("check", "rollback-plan", "--pass", "--evidence", "feature flag off", in: repo).status == 0)
        #expect(hotfix("next", in: repo).status == 0, "the gate passes")
    }

    @Test func aNewDependencyIsFlaggedWithItsName() throws {
        let repo = Self.pythonProject()
        fixOnBranch(repo, ["app/users.py": Self.fixedUsersPy, "requirements.txt": "flask==3.0.1\nrequests>=2.31\n"])
        let checks = try auto(repo)
        #expect(checks["no-new-deps"]?["result"] as? String == "failed")
        let evidence = checks["no-new-deps"]?["evidence"] as? String ?? ""
        #expect(evidence.contains("added: requests (requirements.txt)"), "\(evidence)")
        #expect(evidence.contains("version changed: flask"), "\(evidence)")
        #expect(hotfix("next", in: repo).status == 1)
    }

    static let untyped = fixedUsersPy + "\n\ndef lookup(repo, id):\n    logger.info(\"lookup %s\", id)\n    return repo.get(id)\n"

    @Test func anUnannotatedFunctionIsFlaggedByMypy() throws {
        let repo = Self.pythonProject()
        fixOnBranch(repo, ["app/users.py": Self.untyped])
        let checks = try auto(repo)
        #expect(checks["type-hints"]?["result"] as? String == "failed")
        let evidence = checks["type-hints"]?["evidence"] as? String ?? ""
        #expect(evidence.hasPrefix("mypy: "), "\(evidence)")
        #expect(evidence.contains("app/users.py:"), "\(evidence)")
    }

    @Test func anUnannotatedFunctionIsFlaggedWithoutATypeChecker() throws {
        let repo = Self.pythonProject()
        fixOnBranch(repo, ["app/users.py": Self.untyped, ".hotfix.yml": "checks:\n  type_checker: none\n"])
        let checks = try auto(repo)
        #expect(checks["type-hints"]?["result"] as? String == "failed")
        #expect(checks["type-hints"]?["evidence"] as? String == "app/users.py:18 lookup(): no type for repo, id, no return type — rule: type hints required")
    }

    @Test func missingLoggingIsFlaggedThenPassesOnceAdded() throws {
        let repo = Self.pythonProject()
        let noLog = Self.fixedUsersPy.replacingOccurrences(of: "        logger.warning(\"user %s not found\", id)\n", with: "")
        fixOnBranch(repo, ["app/users.py": noLog])
        var checks = try auto(repo)
        #expect(checks["logging-added"]?["result"] as? String == "failed")
        #expect((checks["logging-added"]?["evidence"] as? String)?.contains("no added line calls a logger") == true)
        repo.commit(["app/users.py": Self.fixedUsersPy], message: "Log the missing user")
        checks = try auto(repo)
        #expect(checks["logging-added"]?["result"] as? String == "passed")
        let timeline = hotfix("timeline", in: repo).stdout
        #expect(timeline.contains("checklist logging-added: failed (auto)"))
        #expect(timeline.contains("checklist logging-added: passed (auto) — app/users.py:13"))
    }

    @Test func aCommitAfterTheTestRunMakesTestsPassStale() throws {
        let repo = Self.pythonProject()
        fixOnBranch(repo, ["app/users.py": Self.fixedUsersPy])
        #expect(hotfix("test", in: repo).status == 0)
        #expect(try auto(repo)["tests-pass"]?["result"] as? String == "passed")
        repo.commit(["app/users.py": Self.fixedUsersPy + "# tweak\n"], message: "tweak")
        let checks = try auto(repo)
        #expect(checks["tests-pass"]?["result"] as? String == "unknown")
        #expect((checks["tests-pass"]?["evidence"] as? String)?.hasPrefix("stale: tests ran on") == true)
        #expect(checks["tests-pass"]?["status"] as? String == "unchecked", "the item is unchecked again")
    }

    @Test func aFailingTestRecordsItsLastLines() throws {
        let repo = Self.pythonProject()
        fixOnBranch(repo, ["app/users.py": Self.usersPy.replacingOccurrences(of: "return repo[id]", with: "return repo[id] + '!'")])
        let test = hotfix("test", in: repo)
        #expect(test.status == 1)
        #expect(test.stdout.contains("✘ critical failed with exit 1"))
        #expect(test.stdout.contains("failed"))
        #expect(try auto(repo)["tests-pass"]?["result"] as? String == "failed")
    }

    @Test func aWaivedItemKeepsItsReasonAndAutoLeavesItAlone() throws {
        let repo = Self.pythonProject()
        fixOnBranch(repo, ["app/users.py": Self.untyped])
        #expect(hotfix("check", "type-hints", "--waive", "legacy module, typed in the follow-up", in: repo).status == 0)
        let checks = try auto(repo)
        #expect(checks["type-hints"]?["status"] as? String == "waived")
        let timeline = hotfix("timeline", in: repo).stdout
        #expect(timeline.contains("checklist type-hints: waived (manual) — legacy module, typed in the follow-up"))
        #expect(!timeline.contains("checklist type-hints: failed"))
    }

    @Test func aSwiftProjectIsTestedWithSwiftTestAndIsStaticallyTyped() throws {
        let repo = GitSandbox(files: [
            "Package.swift": """
            // swift-tools-version: 6.0
            import PackageDescription
            let package = Package(name: "App", targets: [.target(name: "App"), .testTarget(name: "AppTests", dependencies: ["App"])])
            """,
            "Sources/App/Users.swift": "public func user(_ id: Int) -> String? { id == 1 ? \"ann\" : nil }\n",
            "Tests/AppTests/UsersTests.swift": "import Testing\n@testable import App\n@Test func found() { #expect(user(1) == \"ann\") }\n@Test func missing() { #expect(user(2) == nil) }\n",
            ".gitignore": ".build/\n",
        ])
        fixOnBranch(repo, ["Sources/App/Users.swift": "import Foundation\npublic func user(_ id: Int) -> String? {\n    if id <= 0 { NSLog(\"bad id %d\", id) }\n    return id == 1 ? \"ann\" : nil\n}\n"])
        let test = hotfix("test", in: repo)
        #expect(test.status == 0, "\(test.stdout.suffix(2000))")
        #expect(test.stdout.contains("▶ critical: swift test"))
        #expect(test.stdout.contains("✔ critical passed (2 passed)"), "\(test.stdout.suffix(1500))")
        let checks = try auto(repo)
        #expect(checks["tests-pass"]?["result"] as? String == "passed")
        #expect(checks["type-hints"]?["evidence"] as? String == "statically typed: Swift (Sources/App/Users.swift)")
        #expect((checks["logging-added"]?["evidence"] as? String)?.contains("NSLog(") == true)
    }
}
