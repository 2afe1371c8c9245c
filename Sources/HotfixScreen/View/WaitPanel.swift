import Foundation
import HotfixEngine

/// DEPLOY waiting for a rollout it does not make itself, as the DEPLOY pane shows it: what it
/// waits for, elapsed and remaining, what was seen. Words and roles only, derived by the controller.
public struct WaitPanel: Equatable, Sendable {
    /// `Waiting for the rollout · 2:13 of 15:00`, `Rollout seen after 0:42 · …`, `No rollout in 15 min`.
    public var title: String
    public var titleRole: Role
    /// `12:47 left`, or empty once the wait is over.
    public var right: String
    /// What it waits for, how the rollout comes, what still runs, what was ignored.
    public var lines: [Line]

    public struct Line: Equatable, Sendable {
        public var text: String
        public var role: Role
        public init(_ text: String, _ role: Role = .normal) { self.text = text; self.role = role }
    }

    public init(title: String, titleRole: Role, right: String, lines: [Line]) {
        self.title = title; self.titleRole = titleRole; self.right = right; self.lines = lines
    }
}

/// How this repository's deploy rolls out and rolls back, in words for the DEPLOY pane's hints
/// (the defaults are set image and kubectl rollout undo).
public struct DeployWords: Equatable, Sendable {
    /// `build, push, set image, roll out, monitor`, or `wait for the rollout made elsewhere, monitor`.
    public var steps: String
    /// `shows kubectl rollout undo, then y/n`, `shows helm rollback, then y/n`, `shows the GitOps revert to make`.
    public var rollback: String
    /// The steps a deploy makes here before its verdict (`DeployPlan.listedSteps`): build and push
    /// only when configured; set image, or the rollout command and its ReplicaSet, or only the
    /// ReplicaSet of a rollout made elsewhere; the rollout.
    public var listed: [DeployPlan.Kind]

    public init(steps: String = "build, push, set image, roll out, monitor", rollback: String = "shows kubectl rollout undo, then y/n",
                listed: [DeployPlan.Kind] = [.build, .push, .setImage, .rollout]) {
        self.steps = steps; self.rollback = rollback; self.listed = listed
    }

    /// The DEPLOY pane's first line: `Checklist, build, push, roll out, monitor 5 min`, without
    /// the steps that are not configured.
    public func purpose(monitorWindow: Double) -> String {
        let made = [listed.contains(.build) ? "build" : nil, listed.contains(.push) ? "push" : nil].compactMap { $0 }
        return (["Checklist"] + made + ["roll out", "monitor \(Durations.words(monitorWindow))"]).joined(separator: ", ")
    }
}
