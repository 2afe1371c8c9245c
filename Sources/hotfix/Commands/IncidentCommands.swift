import ArgumentParser
import Foundation
import HotfixEngine
import HotfixRuntime

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
        let session = try await Session.open()
        let now = session.clock.now
        let detectedAt = try detected.map { raw throws(HotfixError) in try Durations.parseWhen(raw, now: now) }
        let started = try Engine.start(title: title, id: id, severity: severity, detectedAt: detectedAt, issue: issue,
                                       budgets: session.config.budgets, existing: session.store.ids(), now: now)
        let journal = session.store.journal(started.id)
        let events = try journal.transact(clock: session.clock) { (current: IncidentState?) throws(HotfixError) -> [EventBody] in
            guard current == nil else { throw HotfixError.usage("incident \(started.id) already exists") }
            return [.started(started)]
        }
        guard let fresh = IncidentState.replay(events) else { return }
        let state = try await session.dispatch(events, state: fresh)
        if json {
            try Output.json(StatusReport(state, now: session.clock.now))
        } else {
            print("Started incident \(state.id) (\(state.severity.rawValue)): \(Sanitize.inline(state.title))")
            print("Journal: \(journal.path)")
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
        let session = try await Session.open()
        let loaded = try session.loadSelected(options)
        let report = StatusReport(loaded.state, now: session.clock.now, fix: await session.fixProgress(loaded.state))
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
        let session = try await Session.open()
        let now = session.clock.now
        // The full status of every incident only for --json; the table comes from the index.
        if json {
            var reports: [StatusReport] = []
            for state in session.store.all() { reports.append(StatusReport(state, now: now, fix: await session.fixProgress(state))) }
            try Output.json(reports)
            return
        }
        let rows = session.store.summaries()
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
        let session = try await Session.open()
        let loaded = try session.loadSelected(options)
        let entries = HotfixEngine.Timeline.entries(loaded.events)
        if json { try Output.json(entries); return }
        let start = loaded.state.startedAt
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
        """)

    @OptionGroup var options: IncidentOptions
    @Option(help: "What is broken.") var broken: String?
    @Option(help: "Who is affected and how much.") var impact: String?
    @Option(help: "The quick hypothesis.") var hypothesis: String?

    func run() async throws {
        let session = try await Session.open()
        let id = try session.select(options)
        let (state, _) = try await session.perform(.assess(Assessment(broken: broken, impact: impact, hypothesis: hypothesis)), on: id)
        let a = state.assessment
        print("Assessment of \(id):")
        print("  broken:     \(a.broken.map(Sanitize.inline) ?? "–")")
        print("  impact:     \(a.impact.map(Sanitize.inline) ?? "–")")
        print("  hypothesis: \(a.hypothesis.map(Sanitize.inline) ?? "–")")
    }
}

struct Next: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "next",  // named, not derived from the type: deriving costs ~1 ms at every start
        abstract: "Move to the next phase (after CLOSE: close the incident).",
        discussion: """
        Refused (exit 1) while a guardrail holds: a commit of the fix on the hotfix branch that \
        main does not have before leaving FIX (uncommitted changes are named), the checklist \
        before DEPLOY, the monitoring window after DEPLOY, unhandled backports before CLOSE, the \
        tag before closing. hotfix status lists what blocks it.

        --override REASON passes it; the reason is journaled and shown as a deviation in the report.

        Example:
          hotfix next --override "deployed through CI/CD, monitored in Grafana"
        """)

    @OptionGroup var options: IncidentOptions
    @Option(help: ArgumentHelp("Pass refusing guardrails, with a written reason.", valueName: "reason")) var override: String?

    func run() async throws {
        let session = try await Session.open()
        let id = try session.select(options)
        // Leaving TEST: a commit after the test run makes tests-pass stale before the gate is judged.
        try await session.refreshTestsPass(id)
        // Leaving FIX: judged on the branch's commits (no empty fix), read from git now.
        let fix = await session.fixProgress(try session.store.load(id).state)
        let (state, events) = try await session.perform(.advance(override: override, fix: fix), on: id)
        guard let event = events.first, case .phaseChanged(let change) = event.body else {
            print("Incident \(id) is already closed.")
            return
        }
        for o in change.overrides { Output.warn("override of '\(o.rule.rawValue)': \(o.message) — reason: \(o.reason)") }
        if let fix, fix.onBranch, !fix.commits.isEmpty, !fix.uncommitted.isEmpty {
            Output.warn("not committed, so not part of the fix: \(Guardrails.names(fix.uncommitted.map(Sanitize.inline)))")
        }
        if let to = change.to {
            let budget = state.budgets[to]
            print("\(change.from.title) done. Now \(to.title) (\(budget.minutesLabel) min): \(to.purpose(monitorWindow: session.config.deploy.window).replacingOccurrences(of: "{id}", with: id.rawValue)).")
        } else {
            print("\(change.from.title) done. Incident \(id) closed after \(Durations.words(Timing(state, now: session.clock.now).elapsed)).")
        }
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
            let session = try await Session.open()
            let id = try session.select(options)
            let (outcomes, state) = try await session.autoCheck(id)
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
        let session = try await Session.open()
        let id = try session.select(options)
        let (state, _) = try await session.perform(.check(Check(item: item, status: status, evidence: evidence, reason: waive)), on: id)
        let open = ChecklistItem.allCases.filter { !(state.checklist[$0]?.status.clearsGate ?? false) }
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
        let session = try await Session.open()
        let id = try session.select(options)
        let (state, _) = try await session.perform(.note(text), on: id)
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
        let session = try await Session.open()
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
