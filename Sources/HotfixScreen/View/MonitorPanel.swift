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
    /// New error templates and pods on each side.
    public var templates: String
    public var templatesRole: Role
    /// The verdict's first reason.
    public var reason: String?
    /// The newest pod lines.
    public var lines: [Line]

    public struct Line: Equatable, Sendable {
        /// The pod's last characters, or the side when the line had no pod.
        public var pod: String
        public var time: Date
        public var text: String
        public var role: Role

        public init(pod: String, time: Date, text: String, role: Role) {
            self.pod = pod; self.time = time; self.text = text; self.role = role
        }
    }

    public init(window: String, verdict: String, verdictRole: Role, errors: String, p99: String, templates: String,
                templatesRole: Role, reason: String?, lines: [Line]) {
        self.window = window; self.verdict = verdict; self.verdictRole = verdictRole; self.errors = errors; self.p99 = p99
        self.templates = templates; self.templatesRole = templatesRole; self.reason = reason; self.lines = lines
    }
}
