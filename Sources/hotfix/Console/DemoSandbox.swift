import Foundation
import HotfixEngine
import HotfixRuntime
import HotfixScreen
import HotfixSim

/// A throwaway repository for `hotfix demo`: main, develop, two feature branches, a bare
/// "origin", and a small Python API whose /users endpoint fails, with tests that show it.
struct DemoSandbox {
    let root: String
    var work: String { root + "/work" }
    var origin: String { root + "/origin.git" }

    static let env: [String: String?] = [
        "GIT_AUTHOR_NAME": "hotfix demo", "GIT_AUTHOR_EMAIL": "demo@hotfix.invalid",
        "GIT_COMMITTER_NAME": "hotfix demo", "GIT_COMMITTER_EMAIL": "demo@hotfix.invalid",
        "GIT_CONFIG_NOSYSTEM": "1", "GIT_EDITOR": "true", "GIT_TERMINAL_PROMPT": "0",
    ]

    /// Where the GitHub and Telegram stand-ins record what they were asked to send.
    var ghLog: String { root + "/gh-calls.log" }
    var telegramLog: String { root + "/telegram.log" }
    /// A folder put first on PATH: the `gh` stand-in.
    var bin: String { root + "/bin" }

    /// Builds the sandbox in a new temporary folder; `config` is its `.hotfix.yml`.
    static func create(config: String) async throws(HotfixError) -> DemoSandbox {
        let template = FileManager.default.temporaryDirectory.path + "/hotfix-demo-XXXXXX"
        var bytes = Array(template.utf8CString)
        guard let made = mkdtemp(&bytes) else {
            throw HotfixError.environment("cannot create a temporary folder for the demo (\(template))",
                                          next: "check that TMPDIR is writable")
        }
        let sandbox = DemoSandbox(root: String(cString: made))
        try await sandbox.build(config: config)
        return sandbox
    }

    func build(config: String) async throws(HotfixError) {
        let runner = ProcessRunner(environment: Self.env)
        func git(_ args: String..., in dir: String? = nil) async throws(HotfixError) {
            let r = try await runner.run(["git"] + args, in: dir ?? work)
            guard r.succeeded else {
                throw HotfixError.environment("demo setup failed: git \(args.joined(separator: " ")): \(r.stderr.trimmingCharacters(in: .whitespacesAndNewlines))",
                                              untouched: "only the sandbox \(root) was written", next: "remove it and run hotfix demo again")
            }
        }
        try FileManager.default.createDirectoryOrThrow(work)
        try await git("init", "-q", "--bare", "-b", "main", origin, in: root)
        try await git("init", "-q", "-b", "main")
        // Commits made in the console (c in FIX) need an identity: the person's own when git has
        // one, else the sandbox's.
        for (key, value) in [("user.name", "hotfix demo"), ("user.email", "demo@hotfix.invalid")] {
            if !(try await runner.run(["git", "config", key], in: work)).succeeded { try await git("config", key, value) }
        }
        try write(DemoFiles.main.merging([
            ".hotfix.yml": config,
            "notifications/telegram.sh": DemoFiles.telegramStandIn(log: telegramLog),
        ]) { $1 })
        try standIns()
        try await git("add", "-A")
        try await git("commit", "-q", "-m", "Users API with tests")
        try await git("remote", "add", "origin", origin)
        try await git("push", "-q", "-u", "origin", "main")
        try await git("checkout", "-q", "-b", "develop")
        try write(["CHANGELOG.md": "# Changelog\n\n## Unreleased\n- Pagination for /users (in progress)\n"])
        try await git("add", "-A")
        try await git("commit", "-q", "-m", "Start the changelog")
        try await git("push", "-q", "-u", "origin", "develop")
        for (branch, file, text) in DemoFiles.features {
            try await git("checkout", "-q", "-b", branch, "develop")
            try write([file: text])
            try await git("add", "-A")
            try await git("commit", "-q", "-m", "WIP \(branch)")
            try await git("push", "-q", "-u", "origin", branch)
        }
        try await git("checkout", "-q", "main")
    }

    /// The `gh` stand-in: records its arguments, sends nothing, and says so.
    func standIns() throws(HotfixError) {
        try FileManager.default.createDirectoryOrThrow(bin)
        let gh = """
        #!/bin/sh
        # hotfix demo: a stand-in for the GitHub CLI. Nothing leaves this machine.
        printf '%s\\n' "gh $*" >> '\(ghLog)'
        echo "demo stand-in: gh $* (recorded in \(ghLog), nothing sent)"
        """
        guard FileManager.default.createFile(atPath: bin + "/gh", contents: Data(gh.utf8), attributes: [.posixPermissions: 0o755]) else {
            throw HotfixError.environment("cannot write the gh stand-in in \(bin)")
        }
    }

    func write(_ files: [String: String]) throws(HotfixError) {
        for (name, text) in files {
            let path = work + "/" + name
            try FileManager.default.createDirectoryOrThrow((path as NSString).deletingLastPathComponent)
            guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) else {
                throw HotfixError.environment("cannot write \(path) in the demo sandbox")
            }
        }
    }
}

extension FileManager {
    func createDirectoryOrThrow(_ path: String) throws(HotfixError) {
        do { try createDirectory(atPath: path, withIntermediateDirectories: true) } catch {
            throw HotfixError.environment("cannot create \(path): \(error.localizedDescription)")
        }
    }
}

/// The demo app's files.
enum DemoFiles {
    /// `.hotfix.yml` for the sandbox: the app's tests, and DEPLOY against the simulated cluster
    /// with windows compressed by `speed` (the workflow's 5 minutes become 30 s at speed 10).
    static func config(cluster sim: SimCluster?, speed: Double, external: Bool = false) -> String {
        var text = """
        # The demo's hotfix configuration (see hotfix init --print for every key).
        test:
          smoke: [python3, -m, unittest, -q, tests.test_users]
          critical: [python3, -m, unittest, -q, tests.test_server]

        """
        guard let sim else { return text }
        let image = sim.baselineImage.split(separator: ":").first.map(String.init) ?? sim.baselineImage
        func seconds(_ s: Double) -> String { "\(max(1, Int((s / speed).rounded())))s" }
        let standInBuild = [
            "  # There is no Docker engine in the demo: these stand-ins say what would run.",
            "  build: [echo, \"demo stand-in, nothing built: docker build -t {image} .\"]",
            "  push: [echo, \"demo stand-in, nothing pushed: docker push {image}\"]",
        ].joined(separator: "\n") + "\n"
        text += "deploy:\n  image: \(image)\n" + (external ? DemoPipeline.config(wait: seconds(900)) : standInBuild)
        text += """
          deployment: \(sim.deployment)
          container: \(sim.container)
          namespace: \(sim.namespace)
          context: \(sim.context)
          # The simulated cluster (hotfix sim) this demo started; it stops with the demo.
          kubeconfig: \(sim.kubeconfig)
          # kubectl's caches for this cluster alone (its port changes every run).
          kubectl_cache_dir: \(sim.directory)/kubectl-cache
          window: \(seconds(300))
          warmup: \(seconds(30))
          interval: \(seconds(30))

        """
        return text
    }

    /// The repository's own Telegram hook (the workflow's way): here a stand-in that records the message.
    static func telegramStandIn(log: String) -> String {
        """
        #!/bin/sh
        # hotfix demo: a stand-in for the team's Telegram notification script. Nothing is sent.
        printf '%s\\n' "$1" >> '\(log)'
        echo "demo stand-in: Telegram message recorded in \(log), nothing sent"

        """
    }

    static let main: [String: String] = [
        "README.md": "# users-api\n\nA tiny users API. `python3 -m app.server` serves it on 127.0.0.1:8000.\n",
        "app/__init__.py": "",
        "app/users.py": """
        \"\"\"User lookups.\"\"\"
        from typing import Optional

        USERS = {
            "123": {"id": "123", "name": "Ada"},
            "124": {"id": "124", "name": "Grace"},
        }


        def find_user(user_id: str) -> Optional[dict]:
            return USERS.get(user_id)


        def get_user(user_id: str) -> dict:
            user = find_user(user_id)
            # A missing user is None here, and indexing it raises TypeError: the API answers 500.
            return {"id": user["id"], "name": user["name"]}

        """,
        "app/server.py": """
        \"\"\"GET /users/{id} over http.server.\"\"\"
        import json
        import logging
        from http.server import BaseHTTPRequestHandler, HTTPServer

        from app.users import get_user

        log = logging.getLogger("users-api")


        def handle(path: str) -> tuple[int, dict]:
            parts = path.strip("/").split("/")
            if len(parts) == 2 and parts[0] == "users":
                try:
                    user = get_user(parts[1])
                except Exception as error:  # the 500 the incident is about
                    log.error("GET %s failed: %r", path, error)
                    return 500, {"error": "internal server error"}
                if user is None:
                    return 404, {"error": "no such user"}
                return 200, user
            return 404, {"error": "not found"}


        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                status, body = handle(self.path)
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(data)


        if __name__ == "__main__":
            HTTPServer(("127.0.0.1", 8000), Handler).serve_forever()

        """,
        "tests/__init__.py": "",
        "tests/test_users.py": """
        import unittest

        from app.users import get_user


        class GetUser(unittest.TestCase):
            def test_known_user(self) -> None:
                self.assertEqual(get_user("123")["name"], "Ada")

            def test_unknown_user_is_none(self) -> None:
                self.assertIsNone(get_user("999"))


        if __name__ == "__main__":
            unittest.main()

        """,
        "tests/test_server.py": """
        import unittest

        from app.server import handle


        class UsersEndpoint(unittest.TestCase):
            def test_known_user_is_200(self) -> None:
                self.assertEqual(handle("/users/123")[0], 200)

            def test_unknown_user_is_404_not_500(self) -> None:
                self.assertEqual(handle("/users/999")[0], 404)


        if __name__ == "__main__":
            unittest.main()

        """,
    ]

    /// What is wrong in the sandbox, for the console's FIX pane: the newcomer finishes the drill there.
    static let drill = Drill(
        file: "app/users.py",
        problem: "get_user() indexes the None find_user() returns for an unknown id: GET /users/999 answers 500.",
        failing: "tests.test_users, tests.test_server",
        tests: ["tests/test_users.py", "tests/test_server.py"],
        logging: DemoFiles.loggingHint)

    /// What "Logging added" asks of the fix, said for this repository: app/users.py has no logger,
    /// app/server.py shows the team's (a test applies exactly this and runs `hotfix check --auto`).
    static let loggingHint = """
        the checklist wants a logger call on a line the fix adds. app/users.py has none yet: \
        add import logging and log = logging.getLogger("users-api") as app/server.py does, then \
        in get_user: if user is None: log.warning("no user %s", user_id) and return None.
        """

    static let features: [(String, String, String)] = [
        ("feature/search", "app/search.py", "def search(prefix: str) -> list[str]:\n    return []\n"),
        ("feature/billing", "app/billing.py", "def invoice(user_id: str) -> dict:\n    return {\"user\": user_id, \"total\": 0}\n"),
    ]
}
