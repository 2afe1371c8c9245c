import Foundation
import HotfixEngine
import HotfixScreen

extension ConsoleModel {
    /// The deploy's own steps as the DEPLOY pane lists them now.
    public var deploySteps: [DeployStep] { DeployStep.derive(incident, listed: deployWords.listed) }

    /// What DEPLOY's keys offer now.
    public var deployNext: DeployNext { DeployNext.derive(incident) }
}

extension DeployStep {
    /// The attempt in play (the next one once `hotfix retry` went back to FIX): each step the
    /// configuration lists, with what the journal says of it. A step the attempt made that the
    /// configuration does not list (a deploy run with other settings, `hotfix watch`) is shown as
    /// made; build or push not configured is said to be so, never pending.
    static func derive(_ s: IncidentState, listed: [DeployPlan.Kind]) -> [DeployStep] {
        let current = s.latestAttempt.flatMap { $0.retriedAt == nil ? $0 : nil }
        // Build and push run before the baseline read that begins an attempt: theirs are the
        // commands since the previous attempt went back to FIX.
        let since = current == nil ? (s.latestAttempt?.retriedAt ?? .distantPast) : (s.attempts.dropLast().last?.retriedAt ?? .distantPast)
        var latest: [DeployPlan.Kind: DeployRecord] = [:]
        for d in current?.steps ?? [] { latest[d.record.step] = d.record }
        func run(_ kind: DeployPlan.Kind) -> CommandRun? {
            let command = CommandStep(kind)
            return s.commands.last { $0.run.phase == .deploy && $0.run.step == command && $0.at >= since }?.run
        }
        func step(_ kind: DeployPlan.Kind) -> DeployStep {
            if let d = latest[kind] {
                let state: State = d.outcome == .failed ? .failed : (d.outcome == .done ? .done : .warning)
                return DeployStep(kind: kind, state: state,
                                  detail: [d.outcome.name, d.image, d.revision.map { "rev \($0)" }].compactMap { $0 }.joined(separator: " · "))
            }
            if let r = run(kind) {
                return DeployStep(kind: kind, state: r.exitCode == 0 ? .done : .failed,
                                  detail: r.exitCode == 0 ? "done" : "failed · exit \(r.exitCode)")
            }
            if kind == .build || kind == .push, !listed.contains(kind) { return DeployStep(kind: kind, state: .notConfigured(key: "deploy.\(kind.name)")) }
            return DeployStep(kind: kind, state: .pending)
        }
        // How the rollout is made: as configured, unless this attempt made it another way.
        let ways: Set<DeployPlan.Kind> = [.setImage, .rolloutCommand, .newReplicaSet]
        let configured = listed.filter(ways.contains)
        let made = [DeployPlan.Kind.setImage, .rolloutCommand, .newReplicaSet].filter { latest[$0] != nil }
        let way = made.allSatisfy(configured.contains) ? configured : made
        return ([.build, .push] + way + [.rollout]).map(step)
    }
}

extension DeployNext {
    /// The engine's rule after a verdict (`AfterVerdict`, which `hotfix deploy` and `hotfix status`
    /// read too) as DEPLOY's keys: nothing judged (or back from FIX) deploys; a judged attempt
    /// offers only what follows its verdict, and enter deploys it again only when the rule allows
    /// (it rolled nothing out, or it passed and was rolled back).
    static func derive(_ s: IncidentState) -> DeployNext {
        guard let rule = AfterVerdict.of(s) else { return .beforeVerdict }
        let n = rule.attempt, verdict = rule.verdict.rawValue
        let advance: Advance = switch rule.advance {
        case .refused: .refused
        case .moves: .moves
        case .withReason: .withReason
        }
        let enter: Enter = rule.deployAgain ? .again(attempt: n + 1) : .judged
        // Said on the 80-column status row: each fits in 78 columns.
        let back = "b goes back to FIX for attempt \(n + 1)"
        let words = switch rule.standing {
        case .nothingRolledOut: "attempt \(n) rolled nothing out (\(verdict)): enter deploys again as attempt \(n + 1), b goes back to FIX"
        case .passedRolledBack: "attempt \(n) passed, then was rolled back: enter deploys again, b back to FIX"
        case .passed: "attempt \(n) passed (PASS): \(s.phase == .deploy ? "n moves on to BACKPORT" : "DEPLOY is done"); enter does not deploy again"
        case .rolledBack: "attempt \(n) (\(verdict)) is rolled back: \(back)"
        case .failed: "attempt \(n) FAIL: r rolls back, \(back) (no redeploy)"
        case .doubtful: "attempt \(n) \(verdict): r rolls back, b back to FIX, n with a reason"
        }
        return DeployNext(enter: enter, rollback: rule.rollback, retry: rule.retry, advance: advance, attempt: n, outcome: verdict, words: words)
    }
}
