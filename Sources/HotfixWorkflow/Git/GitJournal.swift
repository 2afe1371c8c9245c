import Foundation
import HotfixEngine
import HotfixRuntime

/// What a git use case reports while it runs: each command that changed the repository, once it
/// is journaled (the console shows them; the CLI's crash tests stop after the N-th).
public enum GitProgress: Sendable {
    case command(argv: [String], exitCode: Int32)
}

/// Journals a git use case: every command that changed the repository with its exit status and
/// SHA, every step result, nothing at all in a dry run.
struct GitJournal: Sendable {
    let session: Session
    let id: IncidentID
    let phase: Phase?
    let dryRun: Bool
    let progress: @Sendable (GitProgress) -> Void
    /// Events waiting for the next write: see `observer()`.
    let pending = Pending()

    /// Appends events (and any pending ones) in one locked, fsynced write; never in a dry run.
    func record(_ bodies: [EventBody]) throws(HotfixError) {
        guard !dryRun else { return }
        let all = pending.take() + bodies
        guard !all.isEmpty else { return }
        try session.record(all, on: id)
    }

    /// Writes whatever is still pending (at the end of a use case, or before reporting an error).
    func flush() throws(HotfixError) { try record([]) }

    /// Runs git work and writes what it left pending, also when it fails.
    func journaled<T>(_ work: () async throws(HotfixError) -> T) async throws(HotfixError) -> T {
        do {
            let result = try await work()
            try flush()
            return result
        } catch {
            try? flush()
            throw error
        }
    }

    /// Journals every git command that changed the repository, then reports it.
    func observer() -> GitClient.Observer {
        let phase = self.phase
        return { rec throws(HotfixError) in
            let r = rec.result
            let body = EventBody.commandRan(CommandRun(phase: phase, step: CommandStep(rec.step), argv: r.argv, exitCode: r.exitCode,
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
            self.progress(.command(argv: r.argv, exitCode: r.exitCode))
        }
    }

    /// A git client whose changes go to the journal.
    func client() -> GitClient {
        GitClient(directory: session.repository.root, observer: observer(), ownProcessGroup: session.processGroups)
    }

    /// The git flow with commands and step results going to the journal.
    func flow(_ settings: GitSettings) -> GitFlow {
        GitFlow(directory: session.repository.root, settings: settings, observer: observer(), ownProcessGroup: session.processGroups) { record throws(HotfixError) in
            // Predictions wait for the next write; every other step result is written at once.
            if record.step == .preflight { self.pending.add(.git(record)) } else { try self.record([.git(record)]) }
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
