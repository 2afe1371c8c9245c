import Foundation
import HotfixEngine
import HotfixRuntime

/// What CLOSE's post-mortem step reports while it files action items.
public enum CloseProgress: Sendable {
    case filed(title: String, url: String)
    case alreadyFiled(title: String)
}

/// CLOSE's documents: the report and the post-mortem from the record (the change set read from git
/// first and journaled), written under `report.dir`, and the post-mortem's action items filed on GitHub.
public struct CloseWorkflow: Sendable {
    public let session: Session

    public init(_ session: Session) { self.session = session }

    /// Refreshes the change set from git (journaled when it changed), then the facts the documents show.
    public func facts(_ id: IncidentID) async throws(HotfixError) -> (facts: CloseFacts, events: [Event]) {
        var (state, events) = try session.load(id)
        let settings = session.gitSettings
        if let changes = await ChangeReader(root: session.repository.root, runner: session.runner).read(id, settings: settings),
           changes != state.changes {
            state = try session.record([.changes(changes)], on: id)
            events = try session.store.load(id).events  // read again: another terminal may have written too
        }
        let facts = CloseFacts(state: state, now: session.clock.now, mainBranch: settings.main, developBranch: session.config.git.develop,
                               hotfixBranch: settings.branchName(id), tagName: settings.tagName(id))
        return (facts, events)
    }

    /// A document's place: `<report.dir>/<id>/<name>`, relative to the repository and absolute.
    public func artifactPath(_ id: IncidentID, _ name: String) -> (relative: String, absolute: String) {
        let relative = "\(session.config.report.dir)/\(id)/\(name)"
        return (relative, session.repository.root + "/" + relative)
    }

    /// The "Hotfix Complete" report, written to `report.md` (journaled as an artifact once).
    public func report(_ id: IncidentID) async throws(HotfixError) -> (text: String, path: String) {
        let (facts, _) = try await self.facts(id)
        let text = Report.markdown(facts)
        let path = artifactPath(id, "report.md")
        try Self.write(text, to: path.absolute)
        if facts.state.artifacts[.report] != path.relative {
            try session.record([.artifact(Artifact(kind: .report, path: path.relative))], on: id)
        }
        return (text, path.relative)
    }

    /// The report as JSON (nothing written).
    public func reportJSON(_ id: IncidentID) async throws(HotfixError) -> ReportJSON {
        ReportJSON(try await facts(id).facts)
    }

    /// The post-mortem pre-filled from the record.
    public struct Postmortem: Sendable {
        public var text: String
        public var path: (relative: String, absolute: String)
        /// Written by this call (it was missing, or `force`); otherwise a person's edits were kept.
        public var written: Bool
        public var facts: CloseFacts
    }

    /// The post-mortem; with `write`, written when missing (or always with `force`) and journaled.
    public func postmortem(_ id: IncidentID, write: Bool, force: Bool = false) async throws(HotfixError) -> Postmortem {
        let (facts, events) = try await self.facts(id)
        let path = artifactPath(id, "postmortem.md")
        var out = Postmortem(text: HotfixEngine.Postmortem.markdown(facts, events: events), path: path, written: false, facts: facts)
        if write, force || !FileManager.default.fileExists(atPath: path.absolute) {
            try Self.write(out.text, to: path.absolute)
            try session.record([.artifact(Artifact(kind: .postmortem, path: path.relative))], on: id)
            out.written = true
        }
        return out
    }

    /// Marks the post-mortem written: the 24 h reminder stops.
    public func markPostmortemDone(_ id: IncidentID) throws(HotfixError) -> String {
        let path = artifactPath(id, "postmortem.md").relative
        try session.record([.artifact(Artifact(kind: .postmortemDone, path: path))], on: id)
        return path
    }

    /// Opens `path` in `$VISUAL`, `$EDITOR` or vi (`FixWorkflow.editor`) on the terminal, and waits
    /// for the editor to exit.
    public func openEditor(_ path: String) async throws(HotfixError) {
        let fix = FixWorkflow(session)
        let program = TerminalProgram(program: ForegroundProgram(argv: try fix.editor().argv + [path], directory: fix.root))
        do {
            _ = try await program.run()
        } catch {
            throw HotfixError.environment("cannot start the editor: \(error.message)", untouched: "the post-mortem file is written",
                                          next: "set EDITOR, or open \(path) yourself")
        }
    }

    /// Files each action item as a GitHub issue (`gh issue create`), once: what was filed is journaled.
    public func fileActions(_ facts: CloseFacts, progress: @escaping @Sendable (CloseProgress) -> Void) async throws(HotfixError) {
        let state = facts.state
        var records: [EventBody] = []
        let already = Set(state.notifications.filter { $0.record.channel == .github && $0.record.status == .sent }.map(\.record.kind))
        for (n, item) in HotfixEngine.Postmortem.actionIssues(facts).enumerated() {
            let kind = NotificationKind.action(n + 1)
            if already.contains(kind) { progress(.alreadyFiled(title: item.title)); continue }
            do {
                let r = try await session.runner.run(["gh", "issue", "create", "--title", item.title, "--body", item.body], in: session.repository.root)
                if r.succeeded {
                    progress(.filed(title: item.title, url: r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
                    records.append(.notification(NotificationRecord(channel: .github, kind: kind, status: .sent, detail: Sanitize.inline(r.stdout), text: item.title)))
                } else {
                    session.warn("gh issue create failed (exit \(r.exitCode)): \(r.tail(2).joined(separator: " / "))")
                    records.append(.notification(NotificationRecord(channel: .github, kind: kind, status: .failed, detail: r.tail(2).joined(separator: " / "), text: item.title)))
                }
            } catch {
                if !records.isEmpty { try session.record(records, on: state.id) }
                throw HotfixError.environment(error.message, untouched: "the post-mortem is written; no issue was filed",
                                              next: "install gh and log in (gh auth login), then run hotfix postmortem --file-actions again")
            }
        }
        if !records.isEmpty { try session.record(records, on: state.id) }
    }

    static func write(_ text: String, to path: String) throws(HotfixError) {
        do {
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw HotfixError.environment("cannot write \(path): \(error.localizedDescription)", untouched: "the journal is unchanged")
        }
    }
}
