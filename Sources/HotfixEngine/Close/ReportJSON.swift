import Foundation

/// `hotfix report --format json`: the same facts as the Markdown report, for scripts.
public struct ReportJSON: Codable, Sendable {
    public struct Backport: Codable, Sendable {
        public var branch: String
        public var outcome: GitOutcome
        public var files: [String]
        public var resolvedAt: Date?
    }
    public struct Test: Codable, Sendable {
        public var step: CommandStep
        public var argv: [String]
        public var exitCode: Int32
        public var passed: Int?
        public var failed: Int?
        public var seconds: Double
    }
    public struct Deviation: Codable, Sendable {
        public var at: Date
        public var text: String
    }

    public var schema = 1
    public var id: IncidentID
    public var title: String
    public var issue: Int?
    public var closed: Bool
    public var verified: Bool
    public var timeToFixSeconds: Double
    public var changes: ChangeSet?
    public var deployedAt: Date?
    public var backports: [Backport]
    public var tag: String?
    public var tagSha: String?
    public var branch: String
    public var branchDeleted: Bool
    public var tests: [Test]
    public var verdict: VerdictRecord?
    /// Every deploy of the fix, in order (as `hotfix status --json` lists them).
    public var attempts: [StatusReport.AttemptRow]
    public var deviations: [Deviation]
    public var postmortemDue: Date?
    public var postmortemWritten: Bool

    public init(_ f: CloseFacts) {
        let s = f.state
        id = s.id
        title = s.title
        issue = s.issue
        closed = s.isClosed
        verified = f.timeToFix.verified
        timeToFixSeconds = f.timeToFix.seconds
        changes = s.changes
        deployedAt = s.deployedAt
        backports = f.backports.map { Backport(branch: $0.branch, outcome: $0.outcome, files: $0.files, resolvedAt: $0.resolvedAt) }
        tag = s.tag?.name
        tagSha = s.tag?.sha
        branch = f.hotfixBranch
        branchDeleted = f.branchDeleted
        tests = f.testRuns.map { Test(step: $0.step, argv: $0.argv, exitCode: $0.exitCode, passed: $0.passed, failed: $0.failed, seconds: $0.seconds) }
        verdict = s.verdict
        attempts = s.attempts.map(StatusReport.row)
        deviations = f.deviations.map { Deviation(at: $0.at, text: $0.text) }
        postmortemDue = Timing(s, now: f.now).postmortemDue
        postmortemWritten = s.postmortemDoneAt != nil
    }
}
