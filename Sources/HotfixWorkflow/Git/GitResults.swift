import Foundation
import HotfixEngine
import HotfixRuntime

/// What `branch` did (or in a dry run would do), and the move to FIX when it made one.
public struct BranchOutcome: Sendable {
    public var result: BranchResult
    public var dryRun: Bool
    public var main: String
    public var moved: PhaseMove?
}

/// What `backport` or `finish` did: every step's report (the plan, in a dry run), where it stopped,
/// and the move on when every target is handled.
public struct GitRunOutcome: Sendable {
    public var run: FinishRun
    public var dryRun: Bool
    /// Why the run stopped or was refused (a conflict left open, a guardrail); the front end reports
    /// the run first, then this.
    public var failure: HotfixError?
    /// A target skipped by this call, with its reason.
    public var skipped: (branch: String, reason: String)?
    /// `finish`: the tag made, and where it was pushed (nil with --no-push).
    public var tag: String
    public var pushedTo: String?
    public var moved: PhaseMove?
}
