import Foundation

/// The workflow's post-mortem template (section 10), pre-filled from the record.
public enum Postmortem {
    public static func markdown(_ f: CloseFacts, events: [Event]) -> String {
        let s = f.state
        var out: [String] = []
        func line(_ text: String = "") { out.append(text) }
        line("# Post-Mortem: HOTFIX-\(s.id.rawValue.uppercased())")
        line()
        line("## Summary")
        line("- **Issue:** \(MD.cell(s.assessment.broken ?? s.title))")
        let stable = s.verifiedAt
        let duration = (stable ?? s.closedAt ?? f.now).timeIntervalSince(s.detectedAt)
        let impact = s.assessment.impact.map(MD.cell) ?? "_who was affected? (not recorded in ASSESS)_"
        line("- **Impact:** \(impact); \(Durations.words(duration)) from detection to \(stable != nil ? "verified stable" : "now (not yet verified stable)")")
        let hypothesis = s.assessment.hypothesis.map { "\(MD.cell($0)) _(hypothesis at ASSESS — confirm or correct)_" }
            ?? "_why it broke (no hypothesis was recorded)_"
        line("- **Root Cause:** \(hypothesis)")
        line("- **Resolution:** \(resolution(f))")
        if let plan = Report.rollbackPlanText(s) { line("- **Rollback plan** " + plan) }
        line()

        line("## Timeline")
        line("- \(Durations.hhmm(s.detectedAt)) Issue detected")
        line("- \(Durations.hhmm(s.startedAt)) Hotfix started")
        if s.attempts.count > 1 {
            for a in s.attempts { line("- \(Durations.hhmm(a.startedAt)) \(CloseFacts.attemptSummary(a))") }
        }
        line("- " + (s.deployedAt.map { "\(Durations.hhmm($0)) Fix deployed" } ?? "–– Fix deployed: not recorded"))
        line("- " + (stable.map { "\(Durations.hhmm($0)) Verified stable" } ?? "–– Verified stable: not recorded"))
        line()
        line("### Phases")
        line("| Phase | Started | Used | Budget | |")
        line("|-------|---------|------|--------|---|")
        let timing = Timing(s, now: f.now)
        for p in timing.phases {
            let started = f.firstPhaseStart(p.phase).map { Durations.hhmm($0) } ?? "–"
            let used = p.used.map(Durations.clock) ?? "–"
            let flag = p.used == nil ? "" : p.pace == .overrun ? "**DEVIATION: overrun**" : p.pace == .pastTarget ? "past target" : ""
            line("| \(p.phase.title) | \(started) | \(used) | \(p.budget.minutesLabel) min | \(flag) |")
        }
        let deviations = f.deviations
        if !deviations.isEmpty {
            line()
            line("### Deviations")
            for d in deviations { line("- \(Durations.hhmm(d.at)) **DEVIATION:** \(MD.cell(d.text))") }
        }
        line()
        line("### Full record")
        for e in Timeline.entries(events) {
            line("- \(Durations.hhmm(e.at)) \(MD.cell(e.summary))")
        }
        line()

        line("## Root Cause Analysis")
        line("Five whys, seeded from the record; replace the blanks with what you found.")
        line()
        line("1. Why did users see the failure? \(MD.cell(s.assessment.broken ?? s.title))")
        line("2. Why did that happen? \(s.assessment.hypothesis.map(MD.cell) ?? "_…_")")
        line("3. Why was that possible? _…_")
        line("4. Why was it not caught before production? _…_")
        line("5. Why did our process allow it? _…_")
        if let c = s.changes, !c.commits.isEmpty {
            line()
            line("Fix commit\(c.commits.count == 1 ? "" : "s"): " + c.commits.map { "`\(MD.cell($0))`" }.joined(separator: ", "))
        }
        line()

        line("## Action Items")
        line("- [ ] Add test for this case")
        line("- [ ] Improve monitoring")
        line("- [ ] Update documentation")
        for item in extraActions(f) { line("- [ ] \(MD.cell(item))") }
        line()

        line("## Lessons Learned")
        if deviations.isEmpty {
            line("_The incident went by the book: no overrides, no overruns. What can we do better?_")
        } else {
            line("_What can we do better? Start from the deviations above:_")
            for d in deviations { line("- \(MD.cell(d.text))") }
        }
        return out.joined(separator: "\n") + "\n"
    }

    static func resolution(_ f: CloseFacts) -> String {
        let s = f.state
        var parts: [String] = []
        if let c = s.changes, !c.files.isEmpty {
            let files = c.files.map { "`\(MD.cell($0.path))` (+\($0.added) −\($0.removed))" }.joined(separator: ", ")
            parts.append("changed \(files)")
        }
        if let tag = s.tag { parts.append("tagged `\(MD.cell(tag.name))`") }
        if let v = s.verdict {
            parts.append("monitoring verdict \(v.outcome)" + (s.attempts.count > 1 ? " on attempt \(s.attempts.count) of \(s.attempts.count)" : ""))
        }
        return parts.isEmpty ? "_what fixed it (no change recorded)_" : parts.joined(separator: "; ")
    }

    /// One action item per warning the incident raised (deduplicated), plus one per unresolved backport.
    public static func extraActions(_ f: CloseFacts) -> [String] {
        var seen = Set<String>()
        var out: [String] = []
        for (_, w) in f.state.warnings {
            let text = "Follow up on \(w.source) warning: \(w.message)"
            if seen.insert(text).inserted { out.append(text) }
        }
        for b in f.backports where b.outcome == .conflict {
            out.append("Merge the fix into \(b.branch) (conflict in \(b.files.joined(separator: ", ")))")
        }
        return out
    }

    /// The action items as (title, body) pairs for `hotfix postmortem --file-actions`.
    public static func actionIssues(_ f: CloseFacts) -> [(title: String, body: String)] {
        let base = ["Add test for this case", "Improve monitoring", "Update documentation"] + extraActions(f)
        return base.map { item in
            ("[hotfix-\(f.state.id)] \(item)",
             "Action item from the post-mortem of HOTFIX-\(f.state.id.rawValue.uppercased()): \(f.state.title)")
        }
    }
}
