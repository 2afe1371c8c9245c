import Foundation

/// The workflow's "Hotfix Complete" output (section 11), written from the record alone.
public enum Report {
    public static func markdown(_ f: CloseFacts) -> String {
        let s = f.state
        var out: [String] = []
        let complete = s.isClosed && f.timeToFix.verified
        let heading = s.isClosed ? (complete ? "✅ Hotfix Complete" : "⚠️ Hotfix Closed Unverified") : "⏳ Hotfix In Progress"
        out.append("## \(heading): \(s.id.rawValue.uppercased())")
        out.append("")
        out.append("**Issue:** \(MD.cell(s.title))" + (s.issue.map { " (#\($0))" } ?? ""))
        let ttf = f.timeToFix
        out.append("**Time to Fix:** \(MD.hoursMinutes(ttf.seconds))" + (ttf.verified ? "" : " (not verified stable yet)"))
        out.append("")

        out.append("### Changes")
        out.append("| File | Change |")
        out.append("|------|--------|")
        if let c = s.changes, !c.files.isEmpty {
            for file in c.files {
                let summary = file.summary.isEmpty ? "" : "\(MD.cell(file.summary)) "
                out.append("| `\(MD.cell(file.path))` | \(summary)(+\(file.added) −\(file.removed)) |")
            }
        } else {
            out.append("| – | no changes recorded |")
        }
        out.append("")

        out.append("### Deployed")
        out.append(deployedLine(f))
        if let plan = rollbackPlanText(s) { out.append("- ↩️ Rollback plan " + plan) }
        let backports = f.backports
        if let develop = backports.first(where: { $0.branch == f.developBranch }) {
            out.append(branchLine(develop, f))
        } else {
            out.append("- ❌ Backported to \(f.developBranch): not done")
        }
        let features = backports.filter { $0.branch != f.developBranch }
        if features.isEmpty {
            out.append("- ➖ Backported to feature branches: none recorded")
        } else {
            let allDone = features.allSatisfy { $0.outcome.isHandled }
            out.append("- \(allDone ? "✅" : "⚠️") Backported to feature branches")
            for b in features { out.append("  " + branchLine(b, f)) }
        }
        out.append("")

        if s.attempts.count > 1 {
            // Every deploy of the fix, in order (one attempt is the Deployed line above).
            out.append("### Attempts")
            for attempt in s.attempts {
                out.append("- " + CloseFacts.attemptSummary(attempt))
                for r in attempt.verdict?.record.reasons.prefix(3) ?? [] { out.append("  - \(MD.cell(r))") }
            }
            out.append("")
        }

        out.append("### Git")
        if let tag = s.tag {
            out.append("- Tag: `\(MD.cell(tag.name))`" + (tag.sha.map { " on \($0.prefix(10))" } ?? ""))
        } else {
            out.append("- Tag: `\(f.tagName)` (not created)")
        }
        out.append("- Branch: `\(f.hotfixBranch)` (\(f.branchDeleted ? "deleted" : "not deleted"))")
        out.append("")

        out.append("### Verification")
        let tests = f.testRuns
        if tests.isEmpty {
            out.append("- ❌ Smoke tests: no test run recorded")
        } else {
            for t in tests {
                var counts = ""
                if let p = t.passed { counts += "\(p) passed" }
                if let fl = t.failed, fl > 0 { counts += (counts.isEmpty ? "" : ", ") + "\(fl) failed" }
                let label = t.step == .smoke ? "Smoke tests" : t.step == .critical ? "Critical path tests" : "Test `\(MD.cell(t.step.name))`"
                let detail = "`\(MD.cell(t.argv.joined(separator: " ")))`" + (counts.isEmpty ? "" : ", \(counts)") + String(format: ", %.1f s", t.seconds)
                out.append("- \(t.exitCode == 0 ? "✅" : "❌") \(label) \(t.exitCode == 0 ? "passed" : "failed (exit \(t.exitCode))") (\(detail))")
            }
        }
        if let (at, v) = s.verdicts.last {
            _ = at
            let mark = v.outcome == .pass ? "✅" : v.outcome == .marginal ? "⚠️" : "❌"
            let of = s.attempts.count > 1 ? " (attempt \(s.attempts.count) of \(s.attempts.count))" : ""
            out.append("- \(mark) Production monitored \(Durations.words(v.windowSeconds)): verdict \(v.outcome)\(of)")
            for r in v.reasons { out.append("  - \(MD.cell(r))") }
            out.append(v.outcome == .pass ? "- ✅ Error rate normalized" : "- ❌ Error rate not shown normalized")
        } else if let o = s.overrides.first(where: { $0.override.rule == .monitoring }) {
            out.append("- ⚠️ Production not monitored by hotfix (override: \(MD.cell(o.override.reason)))")
        } else {
            out.append("- ❌ Production not monitored yet")
        }
        out.append("")

        let deviations = f.deviations
        if !deviations.isEmpty {
            out.append("### Deviations")
            for d in deviations { out.append("- \(Durations.hhmm(d.at)) \(MD.cell(d.text))") }
            out.append("")
        }

        out.append("### Next Steps")
        out.append("1. Full regression (async)")
        if s.postmortemDoneAt != nil {
            out.append("2. Post-mortem written")
        } else if let due = Timing(s, now: f.now).postmortemDue {
            out.append("2. Post-mortem within 24h (due \(Durations.iso(due).prefix(16).replacingOccurrences(of: "T", with: " ")) UTC)")
        } else {
            out.append("2. Post-mortem within 24h")
        }
        out.append("3. Add tests for this case")
        return out.joined(separator: "\n") + "\n"
    }

    static func deployedLine(_ f: CloseFacts) -> String {
        let s = f.state
        if let rollback = s.rollbacks.last, s.deployedAt.map({ rollback.at > $0 }) ?? true {
            return "- ❌ Production: rolled back \(rollback.record.target) at \(Durations.hhmm(rollback.at))"
        }
        if let at = s.deployedAt {
            let image = s.deploySteps.last { $0.record.image != nil }?.record.image
            return "- ✅ Production" + (image.map { " (`\(MD.cell($0))` at \(Durations.hhmm(at)))" } ?? " (at \(Durations.hhmm(at)))")
        }
        if let o = s.overrides.first(where: { [.monitoring, .checklist].contains($0.override.rule) && $0.override.action.contains("DEPLOY") }) {
            return "- ⚠️ Production: deployed outside hotfix (override: \(MD.cell(o.override.reason)))"
        }
        return "- ❌ Production: not deployed"
    }

    /// How the latest deploy would be undone, with the exact commands (recorded with its baseline):
    /// `(helm rollback): \`helm rollback app 3\`, then \`kubectl … rollout status …\``.
    static func rollbackPlanText(_ s: IncidentState) -> String? {
        guard let plan = s.latestAttempt?.rollbackPlan else { return nil }
        // A GitOps revert names the merge once CLOSE has made it (the hotfix's merge into main).
        let merge = s.gitSteps.last { $0.record.step == .mergeMain && $0.record.sha != nil }?.record.sha
        let commands = plan.commands.map { c in
            "`\(MD.cell(DeployPlan.filled(c, merge.map { ["merge": $0] } ?? [:]).map(DeployPlan.quoted).joined(separator: " ")))`"
        }.joined(separator: ", then ")
        let why = plan.way == .gitRevert ? " (\(MD.cell(DeployPlan.gitOpsNote)))" : ""
        return "(\(plan.way.words)): \(commands)\(why)"
    }

    static func branchLine(_ b: CloseFacts.BranchResult, _ f: CloseFacts) -> String {
        switch b.outcome {
        case .merged:
            if let at = b.resolvedAt {
                return "- ✅ Backported to \(b.branch): conflict (\(b.files.joined(separator: ", "))), resolved by hand at \(Durations.hhmm(at))"
            }
            return "- ✅ Backported to \(b.branch)"
        case .upToDate:
            return "- ✅ Backported to \(b.branch) (already up to date)"
        case .skipped:
            let reason = f.state.backports[b.branch]?.detail.map { ": \(MD.cell($0))" } ?? ""
            return "- ➖ \(b.branch): skipped\(reason)"
        case .conflict:
            return "- ❌ \(b.branch): conflict in \(b.files.joined(separator: ", ")), not resolved"
        default:
            return "- ❌ \(b.branch): \(b.outcome)"
        }
    }
}
