import ArgumentParser
import Foundation
import HotfixEngine
import HotfixRuntime

/// Shared by `report` and `postmortem`: refresh the change set from git, then build the facts.
extension Session {
    func closeFacts(_ id: IncidentID) async throws(HotfixError) -> (facts: CloseFacts, events: [Event]) {
        var (state, events, problems) = try store.load(id)
        for p in problems { Output.warn("journal \(id): \(p)") }
        let names = ["id": id.rawValue]
        let branch = Placeholders.expand(config.git.branch, names)
        let tag = Placeholders.expand(config.git.tag, names)
        if let changes = await ChangeReader(root: repository.root).read(main: config.git.main, branch: branch, tag: tag),
           changes != state.changes {
            state = try record([.changes(changes)], on: id)
            events = try store.load(id).events  // read again: another terminal may have written too
        }
        let facts = CloseFacts(state: state, now: clock.now, mainBranch: config.git.main, developBranch: config.git.develop,
                               hotfixBranch: branch, tagName: tag)
        return (facts, events)
    }

    /// `<root>/<report.dir>/<id>/<name>`.
    func artifactPath(_ id: IncidentID, _ name: String) -> (relative: String, absolute: String) {
        let relative = "\(config.report.dir)/\(id)/\(name)"
        return (relative, repository.root + "/" + relative)
    }

    func write(_ text: String, to path: String) throws(HotfixError) {
        do {
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw HotfixError.environment("cannot write \(path): \(error.localizedDescription)", untouched: "the journal is unchanged")
        }
    }
}

struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write the \"Hotfix Complete\" report from the record (docs/hotfix/<id>/report.md).",
        discussion: """
        Every line comes from the journal: what did not happen says so.

        Example:
          hotfix report && git add docs/hotfix
          hotfix report --format json
        """)

    @OptionGroup var options: IncidentOptions
    @Option(help: "md (written to the report folder and printed) or json (printed).") var format: String = "md"

    func run() async throws {
        guard ["md", "json"].contains(format) else { throw HotfixError.usage("unknown format '\(Sanitize.inline(format))': expected md or json") }
        let session = try await Session.open()
        let id = try session.select(options)
        let (facts, _) = try await session.closeFacts(id)
        if format == "json" { try Output.json(ReportJSON(facts)); return }
        let text = Report.markdown(facts)
        let path = session.artifactPath(id, "report.md")
        try session.write(text, to: path.absolute)
        if facts.state.artifacts["report"] != path.relative {
            _ = try session.record([.artifact(Artifact(kind: "report", path: path.relative))], on: id)
        }
        print(text)
        print("Written to \(path.relative)")
    }
}

struct PostmortemCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "postmortem",
        abstract: "Write the post-mortem pre-filled from the record; due 24 h after the fix is verified stable.",
        discussion: """
        Writes docs/hotfix/<id>/postmortem.md once (never overwrites your edits without --force).

        Examples:
          hotfix postmortem            # write it and print where
          hotfix postmortem --edit     # open it in $EDITOR
          hotfix postmortem --done     # mark it written: the reminder stops
          hotfix postmortem --file-actions   # one GitHub issue per action item (gh)
        """)

    @OptionGroup var options: IncidentOptions
    @Flag(help: "Open the file in $EDITOR (written first if missing).") var edit = false
    @Flag(help: "Mark the post-mortem written.") var done = false
    @Flag(name: .customLong("file-actions"), help: "File each action item as a GitHub issue through gh.") var fileActions = false
    @Flag(help: "Replace an existing file with a fresh one from the record.") var force = false
    @Flag(name: .customLong("print"), help: "Print it instead of writing it.") var printOnly = false

    func run() async throws {
        let session = try await Session.open()
        let id = try session.select(options)
        let (facts, events) = try await session.closeFacts(id)
        let path = session.artifactPath(id, "postmortem.md")
        let text = Postmortem.markdown(facts, events: events)
        if printOnly { print(text); return }

        let exists = FileManager.default.fileExists(atPath: path.absolute)
        if !exists || force {
            try session.write(text, to: path.absolute)
            _ = try session.record([.artifact(Artifact(kind: "postmortem", path: path.relative))], on: id)
            print("Post-mortem written to \(path.relative)")
        } else if !edit && !done && !fileActions {
            print("\(path.relative) already exists (your edits are kept; --force writes a fresh one).")
        }
        if edit { try openEditor(path.absolute, session) }
        if fileActions { try await file(Postmortem.actionIssues(facts), facts.state, session) }
        if done {
            _ = try session.record([.artifact(Artifact(kind: "postmortem-done", path: path.relative))], on: id)
            print("Post-mortem marked written; the reminder stops.")
        } else if let due = Timing(facts.state, now: session.clock.now).postmortemDue {
            let left = due.timeIntervalSince(session.clock.now)
            print(left > 0 ? "Due in \(Durations.words(left)). Mark it written with: hotfix postmortem --done"
                  : "OVERDUE by \(Durations.words(-left)). Mark it written with: hotfix postmortem --done")
        }
    }

    func openEditor(_ path: String, _ session: Session) throws(HotfixError) {
        let editor = session.environment["VISUAL"].flatMap { $0.isEmpty ? nil : $0 }
            ?? session.environment["EDITOR"].flatMap { $0.isEmpty ? nil : $0 } ?? "vi"
        // $EDITOR may carry arguments ("code -w"); split on spaces, never through a shell.
        let argv = editor.split(separator: " ").map(String.init) + [path]
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = argv
        do { try process.run() } catch {
            throw HotfixError.environment("cannot start the editor '\(editor)': \(error.localizedDescription)",
                                          untouched: "the post-mortem file is written", next: "set EDITOR, or open \(path) yourself")
        }
        process.waitUntilExit()
    }

    func file(_ items: [(title: String, body: String)], _ state: IncidentState, _ session: Session) async throws(HotfixError) {
        var records: [EventBody] = []
        let already = Set(state.notifications.filter { $0.record.channel == "github" && $0.record.status == "sent" }.map(\.record.kind))
        for (n, item) in items.enumerated() {
            let kind = "action-\(n + 1)"
            if already.contains(kind) { print("already filed: \(item.title)"); continue }
            do {
                let r = try await ProcessRunner().run(["gh", "issue", "create", "--title", item.title, "--body", item.body], in: session.repository.root)
                if r.succeeded {
                    print("filed: \(item.title) → \(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines))")
                    records.append(.notification(NotificationRecord(channel: "github", kind: kind, status: "sent", detail: Sanitize.inline(r.stdout), text: item.title)))
                } else {
                    Output.warn("gh issue create failed (exit \(r.exitCode)): \(r.tail(2).joined(separator: " / "))")
                    records.append(.notification(NotificationRecord(channel: "github", kind: kind, status: "failed", detail: r.tail(2).joined(separator: " / "), text: item.title)))
                }
            } catch {
                _ = try session.record(records, on: state.id)
                throw HotfixError.environment(error.message, untouched: "the post-mortem is written; no issue was filed",
                                              next: "install gh and log in (gh auth login), then run hotfix postmortem --file-actions again")
            }
        }
        if !records.isEmpty { _ = try session.record(records, on: state.id) }
    }
}

struct Sync: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",  // named, not derived from the type: deriving costs ~1 ms at every start
        abstract: "Deliver queued notifications and GitHub actions (after gh or the network is back).",
        discussion: "Example:\n  gh auth login && hotfix sync")

    @OptionGroup var options: IncidentOptions

    func run() async throws {
        let session = try await Session.open()
        let id = try session.select(options)
        let state = try session.store.load(id).state
        let pending = state.outbox
        if pending.isEmpty { print("Nothing queued."); return }
        var records: [NotificationRecord] = []
        let finals = await session.notifier.sync(state) { records.append($0) }
        _ = try session.record(records.map { .notification($0) }, on: id)
        for f in finals {
            print("\(f.channel) \(f.kind): \(f.status)\(f.detail.map { " — \(Sanitize.inline($0))" } ?? "")")
        }
        if finals.contains(where: { $0.status != "sent" }) {
            throw HotfixError.refused("some messages are still queued", untouched: "they stay in the outbox", next: "fix the cause above and run hotfix sync again")
        }
    }
}
