import ArgumentParser
import Foundation
import HotfixEngine
import HotfixRuntime
import HotfixWorkflow

struct Start: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "start",  // named, not derived from the type: deriving costs ~1 ms at every start
        abstract: "Open an incident and start the clock (phase ASSESS).",
        discussion: """
        Without --id, an id like 001-api-500 is made from a sequence and the title.

        Example:
          hotfix start "API returns 500 on /users" --severity P0 --detected "15m ago"
        """)

    @Argument(help: "What is broken, in one line.") var title: String
    @Option(help: ArgumentHelp("Incident id: lowercase letters, digits and '-'.", valueName: "id")) var id: String?
    @Option(help: "P0 (production down), P1, P2 or P3.") var severity: String = "P0"
    @Option(help: ArgumentHelp("When the problem was detected: an ISO 8601 time or a span like '15m ago'.", valueName: "when"))
    var detected: String?
    @Option(help: ArgumentHelp("The GitHub issue number this incident fixes.", valueName: "n")) var issue: Int?
    @Flag(help: "Print the new incident's status as JSON.") var json = false

    func run() async throws {
        // Validate everything that needs no repository first: bad input never touches disk.
        let severity = try Severity(parsing: severity)
        if let id { _ = try IncidentID(id) }
        let session = try await Wiring.session()
        let opened = try await IncidentWorkflow(session).start(title: title, id: id, severity: severity, detected: detected, issue: issue)
        let state = opened.state
        if json {
            try Output.json(StatusReport(state, now: session.clock.now))
        } else {
            print("Started incident \(state.id) (\(state.severity.rawValue)): \(Sanitize.inline(state.title))")
            print("Journal: \(opened.journalPath)")
            print("Phase ASSESS, \(state.budgets[.assess].minutesLabel) min: what is broken, impact scope, quick hypothesis.")
            print("Next: hotfix assess --broken TEXT --impact TEXT --hypothesis TEXT, then hotfix next")
        }
    }
}

struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",  // named, not derived from the type: deriving costs ~1 ms at every start
        abstract: "Show the incident's phase, countdowns, checklist and what blocks the next step.",
        discussion: "Example:\n  hotfix status --json")

    @OptionGroup var options: IncidentOptions
    @Flag(help: "Print the stable JSON shape documented in the README.") var json = false

    func run() async throws {
        let session = try await Wiring.session()
        let report = try await IncidentWorkflow(session).status(try session.select(options.incident))
        if json { try Output.json(report) } else { print(StatusText.render(report), terminator: "") }
    }
}

struct List: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",  // named, not derived from the type: deriving costs ~1 ms at every start
        abstract: "List the incidents of this repository.",
        discussion: "Example:\n  hotfix list --json")

    @Flag(help: "Print a JSON array of status objects.") var json = false

    func run() async throws {
        let session = try await Wiring.session()
        let incidents = IncidentWorkflow(session)
        // The full status of every incident only for --json; the table comes from the index.
        if json { try Output.json(await incidents.list()); return }
        let rows = incidents.summaries()
        let now = session.clock.now
        if rows.isEmpty { print("No incidents in this repository. Start one with: hotfix start \"what is broken\""); return }
        for r in rows {
            let where_ = r.phase?.title ?? "closed"
            print("\(r.id.rawValue.padding(toLength: 24, withPad: " ", startingAt: 0)) \(r.severity.rawValue)  \(where_.padding(toLength: 9, withPad: " ", startingAt: 0)) \(Durations.longClock(r.elapsed(now: now)))  \(Sanitize.inline(r.title))")
        }
    }
}

struct Timeline: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "timeline",  // named, not derived from the type: deriving costs ~1 ms at every start
        abstract: "List every event of the incident with its time.",
        discussion: "Example:\n  hotfix timeline --json")

    @OptionGroup var options: IncidentOptions
    @Flag(help: "Print a JSON array of {seq, at, type, summary}.") var json = false

    func run() async throws {
        let session = try await Wiring.session()
        let (entries, start) = try IncidentWorkflow(session).timeline(try session.select(options.incident))
        if json { try Output.json(entries); return }
        for e in entries {
            print("\(Durations.iso(e.at))  +\(Durations.longClock(e.at.timeIntervalSince(start)))  \(e.summary)")
        }
    }
}

struct Assess: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assess",  // named, not derived from the type: deriving costs ~1 ms at every start
        abstract: "Record the ASSESS answers: what is broken, impact scope, hypothesis.",
        discussion: """
        Each answer can be given on its own and changed later; an answer left out stays as it was.

        Example:
          hotfix assess --broken "GET /users/{id} returns 500" \\
                        --impact "all API users, ~30% of requests" \\
                        --hypothesis "null user from the repository"
          hotfix assess --target "object has no attribute 'id'"
        """)

    @OptionGroup var options: IncidentOptions
    @Option(help: "What is broken.") var broken: String?
    @Option(help: "Who is affected and how much.") var impact: String?
    @Option(help: "The quick hypothesis.") var hypothesis: String?
    @Option(help: ArgumentHelp("The incident's error as the logs show it (a substring or template): what the monitoring window's verdict follows (else deploy.target, else the baseline's most frequent error).",
                               valueName: "text")) var target: String?

    func run() async throws {
        let session = try await Wiring.session()
        let id = try session.select(options.incident)
        let a = try await IncidentWorkflow(session).assess(id, Assessment(broken: broken, impact: impact, hypothesis: hypothesis, target: target)).assessment
        print("Assessment of \(id):")
        print("  broken:     \(a.broken.map(Sanitize.inline) ?? "–")")
        print("  impact:     \(a.impact.map(Sanitize.inline) ?? "–")")
        print("  hypothesis: \(a.hypothesis.map(Sanitize.inline) ?? "–")")
        if let t = a.target { print("  target:     \(Sanitize.inline(t)) (the error the monitoring window follows)") }
    }
}

struct Next: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "next",  // named, not derived from the type: deriving costs ~1 ms at every start
        abstract: "Move to the next phase (after CLOSE: close the incident).",
        discussion: """
        Refused (exit 1) while a guardrail holds: a commit of the fix on the hotfix branch that \
        main does not have before leaving FIX (uncommitted changes are named), the checklist \
        before DEPLOY, a PASS from the latest deploy's monitoring window to leave DEPLOY (after a \
        FAIL: hotfix retry), unhandled backports before CLOSE, the tag before closing. hotfix \
        status lists what blocks it.

        --override REASON passes it; the reason is journaled and shown as a deviation in the report.

        Example:
          hotfix next --override "deployed through CI/CD, monitored in Grafana"
        """)

    @OptionGroup var options: IncidentOptions
    @Option(help: ArgumentHelp("Pass refusing guardrails, with a written reason.", valueName: "reason")) var override: String?

    func run() async throws {
        let session = try await Wiring.session()
        let id = try session.select(options.incident)
        guard let move = try await IncidentWorkflow(session).next(id, override: override) else {
            print("Incident \(id) is already closed.")
            return
        }
        print(PhaseText.moved(move, session: session))
    }
}

struct Retry: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retry",  // named, not derived from the type: deriving costs ~1 ms at every start
        abstract: "After a deploy that did not pass: back from DEPLOY to FIX for the next attempt, same branch and clock.",
        discussion: """
        Refused outside DEPLOY and after a PASS. The attempt left behind keeps its commits, \
        checklist evidence, deploy, verdict and rollback (hotfix status --json lists every \
        attempt; the report and the post-mortem too). The checklist is passed again for the new \
        code (waived items stay waived), and the next deploy is the next attempt, with its own \
        image tag (hotfix-ID-attempt2).

        Example:
          hotfix retry
        """)

    @OptionGroup var options: IncidentOptions

    func run() async throws {
        let session = try await Wiring.session()
        let id = try session.select(options.incident)
        guard let (r, state) = try await DeployWorkflow(session).retry(id) else { return }
        let timing = Timing(state, now: session.clock.now)
        print("DEPLOY → FIX for attempt \(r.attempt) on \(session.gitSettings.branchName(id)); the clock keeps running (\(Durations.longClock(timing.elapsed)) of \(Durations.longClock(timing.total))).")
        if let left = state.attempts.last {
            print("Attempt \(left.number) keeps its record: \(left.outcome?.rawValue ?? "no verdict")\(left.rollback != nil ? ", rolled back" : "").")
        }
        print("The checklist is passed again for the new code. Next: fix and commit, hotfix next (TEST), hotfix test, hotfix next, hotfix deploy.")
    }
}

struct CheckItem: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Set a pre-deploy checklist item, or run every automatic check (--auto).",
        discussion: """
        Items: \(ChecklistItem.allCases.map(\.rawValue).joined(separator: ", ")).

        --auto verifies what a machine can: tests-pass (every test command passed on the branch's \
        current commit), type-hints (the Python functions the fix touched, found with python3's \
        parser: fully annotated, and no mypy/pyright error inside them; findings elsewhere are \
        shown as context), no-new-deps (manifests and lock files against main), logging-added (an \
        added logger call), rollback-plan (the deployment's revision read with kubectl and the \
        undo command). A person can still set or waive any item; a waived item is never changed \
        by --auto.

        Examples:
          hotfix check --auto
          hotfix check tests-pass --pass --evidence "pytest tests/unit: 42 passed"
          hotfix check type-hints --waive "Go project, statically typed"
        """)

    @OptionGroup var options: IncidentOptions
    @Argument(help: "The checklist item.") var item: String?
    @Flag(help: "Mark it passed.") var pass = false
    @Flag(help: "Mark it failed.") var fail = false
    @Option(help: ArgumentHelp("Waive it, with the reason.", valueName: "reason")) var waive: String?
    @Option(help: "What shows it (a command's result, a link).") var evidence: String?
    @Flag(help: "Run every automatic check and record the results.") var auto = false
    @Flag(help: "With --auto: print JSON.") var json = false

    func run() async throws {
        if auto {
            guard item == nil, !pass, !fail, waive == nil else {
                throw HotfixError.usage("--auto runs every check; it takes no item, --pass, --fail or --waive")
            }
            let session = try await Wiring.session()
            let (outcomes, state) = try await TestWorkflow(session).autoCheck(try session.select(options.incident))
            try AutoCheckOutput.print(outcomes, state: state, json: json)
            return
        }
        guard let raw = item else { throw HotfixError.usage("name a checklist item, or pass --auto", next: "hotfix check --auto") }
        let item = try ChecklistItem(parsing: raw)
        let chosen = [pass, fail, waive != nil].filter { $0 }.count
        guard chosen == 1 else {
            throw HotfixError.usage("choose exactly one of --pass, --fail, --waive REASON")
        }
        let status: CheckStatus = pass ? .passed : fail ? .failed : .waived
        let session = try await Wiring.session()
        let (_, open) = try await IncidentWorkflow(session).check(try session.select(options.incident),
                                                                  Check(item: item, status: status, evidence: evidence, reason: waive))
        print("\(item.rawValue): \(status.rawValue)")
        print(open.isEmpty ? "Checklist complete: DEPLOY is allowed." : "Still open: \(open.map(\.rawValue).joined(separator: ", "))")
    }
}

struct NoteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "note",
        abstract: "Add a timestamped note to the incident record.",
        discussion: "Example:\n  hotfix note \"rolled back the cache flag by hand at 10:40\"")

    @OptionGroup var options: IncidentOptions
    @Argument(help: "The note.") var text: String

    func run() async throws {
        let session = try await Wiring.session()
        let state = try await IncidentWorkflow(session).note(try session.select(options.incident), text)
        print("Noted (event \(state.lastSeq)).")
    }
}

struct Init: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",  // named, not derived from the type: deriving costs ~1 ms at every start
        abstract: "Write a commented .hotfix.yml with every default at the repository root.",
        discussion: "Example:\n  hotfix init && $EDITOR .hotfix.yml")

    @Flag(name: .customLong("print"), help: "Print the file instead of writing it.") var printOnly = false
    @Flag(help: "Overwrite an existing .hotfix.yml.") var force = false

    func run() async throws {
        if printOnly { print(ConfigTemplate.text, terminator: ""); return }
        let session = try await Wiring.session()
        let path = session.repository.root + "/" + ConfigLoader.fileName
        if FileManager.default.fileExists(atPath: path), !force {
            throw HotfixError.refused("\(path) already exists", untouched: "it was left as it is",
                                      next: "edit it, or pass --force to replace it with the defaults")
        }
        do {
            try ConfigTemplate.text.write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw HotfixError.environment("cannot write \(path): \(error.localizedDescription)")
        }
        print("Wrote \(path) with every default. Commit it so the team shares it.")
    }
}
