import Foundation
import HotfixEngine
import HotfixRuntime
import HotfixConsole
import HotfixScreen
import HotfixWorkflow

/// DEPLOY and the rollback run from the console, in this process with `DeployRunner`, so the
/// monitoring window is live: steps and output into the log, the window into the DEPLOY pane,
/// every result into the journal (as `hotfix deploy` and `hotfix rollback` write them).
struct DeployJob: Sendable {
    let session: Session
    let id: IncidentID
    let post: @Sendable (ConsoleMessage) -> Void
    /// For DEPLOY: ends its monitoring window early when the console asks.
    var stopper: WindowStopper?

    init(steps: StepJob, stopper: WindowStopper? = nil) {
        session = steps.session
        id = steps.id
        post = steps.post
        self.stopper = stopper
    }

    func log(_ text: String, _ level: LineTone = .muted, at: Date? = nil) {
        post(.output([LogLine(at: at, text: text, level: level)]))
    }

    func status(_ text: String, _ role: Role) { post(.status(StatusMessage(text, role: role))) }

    /// Shows the deploy's plan (as `hotfix deploy --dry-run` prints it) in the log, then asks.
    func planDeploy() {
        defer { post(.activity(nil)) }
        log("▶ the deploy's plan (as hotfix deploy --dry-run prints it; nothing is changed yet)", .info, at: session.clock.now)
        for line in session.deployPlanText(id).dropFirst() { log("  " + line) }
        post(.confirm(.deploy, question: session.deployQuestion(id)))
    }

    /// Shows the rollback line in the log and asks; at once, so it can run beside a deploy.
    func planRollback() {
        do {
            let target = try session.rollbackTarget(try session.store.load(id).state, revision: nil)
            log("▶ the rollback (nothing is changed yet), then kubectl rollout status:", .info, at: session.clock.now)
            log("  $ " + GitText.shellWords(target.undo))
            post(.confirm(.rollback, question: target.question))
        } catch {
            post(.failed(error))
        }
    }

    /// Runs the deploy or the rollback (confirmed already).
    func run(_ job: ConsoleJob) async {
        switch job {
        case .deploy: await deploy()
        case .rollback: await rollback()
        default: break
        }
        post(.activity(nil))
    }

    /// DEPLOY through the checklist gate, then the runner: steps and output into the log, the
    /// monitoring window into the DEPLOY pane, every result into the journal (as `hotfix deploy`).
    func deploy() async {
        do {
            post(.activity("deploy: the checklist gate"))
            try await session.enterDeploy(try session.store.load(id).state, override: nil)
            var runner = session.deployRunner(id, progress: progress)
            runner.stopper = stopper
            runner.source = await DeploySource.read(root: session.repository.root, main: session.config.git.main)
            let verdict = try await runner.run()
            let reason = verdict.reasons.first.map { " · " + $0 } ?? ""
            switch stopper?.requested {
            case .rollback:
                let back = (try? session.store.load(id).state)?.rollbacks.last?.record
                let to = back.map { "revision \($0.revision.map(String.init) ?? "?")\($0.image.map { " (\($0))" } ?? "")" } ?? "the baseline"
                status("rolled back to \(to); window ended early, \(verdict.outcome.rawValue)", .warning)
                return
            case .rolledBackElsewhere:
                status("rolled back from elsewhere: window ended early, \(verdict.outcome.rawValue)", .warning)
                return
            case nil:
                break
            }
            switch verdict.outcome {
            case .pass: status("verdict PASS: n moves on to BACKPORT\(reason)", .ok)
            case .fail: status("verdict FAIL: \(session.deployPlan(id).plan.settings.autoRollback ? "" : "r rolls back, ")b goes back to FIX (hotfix retry)\(reason)", .overdue)
            default: status("verdict \(verdict.outcome.rawValue): n with a reason, r rolls back, b goes back to FIX\(reason)", .warning)
            }
        } catch {
            post(.failed(error))
        }
    }

    func rollback() async {
        do {
            let target = try session.rollbackTarget(try session.store.load(id).state, revision: nil)
            try await session.deployRunner(id, progress: progress).rollback(toRevision: target.revision, image: target.image)
            status("rolled back to revision \(target.revision)", .ok)
        } catch {
            post(.failed(error))
        }
    }

    /// Deploy progress as console messages.
    var progress: @Sendable (DeployProgress) -> Void {
        let (post, clock) = (post, session.clock)
        return { p in
            switch p {
            case .step(let title, let command):
                post(.activity("deploy: " + title))
                var lines = [LogLine(at: clock.now, text: "▶ " + title, level: .info)]
                if let command { lines.append(LogLine(at: nil, text: "  $ " + GitText.shellWords(command), level: .muted)) }
                post(.output(lines))
            case .output(let line):
                post(.output([LogLine(at: nil, text: "  │ " + line.text, level: line.stream == .stderr ? .warn : .muted)]))
            case .notice(let text):
                post(.output([LogLine(at: nil, text: "  ! " + text, level: .warn)]))
            case .monitor(let model, _):
                post(.monitorModel(model))
            }
        }
    }
}
