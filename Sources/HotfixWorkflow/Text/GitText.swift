import Foundation
import HotfixEngine
import HotfixRuntime

/// The words of the git steps' results: what `hotfix branch|diff|backport|finish` print, and what
/// the console puts in its log for the same steps.
public enum GitText {
    public static func short(_ sha: String?) -> String { sha.map { String($0.prefix(10)) } ?? "" }

    /// A run's steps: a grid of targets and the later steps, and in a dry run every command.
    public static func run(_ run: FinishRun, dryRun: Bool) -> [String] {
        var out: [String] = []
        for report in run.reports {
            if dryRun {
                for argv in report.commands { out.append("  $ " + shellWords(argv)) }
            }
            guard let r = report.record else { continue }
            let what = r.target.map { "\(r.step) \($0)" } ?? r.step.name
            var line = "\(what.padding(toLength: max(what.count, 28), withPad: " ", startingAt: 0))  \(r.outcome)"
            if let sha = r.sha, !sha.hasPrefix("<") { line += "  \(short(sha))" }
            if let files = r.files, !files.isEmpty { line += "  files: \(files.joined(separator: ", "))" }
            if let detail = r.detail, r.outcome != .merged || dryRun { line += "  (\(detail))" }
            out.append(Sanitize.inline(line))
        }
        return out
    }

    /// An argv as a person would type it (quoted where needed), for dry runs.
    public static func shellWords(_ argv: [String]) -> String {
        argv.map { word in
            let safe = word.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || "-_./:=@^{}<>,+".unicodeScalars.contains($0) }
            return safe && !word.isEmpty ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
        }.map(Sanitize.inline).joined(separator: " ")
    }

    public static func branch(_ o: BranchOutcome) -> [String] {
        let r = o.result
        if o.dryRun { return ["Dry run: nothing was changed. The commands, in order:"] + r.commands.map { "  $ " + shellWords($0) } }
        let made = r.alreadyCreated
            ? "\(r.branch) already exists from this incident (at \(short(r.base))); checked out."
            : "Created \(r.branch) from \(o.main) at \(short(r.base)) and checked it out."
        return [made]
    }

    /// `backport` and `finish`: the skip, the plan or the steps, then what was done.
    public static func steps(_ o: GitRunOutcome) -> [String] {
        var out: [String] = []
        if let s = o.skipped, !o.dryRun { out.append("\(s.branch): skipped (\(Sanitize.inline(s.reason))).") }
        if o.dryRun { out.append("Dry run: nothing was changed. The plan, in order:") }
        return out + run(o.run, dryRun: o.dryRun)
    }

    /// The line after a backport that went through.
    public static let nothingPushed = "Nothing pushed yet: hotfix finish pushes the backported branches with main and the tag."

    /// The line after a finish that went through.
    public static func finished(_ o: GitRunOutcome) -> String {
        guard let remote = o.pushedTo else { return "Merged and tagged \(o.tag) locally; nothing pushed (--no-push)." }
        return "Finished: \(o.tag) on \(short(o.run.facts.mainMerge ?? o.run.facts.tagCommit)), pushed to \(remote)."
    }

    /// `commit`: the files and the commands (all of it in a dry run), then the commit made.
    public static func commit(_ o: CommitOutcome) -> [String] {
        let p = o.plan
        var out = [o.dryRun ? "Dry run: nothing was changed. On \(p.branch), \(count(p.entries.count, "file")) to commit:"
                            : "On \(p.branch), \(count(p.entries.count, "file")):"]
        for e in p.entries { out.append(Sanitize.inline("  \(e.words.padding(toLength: max(9, e.words.count), withPad: " ", startingAt: 0))  \(e.path)")) }
        out += p.commands.map { "  $ " + shellWords($0) }
        if let sha = o.sha { out.append("Committed \(short(sha)) on \(p.branch): \(Sanitize.inline(p.message))") }
        return out
    }

    /// `3 files`, `1 file`.
    public static func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }

    /// The FIX watch's review.
    public static func diff(_ review: DiffReview, branch: String, main: String) -> [String] {
        var out = ["\(branch) against \(main) (from \(short(review.base))): \(review.files.count) file\(review.files.count == 1 ? "" : "s"), +\(review.added) −\(review.removed)"]
        for f in review.files {
            let counts = f.added.map { "+\($0) −\(f.removed ?? 0)" } ?? "binary"
            out.append(Sanitize.inline("  \(f.status.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)) \(counts.padding(toLength: 12, withPad: " ", startingAt: 0)) \(f.path)"))
        }
        if !review.functions.isEmpty { out.append("Functions changed (the type-hints item judges these):") }
        for f in review.functions {
            out.append(Sanitize.inline("  \(f.path):\(f.line) \(f.name)() — \(f.isAnnotated ? "annotated" : f.gaps)"))
        }
        if review.warnings.isEmpty { out.append("Minimal: no rule broken.") }
        for w in review.warnings { out.append(Sanitize.inline("warning: \(w.message) — rule: \(w.rule)")) }
        return out
    }
}
