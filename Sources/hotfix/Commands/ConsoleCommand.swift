import ArgumentParser
import Foundation
import HotfixConsole
import HotfixEngine
import HotfixWorkflow
import HotfixRuntime
import HotfixScreen
#if canImport(Glibc)
import Glibc
#endif

struct ConsoleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "console",
        abstract: "Open the full-screen console on an incident.",
        discussion: """
        Keys: ←/→ or 1–7 view a phase, n next phase, enter run the viewed phase's step (edit an answer in ASSESS; deploy and finish show their plan and ask y/n first), E open a file in $EDITOR, ! a shell in the repository and c commit the fix as "Fix: …" (FIX view), r roll back (DEPLOY), R report and post-mortem (CLOSE), space toggle a checklist item, w waive it, t run the tests (TEST view), l log pane (/ search, p pause, f follow), ? every key, q quit.

        During DEPLOY the pods' logs are the pane: / filter (text or regex), e errors only, o old/new, P the pod list, ] [ next/previous marked line, space pause/follow, w wrap, tab the incident's events, esc every filter off.

        Plain `hotfix` in a terminal inside a repository with an open incident opens it too.

        Themes: --theme > HOTFIX_THEME > .hotfix.yml `theme:` > built-in; NO_COLOR is honoured.
        """)

    @OptionGroup var options: IncidentOptions
    @Option(help: ArgumentHelp("default, light, high-contrast, monochrome, or a theme file.", valueName: "name|path"))
    var theme: String?

    func run() async throws {
        try Self.requireTerminal()
        let session = try await Wiring.session()
        let id = try session.select(options.incident)
        try await Self.open(session: session, id: id, theme: theme)
    }

    /// Opens the console on `id` and returns when the person quits.
    static func open(session: Session, id: IncidentID, theme: String?, replay: MonitorReplay? = nil, drill: Drill? = nil) async throws {
        let theme = try ThemeLoader.load(theme ?? session.config.theme, environment: session.environment)
        let noColor = !(session.environment["NO_COLOR"] ?? "").isEmpty
        let loop = try ConsoleLoop(session: session, id: id, theme: theme, noColor: noColor)
        loop.replay = replay
        loop.drill = drill
        // The loop gets a thread of its own: it blocks in poll() and owns ncurses for its lifetime.
        try await withCheckedThrowingContinuation { (done: CheckedContinuation<Void, any Error>) in
            let thread = Thread {
                do { try loop.run(); done.resume() } catch { done.resume(throwing: error) }
            }
            thread.name = "hotfix-console"
            thread.start()
        }
    }

    static var isTerminal: Bool { isatty(STDIN_FILENO) == 1 && isatty(STDOUT_FILENO) == 1 }

    static func requireTerminal() throws(HotfixError) {
        guard isTerminal else {
            throw HotfixError.environment("the console needs a terminal, and stdin or stdout is not one",
                                          next: "use hotfix status (or hotfix status --json) in scripts and pipes")
        }
    }

    /// Plain `hotfix` opens the console when it runs in a terminal inside a repository with an open incident.
    static func opensByDefault() async -> Bool {
        guard isTerminal, let session = try? await Wiring.session() else { return false }
        return (try? session.select(nil)) != nil
    }
}

struct MonitorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "monitor",
        abstract: "Replay a recorded deploy's pod logs through the console's monitoring window.",
        discussion: """
        The baseline file (the old pods, before set image) is read at once; the replay file (the new pods) is played at the pace of its timestamps times --speed, starting the window's clock at its first line. Files are what kubectl logs --prefix --timestamps prints. The console opens on the DEPLOY view of the incident, the lines streaming there as a deploy's do (the same keys narrow them); nothing is written to the journal by the replay.

        Example:
          hotfix monitor --baseline old.log --replay new.log --speed 10
        """)

    @OptionGroup var options: IncidentOptions
    @Option(help: ArgumentHelp("The new pods' log lines to replay.", valueName: "file")) var replay: String
    @Option(help: ArgumentHelp("The old pods' log lines (the baseline).", valueName: "file")) var baseline: String?
    @Option(help: ArgumentHelp("Replay speed: 1 is real time, 10 is ten times faster.", valueName: "n")) var speed: Double = 1
    @Option(help: ArgumentHelp("default, light, high-contrast, monochrome, or a theme file.", valueName: "name|path"))
    var theme: String?

    func run() async throws {
        let replay = try MonitorReplay.load(replay: replay, baseline: baseline, speed: speed)
        try ConsoleCommand.requireTerminal()
        let session = try await Wiring.session()
        let id = try session.select(options.incident)
        try await ConsoleCommand.open(session: session, id: id, theme: theme, replay: replay)
    }
}
