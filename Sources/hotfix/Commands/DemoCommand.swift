import ArgumentParser
import Foundation
import HotfixEngine
import HotfixWorkflow
import HotfixRuntime
import HotfixSim

struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",  // named, not derived from the type: deriving costs ~1 ms at every start
        abstract: "Open the console on a sandbox incident (a temporary repository made for it).",
        discussion: """
        The sandbox has main, develop, feature/search and feature/billing, a bare "origin", and a \
        small Python API whose GET /users/{id} answers 500 for unknown users, with tests that show it.

        A simulated Kubernetes cluster (as hotfix sim) runs for DEPLOY, with its windows compressed \
        by --speed; gh and the Telegram hook are local stand-ins that record what they would send. \
        With --rollout external, DEPLOY watches and a stand-in CI/CD pipeline rolls the attempt's \
        image out a few seconds after DEPLOY begins watching. \
        An incident linked to issue #42 is opened and the console starts; on exit the sandbox path \
        is printed with a command to try the CLI there, as it runs from your shell (--clean removes \
        the sandbox instead), and the cluster stops.
        """)

    @Flag(help: "Remove the sandbox when the console closes.") var clean = false
    @Option(help: ArgumentHelp("default, light, high-contrast, monochrome, or a theme file.", valueName: "name|path"))
    var theme: String?
    @Option(help: "The simulated cluster's scenario: \(Scenario.names).") var scenario: String = Scenario.fixWorks.rawValue
    @Option(help: "How many times faster the cluster and the monitoring window run.") var speed: Double = 10
    @Flag(name: .customLong("no-cluster"), help: "No simulated cluster (DEPLOY then needs a real one).") var noCluster = false
    @Option(help: ArgumentHelp("set-image (hotfix rolls out), or external: a stand-in CI/CD pipeline rolls out and DEPLOY watches.",
                               valueName: "set-image|external"))
    var rollout: String = "set-image"

    func run() async throws {
        try ConsoleCommand.requireTerminal()
        guard let chosen = Scenario(rawValue: scenario) else {
            throw HotfixError.usage("unknown scenario '\(Sanitize.inline(scenario))'", next: "use one of: \(Scenario.names)")
        }
        guard speed >= 1 && speed <= 100 else { throw HotfixError.usage("--speed must be from 1 to 100 (got \(speed))") }
        guard rollout == "set-image" || rollout == "external" else {
            throw HotfixError.usage("--rollout '\(Sanitize.inline(rollout))' is not a way to roll out", next: "use set-image or external")
        }
        let external = rollout == "external" && !noCluster
        var sim: SimCluster?
        if !noCluster {
            do {
                sim = try await SimCluster.start(scenario: chosen, speed: speed, deployment: "users-api", container: "api",
                                                 image: "registry.local/users-api:1.4.2")
                // Whatever the scenario, the second attempt's build works: after a FAIL, b (hotfix retry) leads to a PASS.
                sim?.behave("registry.local/users-api:hotfix-001-api-500-attempt2", as: .fixWorks)
            } catch {
                throw HotfixError.environment("cannot start the demo's simulated cluster: \(error.description)",
                                              untouched: "nothing was created", next: "run hotfix demo --no-cluster")
            }
        }
        defer { sim?.stop() }
        let sandbox = try await DemoSandbox.create(config: DemoFiles.config(cluster: sim, speed: speed, external: external))
        // The stand-ins come first on PATH, for every command the demo runs; the hint printed at the
        // end is for the person's shell, which has the PATH we were started with.
        let shellPath = ProcessInfo.processInfo.environment["PATH"]
        setenv("PATH", sandbox.bin + ":" + (shellPath ?? "/usr/bin:/bin"), 1)
        var failure: (any Error)?
        do {
            guard FileManager.default.changeCurrentDirectoryPath(sandbox.work) else {
                throw HotfixError.environment("cannot enter the demo sandbox \(sandbox.work)")
            }
            let start = try Start.parse(["API returns 500 on /users endpoint", "--id", "001-api-500",
                                         "--severity", "P0", "--detected", "12m ago", "--issue", "42"])
            try await start.run()
            let session = try await Wiring.session()
            let id = try IncidentID("001-api-500")
            let pipeline = external ? sim.map { DemoPipeline.start(sim: $0, journal: session.store.journal(id).path, id: id, delay: max(3, 60 / speed)) } : nil
            defer { pipeline?.cancel() }
            try await ConsoleCommand.open(session: session, id: id, theme: theme, drill: DemoFiles.drill)
        } catch {
            failure = error
        }
        if clean {
            try? FileManager.default.removeItem(atPath: sandbox.root)
            print("Removed the demo sandbox \(sandbox.root)")
        } else {
            print("Demo sandbox: \(sandbox.work)  (origin: \(sandbox.origin))")
            print("Try the CLI there: cd \(GitText.shellWords([sandbox.work])) && \(SelfCommand.name(searchPath: shellPath)) status")
            print("GitHub stand-in calls: \(sandbox.ghLog)   Telegram stand-in messages: \(sandbox.telegramLog)")
        }
        if let failure { throw failure }
    }
}
