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
        --replicas N and --containers M size the deployment (containers after the first are \
        sidecars named proxy, proxy-2, … that log one access line per request); --rate R makes \
        each pod write about R lines a second (all its containers together, whatever --speed). \
        The watch history is compacted like an API server's: a watch resumed from a version \
        that is gone gets 410 Gone. --external-rollout AFTER rolls --external-image out by \
        itself AFTER (a duration, real time) from the start, as CI/CD or a GitOps controller \
        would: try hotfix watch against it. Stop with Ctrl-C.
        """)

    @Option(help: "The scenario: \(Scenario.names).")
    var scenario: String = Scenario.fixWorks.rawValue

    @Option(help: "The port on 127.0.0.1 (0 picks a free one).")
    var port: Int = 0

    @Option(help: "How many times faster than real time the cluster runs.")
    var speed: Double = 1

    @Option(help: "Replicas of the deployment (1-500).")
    var replicas: Int = 3

    @Option(help: "Containers per pod (1-8): the app and its sidecars.")
    var containers: Int = 1

    @Option(help: ArgumentHelp("About this many log lines a second from each pod (default: 8 requests a second times --speed).",
                               valueName: "lines-per-second-per-pod"))
    var rate: Double?

    @Option(name: .customLong("external-rollout"),
            help: ArgumentHelp("Roll --external-image out by itself this long after the start (e.g. 30s), as CI/CD would.", valueName: "after"))
    var externalRollout: String?

    @Option(name: .customLong("external-image"), help: "The image the external rollout sets (default: the app's repository, tag hotfix-external).")
    var externalImage: String?

    func run() async throws {
        guard let chosen = Scenario(rawValue: scenario) else {
            throw HotfixError.usage("unknown scenario '\(Sanitize.inline(scenario))'", next: "use one of: \(Scenario.names)")
        }
        guard (0...65535).contains(port) else { throw HotfixError.usage("--port must be between 0 and 65535") }
        guard speed > 0 && speed <= 1000 else { throw HotfixError.usage("--speed must be more than 0 and at most 1000 (got \(speed))") }
        guard (1...500).contains(replicas) else { throw HotfixError.usage("--replicas must be between 1 and 500 (got \(replicas))") }
        guard (1...8).contains(containers) else { throw HotfixError.usage("--containers must be between 1 and 8 (got \(containers))") }
        if let rate, !(rate > 0 && rate <= 100_000) { throw HotfixError.usage("--rate must be more than 0 and at most 100000 lines a second (got \(rate))") }
        var after: Double?
        if let externalRollout {
            guard let s = Double(externalRollout) ?? Durations.parseSpan(externalRollout), s >= 0 else {
                throw HotfixError.usage("--external-rollout '\(Sanitize.inline(externalRollout))' is not a duration", next: "pass one like 30s or 2m")
            }
            after = s
        }
        if externalImage != nil, after == nil { throw HotfixError.usage("--external-image needs --external-rollout AFTER") }
        var timing = SimTiming()
        timing.podLinesPerSecond = rate
        let sim: SimCluster
        do {
            sim = try await SimCluster.start(scenario: chosen, port: port, speed: speed, replicas: replicas, containers: containers, timing: timing)
        } catch {
            throw HotfixError.environment("cannot start the simulated cluster: \(error.description)",
                                          next: "pick another --port, or 0 for a free one")
        }
        let shownSpeed = speed.rounded() == speed ? String(Int(speed)) : String(speed)
        let repository = sim.baselineImage.split(separator: ":").first.map(String.init) ?? sim.baselineImage
        let external = externalImage ?? "\(repository):hotfix-external"
        if let after { sim.rollOut(image: external, after: after) }
        let externalLine = after.map { "external rollout: \(external) in \(Durations.words($0)) (as CI/CD would; hotfix watch judges it)\n" } ?? ""
        let banner = """
        simulated cluster: \(sim.url) (scenario \(chosen.rawValue), speed \(shownSpeed)x)
        kubeconfig: \(sim.kubeconfig)
        \(externalLine)deployment: \(sim.namespace)/\(sim.deployment), \(replicas) replicas, container \(sim.container)\(containers > 1 ? " and \(containers - 1) sidecar(s)" : ""), image \(sim.baselineImage)\(rate.map { ", about \(Int($0)) lines/s per pod" } ?? "")

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
