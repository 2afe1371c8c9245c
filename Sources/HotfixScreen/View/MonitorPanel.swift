import Foundation

/// The monitoring window as the DEPLOY pane shows it: words and roles only. The controller
/// derives it from the window's model once per update (`ConsoleModel.monitorPanel`); drawing it
/// judges nothing.
public struct MonitorPanel: Equatable, Sendable {
    /// Where the window stands: `3:00 left`, `warm-up, 0:12 left`, `window over`, `stopped at 0:40`.
    public var window: String
    /// `verdict: PASS so far`, or the final one.
    public var verdict: String
    public var verdictRole: Role
    /// The new pods' error rate against the baseline's, with a sparkline.
    public var errors: String
    /// p99 against the baseline's.
    public var p99: String
    /// `new error templates: none`, or how many.
    public var newTemplates: String
    /// The pods on each side that gave lines: `pods 3 new, 3 old`.
    public var pods: String
    public var templatesRole: Role
    /// The verdict's first reason.
    public var reason: String?

    /// New error templates and pods on each side, on one line.
    public var templates: String { newTemplates + "   " + pods }

    public init(window: String, verdict: String, verdictRole: Role, errors: String, p99: String, newTemplates: String, pods: String,
                templatesRole: Role, reason: String?) {
        self.window = window; self.verdict = verdict; self.verdictRole = verdictRole; self.errors = errors; self.p99 = p99
        self.newTemplates = newTemplates; self.pods = pods; self.templatesRole = templatesRole; self.reason = reason
    }
}
