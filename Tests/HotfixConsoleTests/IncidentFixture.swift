import Foundation
import HotfixEngine
import HotfixScreen
@testable import HotfixConsole

/// A whole incident as journal events in memory, on a fixed clock: 10:00:00 UTC on 26 Nov 2026.
enum IncidentFixture {
    static let t0 = Date(timeIntervalSince1970: 1_795_687_200)
    static let id = try! IncidentID("001-api-500")
    static let sha = "3f2c9a1b7e44d0c2a9f1e6b3c8d7a5f4e3b2c1d0"

    /// When each phase starts, in seconds after t0 (ASSESS 4:12, BRANCH 0:48, FIX 27:03, TEST 12:40, DEPLOY 9:31, BACKPORT 6:05).
    static let entered: [Phase: Double] = [
        .assess: 0, .branch: 252, .fix: 300, .test: 1923, .deploy: 2683, .backport: 3254, .close: 3619,
    ]

    /// Everything that happens, in order.
    static var timeline: [(Double, EventBody)] {
        var t: [(Double, EventBody)] = [
            (0, .started(Started(id: id, title: "API returns 500 on /users endpoint", severity: .p0,
                                 detectedAt: t0 - 900, budgets: .workflow, issue: 42))),
            (60, .assessed(Assessment(broken: "GET /users/{id} returns 500 for users without a profile",
                                      impact: "all mobile clients; about 30% of /users traffic",
                                      hypothesis: "UserService.get_user dereferences the None that repo.find returns"))),
            (120, .noted(Note(text: "用户服务 alerts firing in the 東京 region 🔥"))),
            (252, .phaseChanged(PhaseChange(from: .assess, to: .branch))),
            (270, .git(GitRecord(step: .branch, target: "hotfix/001-api-500", outcome: .done, sha: sha))),
            (300, .phaseChanged(PhaseChange(from: .branch, to: .fix))),
            (420, .warning(Warning(source: .diff, message: "2 files changed (app/users.py, app/models.py): one file if possible"))),
            (1923, .phaseChanged(PhaseChange(from: .fix, to: .test))),
            (2300, .commandRan(CommandRun(phase: .test, step: .smoke, argv: ["python3", "-m", "pytest", "-q", "tests/test_users.py"],
                                          exitCode: 0, seconds: 3.2, passed: 12, failed: 0))),
            (2310, .checked(Check(item: .testsPass, status: .passed, evidence: "12 passed, 0 failed (pytest -q) on 3f2c9a1", source: .auto))),
            (2320, .checked(Check(item: .typeHints, status: .failed, evidence: "mypy: 2 errors in app/users.py", source: .auto))),
            (2330, .checked(Check(item: .noNewDeps, status: .passed, evidence: "requirements.txt unchanged", source: .auto))),
            (2400, .checked(Check(item: .loggingAdded, status: .waived,
                                  reason: "the error path already logs at WARN; no new log line needed"))),
        ]
        t += [
            (2600, .checked(Check(item: .typeHints, status: .passed, evidence: "mypy: no errors in app/users.py", source: .auto))),
            (2650, .checked(Check(item: .rollbackPlan, status: .passed))),
            (2683, .phaseChanged(PhaseChange(from: .test, to: .deploy))),
            (2750, .deploy(DeployRecord(.build, .done, image: "registry.local/api:hotfix-001-api-500"))),
            (2790, .deploy(DeployRecord(.push, .done, image: "registry.local/api:hotfix-001-api-500"))),
            (2800, .deploy(DeployRecord(.setImage, .done, revision: 8))),
            (2860, .deploy(DeployRecord(.rollout, .done, revision: 8))),
            (3180, .verdict(VerdictRecord(outcome: .pass, reasons: ["the incident's error fell from 6.1% to 0.4% (p < 0.001)"], windowSeconds: 300))),
            (3254, .phaseChanged(PhaseChange(from: .deploy, to: .backport))),
            (3300, .git(GitRecord(step: .backport, target: "develop", outcome: .merged, sha: "9a8b7c6d5e4f3a2b1c0d"))),
            (3320, .git(GitRecord(step: .backport, target: "feature/search", outcome: .upToDate))),
            (3340, .git(GitRecord(step: .backport, target: "feature/billing", outcome: .conflict, files: ["app/users.py"]))),
            (3600, .git(GitRecord(step: .backport, target: "feature/billing", outcome: .merged, sha: "1c2d3e4f5a6b7c8d9e0f"))),
            (3619, .phaseChanged(PhaseChange(from: .backport, to: .close))),
            (3660, .git(GitRecord(step: .mergeMain, target: "main", outcome: .done, sha: "7e6d5c4b3a2918f7e6d5"))),
            (3670, .git(GitRecord(step: .tag, target: "hotfix-001-api-500", outcome: .done, sha: "7e6d5c4b3a2918f7e6d5"))),
        ]
        return t
    }

    /// The journal up to `seconds` after t0.
    static func events(until seconds: Double) -> [Event] {
        timeline.filter { $0.0 <= seconds }.enumerated().map { i, e in
            Event(seq: i + 1, at: t0 + e.0, body: e.1)
        }
    }

    /// A console at `seconds` after t0, viewing the active phase.
    static func model(at seconds: Double, size: Size) -> ConsoleModel {
        ConsoleModel(events: events(until: seconds), now: t0 + seconds, size: size, timeZone: TimeZone(identifier: "UTC")!)!
    }

    /// A console with the journal as it was at `events` seconds, seen at `now` seconds (time has run on).
    static func model(events seconds: Double, now: Double, size: Size) -> ConsoleModel {
        ConsoleModel(events: events(until: seconds), now: t0 + now, size: size, timeZone: TimeZone(identifier: "UTC")!)!
    }

    /// A console in `phase`, a little after it began (or well into it), on a repository at
    /// /srv/users-api; in FIX, the branch as the console reads it: the fix committed, a helper
    /// file added and not committed yet.
    static func model(in phase: Phase, size: Size) -> ConsoleModel {
        let into: [Phase: Double] = [.assess: 192, .branch: 30, .fix: 1400, .test: 500, .deploy: 540, .backport: 350, .close: 75]
        var model = model(at: entered[phase]! + into[phase]!, size: size)
        model.repository = "/srv/users-api"
        model.editor = "vim ($EDITOR)"
        if phase == .fix { _ = model.update(.fix(fixRead)) }
        return model
    }

    /// What the FIX watch reads at 10:28:20: one commit, a second file not committed yet.
    static let fixRead = FixProgress(
        branch: "hotfix/001-api-500", main: "main", commits: ["3f2c9a1 Fix: handle None from repo.find"], uncommitted: ["app/models.py"],
        checkedOut: "hotfix/001-api-500",
        changes: DiffReview(base: sha, files: [FileChange(path: "app/users.py", status: .modified, added: 4, removed: 1),
                                               FileChange(path: "app/models.py", status: .modified, added: 2, removed: 0)]))
}

extension IncidentFixture {
    /// Pod logs for the monitoring window: three old pods with the incident's 500s before the
    /// rollout at `deployAt`, two new pods after it with the error gone; one line every `step` s.
    static func monitorInputs(from: Double, deployAt: Double, until: Double, step: Double = 2) -> [MonitorInput] {
        var out: [MonitorInput] = []
        var i = 0
        var t = from
        while t < until {
            let at = t0 + t
            let stamp = Durations.iso(at)
            let user = 100 + i % 37
            if t < deployAt {
                let pod = ["api-6f7c9-q8w2e", "api-6f7c9-z4r5t", "api-6f7c9-m1n2b"][i % 3]
                let failing = i % 16 == 0
                let text = failing
                    ? "ERROR GET /users/\(user) 500 31ms TypeError: 'NoneType' object is not subscriptable"
                    : "INFO GET /users/\(user) 200 \(12 + i % 9)ms"
                out.append(.line("[pod/\(pod)/api] \(stamp) \(text)", .baseline, at: at.timeIntervalSince1970))
            } else {
                if out.allSatisfy({ if case .deployStarted = $0 { false } else { true } }) {
                    out.append(.deployStarted(at: (t0 + deployAt).timeIntervalSince1970))
                }
                let pod = ["api-7d9f8-x1k2p", "api-7d9f8-c3v4b"][i % 2]
                out.append(.line("[pod/\(pod)/api] \(stamp) INFO GET /users/\(user) \(i % 29 == 0 ? 404 : 200) \(11 + i % 7)ms", .hotfix,
                                 at: at.timeIntervalSince1970))
            }
            i += 1
            t += step
        }
        return out
    }
}
