import ArgumentParser
import Foundation
import HotfixEngine
import HotfixRuntime
import HotfixWorkflow

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
        let session = try await Wiring.session()
        let close = CloseWorkflow(session)
        let id = try session.select(options.incident)
        if format == "json" { try Output.json(try await close.reportJSON(id)); return }
        let (text, path) = try await close.report(id)
        for line in CloseText.report(text, path: path) { print(line) }
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
        let session = try await Wiring.session()
        let close = CloseWorkflow(session)
        let id = try session.select(options.incident)
        let postmortem = try await close.postmortem(id, write: !printOnly, force: force)
        if printOnly { print(postmortem.text); return }
        CloseText.postmortem(postmortem, quiet: edit || done || fileActions).forEach { print($0) }
        if edit { try await close.openEditor(postmortem.path.absolute) }
        if fileActions { try await close.fileActions(postmortem.facts) { print(CloseText.progress($0)) } }
        if done {
            _ = try close.markPostmortemDone(id)
            print("Post-mortem marked written; the reminder stops.")
        } else {
            CloseText.due(postmortem.facts.state, now: session.clock.now).forEach { print($0) }
        }
    }
}

struct Sync: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",  // named, not derived from the type: deriving costs ~1 ms at every start
        abstract: "Deliver queued notifications and GitHub actions (after gh or the network is back).",
        discussion: "Example:\n  gh auth login && hotfix sync")

    @OptionGroup var options: IncidentOptions

    func run() async throws {
        let session = try await Wiring.session()
        guard let finals = try await IncidentWorkflow(session).sync(try session.select(options.incident)) else {
            print("Nothing queued.")
            return
        }
        for f in finals {
            print("\(f.channel) \(f.kind): \(f.status)\(f.detail.map { " — \(Sanitize.inline($0))" } ?? "")")
        }
        if finals.contains(where: { $0.status != .sent }) {
            throw HotfixError.refused("some messages are still queued", untouched: "they stay in the outbox", next: "fix the cause above and run hotfix sync again")
        }
    }
}
