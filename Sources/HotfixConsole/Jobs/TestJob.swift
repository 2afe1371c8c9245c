import Foundation
import HotfixEngine
import HotfixScreen
import HotfixWorkflow

/// The TEST phase run from the console: the same workflow as `hotfix test`, in the background.
/// Output lines and progress go to the console as messages; results go to the journal, where
/// the console (and every other terminal) reads them.
struct TestJob: Sendable {
    let steps: StepJob

    func run() async {
        let (post, clock) = (steps.post, steps.session.clock)
        do {
            _ = try await TestWorkflow(steps.session).run(steps.id) { progress in
                switch progress {
                case .started(let step, let argv):
                    let command = argv.joined(separator: " ")
                    post(.activity("running \(step): \(command)"))
                    post(.output([LogLine(at: clock.now, text: "▶ \(step): \(command)", level: .muted)]))
                case .output(let line):
                    post(.output([LogLine(at: nil, text: "  │ " + line.text, level: line.isError ? .warn : .muted)]))
                case .finished:
                    break  // the journal's event says it, in the log and on the TEST pane
                case .checking:
                    post(.activity("checking the checklist again"))
                }
            }
        } catch {
            post(.failed(error))
        }
    }
}
