import ArgumentParser
import Foundation
import HotfixEngine
import HotfixSim

/// `hotfix sim`: the simulated cluster in the foreground, for the demo and for trying kubectl by hand.
struct Sim: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sim",
        abstract: "Run a simulated Kubernetes cluster on 127.0.0.1 that the real kubectl talks to.",
        discussion: """
        One namespace (default) with a Deployment 'app' (3 replicas, container 'app', image \
        registry/app:1.4.2) whose pods log web requests and the incident's error. Any other image \
        behaves as the scenario says:
          fix-works     the incident's error disappears
          no-effect     nothing changes
          new-error     the incident's error disappears, a KeyError appears
          crashloop     new pods crash on start and restart (CrashLoopBackOff)
          no-traffic    new pods log almost nothing
          stream-drops  the fix works, but log connections are cut every few seconds
          slow          the fix works, but latency regresses

        --speed N makes every delay N times shorter and the traffic N times denser. \
        Stop with Ctrl-C.
        """)

    @Option(help: "The scenario: \(Scenario.names).")
    var scenario: String = Scenario.fixWorks.rawValue

    @Option(help: "The port on 127.0.0.1 (0 picks a free one).")
    var port: Int = 0

    @Option(help: "How many times faster than real time the cluster runs.")
    var speed: Double = 1

    func run() async throws {
        guard let chosen = Scenario(rawValue: scenario) else {
            throw HotfixError.usage("unknown scenario '\(Sanitize.inline(scenario))'", next: "use one of: \(Scenario.names)")
        }
        guard (0...65535).contains(port) else { throw HotfixError.usage("--port must be between 0 and 65535") }
        guard speed > 0 && speed <= 1000 else { throw HotfixError.usage("--speed must be more than 0 and at most 1000 (got \(speed))") }
        let sim: SimCluster
        do {
            sim = try await SimCluster.start(scenario: chosen, port: port, speed: speed)
        } catch {
            throw HotfixError.environment("cannot start the simulated cluster: \(error.description)",
                                          next: "pick another --port, or 0 for a free one")
        }
        let shownSpeed = speed.rounded() == speed ? String(Int(speed)) : String(speed)
        let banner = """
        simulated cluster: \(sim.url) (scenario \(chosen.rawValue), speed \(shownSpeed)x)
        kubeconfig: \(sim.kubeconfig)
        deployment: \(sim.namespace)/\(sim.deployment), container \(sim.container), image \(sim.baselineImage)

        in .hotfix.yml:
          deploy:
            image: \(sim.baselineImage.split(separator: ":").first.map(String.init) ?? sim.baselineImage)
            deployment: \(sim.deployment)
            container: \(sim.container)
            namespace: \(sim.namespace)
            context: \(sim.context)
            kubeconfig: \(sim.kubeconfig)

        try:
          kubectl --kubeconfig \(sim.kubeconfig) get pods -w
          kubectl --kubeconfig \(sim.kubeconfig) set image deployment/\(sim.deployment) \(sim.container)=registry/app:hotfix-1
          kubectl --kubeconfig \(sim.kubeconfig) rollout status deployment/\(sim.deployment)
          kubectl --kubeconfig \(sim.kubeconfig) rollout undo deployment/\(sim.deployment)

        Ctrl-C stops it.

        """
        FileHandle.standardOutput.write(Data(banner.utf8))
        await Self.waitForInterrupt()
        sim.stop()
        print("stopped")
    }

    /// Returns on SIGINT or SIGTERM.
    static func waitForInterrupt() async {
        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        let (stream, continuation) = AsyncStream<Void>.makeStream()
        let sources = [SIGINT, SIGTERM].map { sig -> any DispatchSourceSignal in
            let s = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            s.setEventHandler { continuation.finish() }
            s.resume()
            return s
        }
        for await _ in stream {}
        sources.forEach { $0.cancel() }
    }
}
