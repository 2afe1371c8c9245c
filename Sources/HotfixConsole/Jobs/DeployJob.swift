import Foundation
import HotfixEngine
import HotfixScreen
import HotfixWorkflow

/// DEPLOY and the rollback run from the console through the same workflow as `hotfix deploy` and
/// `hotfix rollback`, in this process so the monitoring window is live: steps and output into
/// the log, the window's model into the DEPLOY pane, every result into the journal.
public struct DeployJob: Sendable {
    let session: Session
    let id: IncidentID
    let post: @Sendable (ConsoleMessage) -> Void
    /// For DEPLOY: ends its monitoring window early when the console asks.
    public let window: WindowControl?
    /// For DEPLOY: gets every followed line and pod report (the DEPLOY pane's stream).
    public let reader: (any LiveLogReader)?

    public init(steps: StepJob, window: WindowControl? = nil, reader: (any LiveLogReader)? = nil) {
        session = steps.session
        id = steps.id
        post = steps.post
        self.window = window
        self.reader = reader
    }

    var deploy: DeployWorkflow { DeployWorkflow(session) }

    func log(_ text: String, _ level: LineTone = .muted, at: Date? = nil) {
        post(.output([LogLine(at: at, text: text, level: level)]))
    }

    func status(_ text: String, _ role: Role) { post(.status(StatusMessage(text, role: role))) }

    /// Shows the deploy's plan (as `hotfix deploy --dry-run` prints it) in the log, then asks.
    public func planDeploy() async {
        defer { post(.activity(nil)) }
        log("▶ the deploy's plan (as hotfix deploy --dry-run prints it; nothing is changed yet)", .info, at: session.clock.now)
        for line in await deploy.planText(id).dropFirst() { log("  " + line) }
        post(.confirm(.deploy, question: await deploy.question(id)))
    }

    /// Shows the rollback's commands in the log and asks (a GitOps revert is shown and noted, not
    /// asked: hotfix runs nothing); beside a running deploy too.
    public func planRollback() async {
        do throws(HotfixError) {
            let planned = try await deploy.rollbackPlan(id)
            if !planned.runs {
                log("▶ the rollback is a GitOps revert, for you to make (hotfix runs nothing):", .info, at: session.clock.now)
                if let why = planned.explanation { log("  " + why, .warn) }
                for c in planned.commands { log("  $ " + GitText.shellWords(c)) }
                try deploy.noteRevert(id, planned)
                status("r: nothing to run here: the GitOps revert to make is in the log (tab shows it); the controller then rolls back", .warning)
                return
            }
            log("▶ the rollback (\(planned.way.words); nothing is changed yet):", .info, at: session.clock.now)
            for c in planned.commands { log("  $ " + GitText.shellWords(c)) }
            post(.confirm(.rollback, question: planned.question))
        } catch {
            post(.failed(error))
        }
    }

    /// Runs the deploy or the rollback (confirmed already).
    public func run(_ job: ConsoleJob) async {
        switch job {
        case .deploy: await runDeploy()
        case .rollback: await rollback()
        default: break
        }
        post(.activity(nil))
    }

    /// DEPLOY through the checklist gate, then the deploy itself; the status row says what comes next.
    func runDeploy() async {
        do throws(HotfixError) {
            post(.activity("deploy: the checklist gate"))
            post(.rolloutWait(nil))
            try await deploy.enter(id, override: nil)
            let outcome = try await deploy.deploy(id, window: window, reader: reader, progress: progress)
            let verdict = outcome.verdict
            let reason = verdict.reasons.first.map { " · " + $0 } ?? ""
            switch outcome.stopped {
            case .rollback:
                let back = outcome.rollback
                let to = back.map { "revision \($0.revision.map(String.init) ?? "?")\($0.image.map { " (\($0))" } ?? "")" } ?? "the baseline"
                status("rolled back to \(to); window ended early, \(verdict.outcome.rawValue)", .warning)
                return
            case .rolledBackElsewhere:
                status("rolled back from elsewhere: window ended early, \(verdict.outcome.rawValue)", .warning)
                return
            case nil:
                break
            }
            if !outcome.rolledOut {
                status("no rollout was judged: INCONCLUSIVE (\(reason.dropFirst(3))); enter watches again, n with a reason, b back to FIX", .warning)
                return
            }
            switch verdict.outcome {
            case .pass: status("verdict PASS: n moves on to BACKPORT\(reason)", .ok)
            case .fail: status("verdict FAIL: \(outcome.autoRollback ? "" : "r rolls back, ")b goes back to FIX (hotfix retry)\(reason)", .overdue)
            default: status("verdict \(verdict.outcome.rawValue): n with a reason, r rolls back, b goes back to FIX\(reason)", .warning)
            }
        } catch {
            post(.failed(error))
        }
    }

    func rollback() async {
        do throws(HotfixError) {
            let planned = try await deploy.rollbackPlan(id)
            _ = try await deploy.rollback(id, planned, progress: progress)
            status(planned.runs ? "rolled back (\(planned.way.words))\(planned.revision.map { " to revision \($0)" } ?? "")" : "the revert to make is in the log",
                   planned.runs ? .ok : .warning)
        } catch {
            post(.failed(error))
        }
    }

    /// Deploy progress as console messages.
    var progress: @Sendable (DeployEvent) -> Void {
        let (post, clock) = (post, session.clock)
        return { p in
            switch p {
            case .step(let title, let command):
                post(.activity("deploy: " + title))
                var lines = [LogLine(at: clock.now, text: "▶ " + title, level: .info)]
                if let command { lines.append(LogLine(at: nil, text: "  $ " + GitText.shellWords(command), level: .muted)) }
                post(.output(lines))
            case .output(let line):
                post(.output([LogLine(at: nil, text: "  │ " + line.text, level: line.isError ? .warn : .muted)]))
            case .notice(let text):
                post(.output([LogLine(at: nil, text: "  ! " + text, level: .warn)]))
            case .monitor(let model, _):
                post(.monitorModel(model))
            case .waiting(let wait):
                post(.rolloutWait(wait))
            }
        }
    }
}
