import Foundation
import HotfixEngine
import HotfixRuntime
import HotfixScreen

/// The phase steps the console runs in the background, one at a time. Git steps, the report and
/// the post-mortem run as a child process of this binary (`hotfix … --incident ID`), their output
/// streamed into the log pane; their events reach the screen through the journal follower.
/// DEPLOY and the rollback run in this process with `DeployRunner`, so the monitoring window is live.
struct StepJob: Sendable {
    let session: Session
    let id: IncidentID
    let mailbox: Mailbox
    /// For DEPLOY: ends its monitoring window early when the console asks.
    var stopper: WindowStopper?

    /// This program, for the child processes (after a rebuild replaced the file, the new one).
    static var executable: String {
        guard var path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") else { return CommandLine.arguments[0] }
        if path.hasSuffix(" (deleted)") { path.removeLast(" (deleted)".count) }
        return path
    }

    func log(_ text: String, _ level: LineTone = .muted, at: Date? = nil) {
        mailbox.post(.output([LogLine(at: at, text: text, level: level)]))
    }

    func status(_ text: String, _ role: Role) { mailbox.post(.status(StatusMessage(text, role: role))) }

    /// Shows what `job` would do (its dry run, or the rollback line) in the log, then asks.
    func plan(_ job: ConsoleJob) async {
        defer { mailbox.post(.activity(nil)) }
        do {
            switch job {
            case .finish:
                guard try await child(["finish", "--dry-run"]) else { return }
                mailbox.post(.confirm(job, question: "Finish: merge into main, tag, push, delete the branch?"))
            case .deploy:
                log("▶ the deploy's plan (as hotfix deploy --dry-run prints it; nothing is changed yet)", .info, at: session.clock.now)
                for line in session.deployPlanText(id).dropFirst() { log("  " + line) }
                mailbox.post(.confirm(job, question: session.deployQuestion(id)))
            case .rollback:
                planRollback()
            case .tests, .branch, .diff, .backport, .report:
                await run(job)
            }
        } catch {
            mailbox.post(.failed(error))
        }
    }

    /// Shows the rollback line in the log and asks; at once, so it can run beside a deploy.
    func planRollback() {
        do {
            let target = try session.rollbackTarget(try session.store.load(id).state, revision: nil)
            log("▶ the rollback (nothing is changed yet), then kubectl rollout status:", .info, at: session.clock.now)
            log("  $ " + GitText.shellWords(target.undo))
            mailbox.post(.confirm(.rollback, question: target.question))
        } catch {
            mailbox.post(.failed(error))
        }
    }

    /// Runs `job` (confirmed already when it needs to be).
    func run(_ job: ConsoleJob) async {
        switch job {
        case .tests:
            await TestJob.run(session: session, id: id, mailbox: mailbox)
            return
        case .deploy:
            await deploy()
        case .rollback:
            await rollback()
        case .branch, .diff, .backport, .finish, .report:
            do {
                for args in job.commands {
                    if Task.isCancelled { break }
                    guard try await child(args) else { break }
                    status("hotfix \(args[0]) done: its output is in the log", .ok)
                }
            } catch {
                mailbox.post(.failed(error))
            }
        }
        mailbox.post(.activity(nil))
    }

    /// Runs `hotfix ARGS --incident ID` as a child process in a process group of its own (so a
    /// cancel reaches the git it runs too); its output streams into the log. True when it succeeded.
    func child(_ args: [String]) async throws(HotfixError) -> Bool {
        let shown = "hotfix " + GitText.shellWords(args + ["--incident", id.rawValue])
        mailbox.post(.activity("running " + shown))
        log("▶ $ " + shown, .info, at: session.clock.now)
        var runner = ProcessRunner()
        runner.ownProcessGroup = true
        let mailbox = mailbox
        let result = try await runner.stream([Self.executable] + args + ["--incident", id.rawValue], in: session.repository.root) { line in
            mailbox.post(.output([LogLine(at: nil, text: "  │ " + line.text, level: line.stream == .stderr ? .warn : .muted)]))
        }
        guard !result.succeeded else { return true }
        let last = result.stderr.split(separator: "\n").last.map { String($0) } ?? ""
        status("hotfix \(args[0]) stopped (exit \(result.exitCode)): \(last.replacingOccurrences(of: "hotfix: error: ", with: ""))", .overdue)
        return false
    }

    /// DEPLOY through the checklist gate, then the runner: steps and output into the log, the
    /// monitoring window into the DEPLOY pane, every result into the journal (as `hotfix deploy`).
    func deploy() async {
        do {
            mailbox.post(.activity("deploy: the checklist gate"))
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
            mailbox.post(.failed(error))
        }
    }

    func rollback() async {
        do {
            let target = try session.rollbackTarget(try session.store.load(id).state, revision: nil)
            try await session.deployRunner(id, progress: progress).rollback(toRevision: target.revision, image: target.image)
            status("rolled back to revision \(target.revision)", .ok)
        } catch {
            mailbox.post(.failed(error))
        }
    }

    /// Deploy progress as console messages.
    var progress: @Sendable (DeployProgress) -> Void {
        let (mailbox, clock) = (mailbox, session.clock)
        return { p in
            switch p {
            case .step(let title, let command):
                mailbox.post(.activity("deploy: " + title))
                var lines = [LogLine(at: clock.now, text: "▶ " + title, level: .info)]
                if let command { lines.append(LogLine(at: nil, text: "  $ " + GitText.shellWords(command), level: .muted)) }
                mailbox.post(.output(lines))
            case .output(let line):
                mailbox.post(.output([LogLine(at: nil, text: "  │ " + line.text, level: line.stream == .stderr ? .warn : .muted)]))
            case .notice(let text):
                mailbox.post(.output([LogLine(at: nil, text: "  ! " + text, level: .warn)]))
            case .monitor(let model, _):
                mailbox.post(.monitorModel(model))
            }
        }
    }
}
