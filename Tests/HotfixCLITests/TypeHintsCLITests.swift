import Foundation
import HotfixTestSupport
import Testing

/// The type-hints item judges the functions the fix touched, on a real Python repository with
/// untyped legacy code beside the fix: with mypy (installed for the test suite) and without it.
@Suite struct TypeHintsCLITests {
    static let legacy = """
    import logging

    logger = logging.getLogger(__name__)

    USERS = {"1": "ann"}


    def get_user(id):
        return USERS[id]


    def format_name(name):
        return name.title()


    class UserService:
        def __init__(self, repo):
            self.repo = repo

        def find(self, id: str) -> str:
            return self.repo[id]

        def legacy_lookup(self, id):
            print("lookup", id)
            return self.repo.get(id)

    """

    static let noChecker = [".hotfix.yml": "checks:\n  type_checker: none\n"]

    func hotfix(_ args: String..., in repo: GitSandbox) -> Run { HotfixBinary.run(args, in: repo.work) }

    /// A repository whose main holds `legacy` (and `extra` files), an incident in TEST, and
    /// `users` committed on hotfix/001-api-500 as the fix.
    func fix(_ users: String, extra: [String: String] = [:]) -> GitSandbox {
        let repo = GitSandbox(files: ["app/__init__.py": "", "app/users.py": Self.legacy].merging(extra) { $1 })
        #expect(hotfix("start", "API returns 500 on /users endpoint", in: repo).status == 0)
        for _ in 1...2 { #expect(hotfix("next", in: repo).status == 0) }
        repo.commitFix(["app/users.py": users])
        #expect(hotfix("next", in: repo).status == 0)
        return repo
    }

    /// The type-hints row of `hotfix check --auto --json`: result and evidence.
    func typeHints(_ repo: GitSandbox) throws -> (result: String, evidence: String) {
        let r = hotfix("check", "--auto", "--json", in: repo)
        #expect(r.status == 0, "\(r.stderr)")
        let rows = try #require(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]])
        let row = try #require(rows.first { $0["item"] as? String == "type-hints" })
        return (row["result"] as? String ?? "", row["evidence"] as? String ?? "")
    }

    /// `def get_user(id):` unchanged, three lines added inside it.
    static let badFix = legacy.replacingOccurrences(of: "    return USERS[id]\n", with: """
        user = USERS.get(id)
        if user is None:
            logger.warning("user %s not found", id)
        return user

    """)

    static let goodFix = badFix.replacingOccurrences(of: "def get_user(id):", with: "def get_user(id: str) -> str | None:")

    @Test func anUnannotatedBodyChangeFailsWithMypy() throws {
        let repo = fix(Self.badFix)
        let (result, evidence) = try typeHints(repo)
        #expect(result == "failed")
        #expect(evidence.hasPrefix("mypy: app/users.py:8: error: Function is missing a type annotation"), "\(evidence)")
        #expect(evidence.hasSuffix(" — rule: type hints required"))
        #expect(!evidence.contains("app/users.py:15"), "format_name was not touched: \(evidence)")
        // hotfix diff names the same function, as the FIX watch.
        let diff = hotfix("diff", in: repo)
        #expect(diff.stdout.contains("  app/users.py:8 get_user() — no type for id, no return type"), "\(diff.stdout)")
        #expect(!diff.stdout.contains("format_name"))
    }

    @Test func anUnannotatedBodyChangeFailsWithoutATypeChecker() throws {
        let repo = fix(Self.badFix, extra: Self.noChecker)
        let (result, evidence) = try typeHints(repo)
        #expect(result == "failed")
        #expect(evidence == "app/users.py:8 get_user(): no type for id, no return type — rule: type hints required")
    }

    @Test func theGoodFixPassesWithMypyBesideUntypedLegacyCode() throws {
        let repo = fix(Self.goodFix)
        let (result, evidence) = try typeHints(repo)
        #expect(result == "passed", "\(evidence)")
        #expect(evidence.hasPrefix("mypy passed on the 1 changed function, fully annotated: get_user (app/users.py:8)"), "\(evidence)")
        // mypy's findings on the helpers the fix never touched are shown, not counted.
        #expect(evidence.contains("not judged, outside the fix: 3 findings"), "\(evidence)")
        #expect(evidence.contains("app/users.py:15: error: Function is missing a type annotation"), "\(evidence)")
    }

    @Test func aNewAnnotatedFunctionPasses() throws {
        let added = Self.legacy.replacingOccurrences(of: "\n\ndef format_name(name):", with: """


        def find_user(id: str) -> str | None:
            return USERS.get(id)


        def format_name(name):
        """)
        let withMypy = try typeHints(fix(added))
        #expect(withMypy.result == "passed", "\(withMypy.evidence)")
        #expect(withMypy.evidence.hasPrefix("mypy passed on the 1 changed function, fully annotated: find_user (app/users.py:12)"), "\(withMypy.evidence)")
        let builtIn = try typeHints(fix(added, extra: Self.noChecker))
        #expect(builtIn.result == "passed")
        #expect(builtIn.evidence == "1 changed function fully annotated: find_user (app/users.py:12) (checked by hotfix; no type checker installed)")
    }

    @Test func aChangedMethodIsJudgedByItsOwnSignature() throws {
        // find is annotated (self needs no type); legacy_lookup and __init__ beside it are not.
        let method = Self.legacy.replacingOccurrences(of: "        return self.repo[id]\n", with: """
                logger.info("find %s", id)
                return self.repo[id]

        """)
        for extra in [[:], Self.noChecker] {
            let (result, evidence) = try typeHints(fix(method, extra: extra))
            #expect(result == "passed", "\(evidence)")
            #expect(evidence.contains("fully annotated: UserService.find (app/users.py:20)"), "\(evidence)")
        }
        // Removing a line is a change too: legacy_lookup's own signature is judged, self excepted.
        let removed = Self.legacy.replacingOccurrences(of: "        print(\"lookup\", id)\n", with: "")
        let (result, evidence) = try typeHints(fix(removed, extra: Self.noChecker))
        #expect(result == "failed")
        #expect(evidence == "app/users.py:23 UserService.legacy_lookup(): no type for id, no return type — rule: type hints required")
        let withMypy = try typeHints(fix(removed))
        #expect(withMypy.result == "failed")
        #expect(withMypy.evidence.hasPrefix("mypy: app/users.py:23: error: Function is missing a type annotation"), "\(withMypy.evidence)")
    }

    @Test func aFileThatDoesNotParseIsLeftToAPerson() throws {
        let broken = Self.legacy.replacingOccurrences(of: "def get_user(id):", with: "def get_user(id:")
        let (result, evidence) = try typeHints(fix(broken, extra: Self.noChecker))
        #expect(result == "unknown")
        #expect(evidence.hasPrefix("the changed functions cannot be found: app/users.py: python 3."), "\(evidence)")
        #expect(evidence.contains("cannot parse it: line 8"), "\(evidence)")
    }
}
