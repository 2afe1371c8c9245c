/// How the hotfix image behaves in the simulated cluster. The baseline image always shows the incident.
public enum Scenario: String, Sendable, CaseIterable {
    /// The incident's error disappears on the hotfix image.
    case fixWorks = "fix-works"
    /// The hotfix image behaves exactly like the baseline.
    case noEffect = "no-effect"
    /// The incident's error disappears but a different exception appears.
    case newError = "new-error"
    /// Hotfix pods crash a few seconds after start and restart with a growing back-off.
    case crashloop
    /// Hotfix pods serve almost no traffic.
    case noTraffic = "no-traffic"
    /// The fix works, but every log connection is cut every few seconds (and pod watches end).
    case streamDrops = "stream-drops"
    /// The fix works, but latency regresses.
    case slow

    public static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

/// Durations of the simulated world in simulated seconds; `speed` divides them into real ones.
public struct SimTiming: Sendable {
    /// Requests per second per pod (simulated time: `speed` multiplies it).
    public var requestRate = 8.0
    /// When set: about this many lines a second from each pod, all its containers together,
    /// in real time whatever the speed (`hotfix sim --rate`).
    public var podLinesPerSecond: Double?
    /// From pod creation to the container running.
    public var startDelay = 2.0
    /// From running to ready.
    public var readyDelay = 3.0
    /// How long a deleted pod keeps terminating.
    public var terminationGrace = 2.0
    /// How long a crashlooping container runs before it dies.
    public var crashAfter = 4.0
    /// The first CrashLoopBackOff delay; doubles per restart up to 300 s.
    public var backoff = 10.0
    /// Real seconds between cuts of a log stream in `stream-drops` (not scaled: the cuts are about connections).
    public var dropEvery = 2.5
    /// Real seconds a pod watch lasts in `stream-drops`.
    public var watchDropEvery = 6.0
    /// Real seconds a followed log waits before it reads what the container wrote since (not
    /// scaled: an API server on a loaded machine reads later; tests make it slow on purpose).
    public var logPoll = 0.04
    /// Real seconds a followed log stays behind what the container wrote (a slow link to the API
    /// server, a loaded kubelet or machine): the monitoring window's end must wait for such lines.
    public var logLag = 0.0

    public init() {}
}
