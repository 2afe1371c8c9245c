// hotfix (the executable): ArgumentParser commands that parse, call the workflow (HotfixWorkflow)
// and print its results as text or --json; the console's event loop (one thread owning ncurses,
// a mailbox, the journal watch) wired to HotfixConsole; the demo's sandbox; theme loading.

import ArgumentParser
import Foundation
import HotfixEngine
import HotfixTerminal

/// The `hotfix` command: the console and the CLI over one engine and one journal.
struct Hotfix: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hotfix",
        abstract: "Walk an emergency production fix through seven timed phases, with the record kept.",
        discussion: """
        Phases: assess → branch → fix → test → deploy → backport → close (2 hours in all). \
        Every change is journaled under the repository's git directory, never in the work tree.

        Exit codes: 0 done; 1 refused (a guardrail or a failed step); 2 bad input or usage; \
        3 environment (not a git repository, journal locked, tool missing).
        """,
        version: "0.1.0",
        subcommands: [
            Start.self, Status.self, List.self, Timeline.self, Assess.self, Next.self, Retry.self, CheckItem.self,
            NoteCommand.self, Init.self, TestCommand.self, Deploy.self, Watch.self, Rollback.self, ReportCommand.self, PostmortemCommand.self, Sync.self, AppendStress.self,
            BranchCommand.self, DiffCommand.self, CommitCommand.self, Backport.self, Finish.self, Sim.self, LogsCommand.self,
            ConsoleCommand.self, Demo.self, MonitorCommand.self, FollowBench.self, ConsoleBench.self,
        ]
    )
}

@main
enum Main {
    static func main() async {
        Terminal.lineBufferStandardOutput()
        do {
            // Plain `hotfix` in a terminal, in a repository with an open incident, opens the console.
            let bare = CommandLine.arguments.count == 1 ? await ConsoleCommand.opensByDefault() : false
            var command = try Hotfix.parseAsRoot(bare ? ["console"] : nil)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as HotfixError {
            Output.error(error)
            exit(error.exitCode)
        } catch {
            let code = Hotfix.exitCode(for: error)
            let message = Hotfix.fullMessage(for: error)
            if code == .success {
                print(message)
                exit(0)
            }
            if !message.isEmpty { FileHandle.standardError.write(Data((message + "\n").utf8)) }
            // ArgumentParser's usage errors are 64 (EX_USAGE); ours are 2.
            exit(code == .validationFailure ? 2 : code.rawValue)
        }
    }
}
