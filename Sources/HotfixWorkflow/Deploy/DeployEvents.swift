import Foundation
import HotfixEngine
import HotfixLogs
import HotfixRuntime

/// What DEPLOY reports while it runs: for the CLI's printout and the console's log and pane.
public enum DeployEvent: Sendable {
    /// A step begins: its title and the command it runs, shown before it runs.
    case step(String, command: [String]?)
    /// A line of a command's output.
    case output(StreamedLine)
    /// The monitoring window: the model as it stands, at `now` (seconds since 1970).
    case monitor(MonitorModel, now: Double)
    /// Something a person should know (a dropped log stream, a restarted watch).
    case notice(String)
    /// Waiting for a rollout hotfix does not make itself: what for, since when, what was seen.
    case waiting(RolloutWait)

    init(_ p: DeployProgress) {
        switch p {
        case .step(let title, let command): self = .step(title, command: command)
        case .output(let line): self = .output(StreamedLine(text: line.text, isError: line.stream == .stderr))
        case .monitor(let model, let now): self = .monitor(model, now: now)
        case .notice(let text): self = .notice(text)
        case .waiting(let wait): self = .waiting(wait)
        }
    }
}

/// Ends a running deploy's monitoring window early, from another task (the console's `r`, or a
/// rollback made elsewhere). The first request wins.
public struct WindowControl: Sendable {
    let stopper = WindowStopper()

    public init() {}

    public func stop(_ why: WindowStop) { stopper.stop(why) }
    public var requested: WindowStop? { stopper.requested }
}

/// How a deploy ended: its verdict (journaled), whether its window was stopped and why, and what
/// comes next.
public struct DeployOutcome: Sendable {
    public var verdict: Verdict
    /// The window was ended early: by the operator's rollback, or a rollback made elsewhere.
    public var stopped: WindowStop?
    /// A FAIL rolls back by itself (`deploy.auto_rollback`).
    public var autoRollback: Bool
    /// The attempt this deploy was.
    public var attempt: Int
    /// The latest rollback, when one was made.
    public var rollback: RollbackRecord?
    /// A rollout was judged (false when none came within `deploy.wait`, or the wait was stopped).
    public var rolledOut: Bool
    /// How this deploy is rolled back.
    public var rollbackWay: RollbackWay
}
