import Foundation
import HotfixEngine
import HotfixRuntime
#if canImport(Glibc)
import Glibc
#endif

/// What the git commands share: settings from config, journaling of commands and steps,
/// the phase check and the phase advance.
struct GitContext: Sendable {
    let session: Session
    let id: IncidentID
    let state: IncidentState
    let settings: GitSettings
    let dryRun: Bool

    static func open(_ options: IncidentOptions, dryRun: Bool) async throws(HotfixError) -> GitContext {
        let session = try await Session.open()
        let (state, _) = try session.loadSelected(options)
        let settings = GitContext.settings(session.config.git)
        try settings.validate()
        return GitContext(session: session, id: state.id, state: state, settings: settings, dryRun: dryRun)
    }

    /// The config's git section as the flow's settings; an empty remote or develop means none.
    static func settings(_ git: HotfixConfig.Git) -> GitSettings {
        GitSettings(remote: git.remote.isEmpty ? nil : git.remote, main: git.main,
                    develop: git.develop.isEmpty ? nil : git.develop, branch: git.branch, tag: git.tag,
                    backport: git.backport)
    }

    var directory: String { session.repository.root }

    /// Events waiting for the next write: see `observer()`.
    let pending = Pending()

    /// Appends events (and any pending ones) to the incident's journal in one locked, fsynced write.
    /// Never in a dry run.
    func record(_ bodies: [EventBody]) throws(HotfixError) {
        guard !dryRun else { return }
        let all = pending.take() + bodies
        guard !all.isEmpty else { return }
        _ = try session.record(all, on: id)
    }

    /// Writes whatever is still pending (at the end of a command, or before reporting an error).
    func flush() throws(HotfixError) { try record([]) }

    /// Runs git work and writes what it left pending, also when it fails.
    func journaled<T>(_ work: () async throws(HotfixError) -> T) async throws(HotfixError) -> T {
        do {
            let run = try await work()
            try flush()
            return run
        } catch {
            try? flush()
            throw error
        }
    }

    /// Prints a run (the plan with every command in a dry run) and throws where it stopped.
    func show(_ run: FinishRun, json: Bool) throws(HotfixError) {
        if json {
            try Output.json(GitRunJSON(run, id: id, dryRun: dryRun))
        } else {
            if dryRun { print("Dry run: nothing was changed. The plan, in order:") }
            GitText.printRun(run, dryRun: dryRun)
        }
        if let stopped = run.stopped { throw stopped }
    }

    /// Journals every git command that changed the repository, with its exit status and SHA.
    /// `HOTFIX_DEBUG_KILL_AFTER_GIT=N` makes the process SIGKILL itself right after the N-th one
    /// (the crash tests use it to stop at every step).
    func observer() -> GitClient.Observer {
        let phase = state.phase
        let killAfter = Int(session.environment["HOTFIX_DEBUG_KILL_AFTER_GIT"] ?? "")
        let counter = Counter()
        return { rec throws(HotfixError) in
            let r = rec.result
            let body = EventBody.commandRan(CommandRun(phase: phase, step: rec.step, argv: r.argv, exitCode: r.exitCode,
                                                       seconds: r.seconds, outputTail: r.succeeded ? nil : r.tail(6),
                                                       commit: rec.sha))
            // The commands of a merge (merge-tree, commit-tree, update-ref) are written together with
            // the step's result, one journal write per branch; any other command is on disk before the
            // next one runs. A crash between a merge's update-ref and its result loses only that
            // command's line: the rerun finds the merge (the fix as second parent) and records it.
            if r.succeeded, ["merge-tree", "commit-tree", "update-ref"].contains(r.argv.dropFirst().first ?? "") {
                self.pending.add(body)
            } else {
                try self.record([body])
            }
            if let killAfter, counter.next() >= killAfter { kill(getpid(), SIGKILL) }
        }
    }

    /// The git flow with commands and step results going to the journal.
    func flow() -> GitFlow {
        GitFlow(directory: directory, settings: settings, observer: observer()) { record throws(HotfixError) in
            // Predictions wait for the next write; every other step result is written at once.
            if record.step == GitStepName.preflight.rawValue { self.pending.add(.git(record)) } else { try self.record([.git(record)]) }
        }
    }

    /// What the journal knows about backport targets.
    var memory: GitFlow.Memory {
        var m = GitFlow.Memory()
        for (name, status) in state.backports {
            m.known[name] = status.outcome
            if status.outcome == GitOutcome.skipped.rawValue { m.skipped[name] = status.detail ?? "skipped" }
        }
        return m
    }

    /// Says so (and journals it) when the command runs outside the phases the workflow expects.
    func warnIfOutOfPhase(_ command: String, expected: [Phase]) throws(HotfixError) {
        guard let phase = state.phase, !expected.contains(phase) else {
            if state.phase == nil { Output.warn("incident \(id) is closed; \(command) runs anyway") }
            return
        }
        let message = "\(command) runs in \(phase.title); the workflow expects it in \(expected.map(\.title).joined(separator: " or "))"
        Output.warn(message)
        try record([.warning(Warning(source: "git", message: message))])
    }

    /// Moves to the next phase when the incident is still in `phase` and the guardrails allow it.
    func advance(from phase: Phase) async throws(HotfixError) {
        guard !dryRun else { return }
        let now = try session.store.load(id).state
        guard now.phase == phase, Guardrails.forAdvance(in: now).isEmpty else { return }
        let (after, _) = try await session.perform(.advance(override: nil), on: id)
        if let to = after.phase {
            print("\(phase.title) done. Now \(to.title) (\(after.budgets[to].minutesLabel) min): \(to.purpose(monitorWindow: session.config.deploy.window).replacingOccurrences(of: "{id}", with: id.rawValue)).")
        }
    }
}

/// Events to write with the next journal write.
final class Pending: @unchecked Sendable {
    private let lock = NSLock()
    private var bodies: [EventBody] = []
    func add(_ body: EventBody) { lock.withLock { bodies.append(body) } }
    func take() -> [EventBody] { lock.withLock { defer { bodies = [] }; return bodies } }
}

/// A thread-safe count, for the debug kill switch.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func next() -> Int { lock.withLock { value += 1; return value } }
}

/// Printing the plan's steps: a grid of targets, the later steps, and in a dry run every command.
enum GitText {
    static func short(_ sha: String?) -> String { sha.map { String($0.prefix(10)) } ?? "" }

    static func printRun(_ run: FinishRun, dryRun: Bool) {
        for report in run.reports {
            if dryRun {
                for argv in report.commands { print("  $ " + shellWords(argv)) }
            }
            guard let r = report.record else { continue }
            let what = r.target.map { "\(r.step) \($0)" } ?? r.step
            var line = "\(what.padding(toLength: max(what.count, 28), withPad: " ", startingAt: 0))  \(r.outcome)"
            if let sha = r.sha, !sha.hasPrefix("<") { line += "  \(short(sha))" }
            if let files = r.files, !files.isEmpty { line += "  files: \(files.joined(separator: ", "))" }
            if let detail = r.detail, r.outcome != "merged" || dryRun { line += "  (\(detail))" }
            print(Sanitize.inline(line))
        }
    }

    /// An argv as a person would type it (quoted where needed), for dry runs.
    static func shellWords(_ argv: [String]) -> String {
        argv.map { word in
            let safe = word.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || "-_./:=@^{}<>,+".unicodeScalars.contains($0) }
            return safe && !word.isEmpty ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
        }.map(Sanitize.inline).joined(separator: " ")
    }
}

/// The JSON shape of a backport or finish run.
struct GitRunJSON: Encodable {
    struct Step: Encodable {
        var step: String
        var record: GitRecord?
        var commands: [[String]]
    }
    var incident: String
    var dryRun: Bool
    var steps: [Step]
    var stopped: String?

    init(_ run: FinishRun, id: IncidentID, dryRun: Bool) {
        incident = id.rawValue
        self.dryRun = dryRun
        steps = run.reports.map { Step(step: $0.step.description, record: $0.record, commands: $0.commands) }
        stopped = run.stopped?.description
    }
}
