import Foundation
import HotfixEngine
import HotfixRuntime
import HotfixConsole
import HotfixScreen

/// The TEST phase run from the console: the same steps as `hotfix test`, in the background.
/// Output lines and progress go to the console through the mailbox; results go to the journal,
/// where the console (and every other terminal) reads them.
enum TestJob {
    static func run(session: Session, id: IncidentID, mailbox: Mailbox) async {
        let runner = TestRunner(root: session.repository.root, config: session.config)
        let steps = runner.steps()
        defer { mailbox.post(.activity(nil)) }
        guard !steps.isEmpty else {
            mailbox.post(.failed(HotfixError.usage("no test command configured and no project detected at \(session.repository.root)",
                                                   next: "set test.smoke and test.critical in .hotfix.yml")))
            return
        }
        do {
            for step in steps {
                if Task.isCancelled { return }
                let command = step.argv.joined(separator: " ")
                mailbox.post(.activity("running \(step.step): \(command)"))
                mailbox.post(.output([LogLine(at: session.clock.now, text: "▶ \(step.step): \(command)", level: .muted)]))
                let phase = try session.store.load(id).state.phase
                let result = try await runner.run(step, phase: phase) { line in
                    mailbox.post(.output([LogLine(at: nil, text: "  │ " + line.text, level: line.stream == .stderr ? .warn : .muted)]))
                }
                _ = try session.record([.commandRan(result)], on: id)
            }
            mailbox.post(.activity("checking the checklist again"))
            _ = try await session.autoCheck(id)
        } catch {
            mailbox.post(.failed(error))
        }
    }
}
