import ArgumentParser
import Foundation
import HotfixEngine
import HotfixLogs
import HotfixWorkflow
import HotfixRuntime
#if canImport(Glibc)
import Glibc
#endif

extension Output {
    /// Asks yes/no on the terminal; without a terminal the answer is no.
    static func confirm(_ question: String) -> Bool {
        guard isatty(0) != 0 else { return false }
        FileHandle.standardOutput.write(Data("\(question) [y/N] ".utf8))
        let answer = readLine()?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
        return answer == "y" || answer == "yes"
    }
}

/// Prints deploy progress as it happens.
struct DeployPrinter: Sendable {
    let lastMonitor = MonitorClockBox()
    let lastWait = MonitorClockBox()

    func callAsFunction(_ p: DeployEvent) {
        switch p {
        case .step(let title, let command):
            Output.line("▶ \(title)")
            if let command { Output.line("  $ \(command.joined(separator: " "))") }
        case .output(let line):
            Output.line("  │ \(Sanitize.inline(line.text))")
        case .notice(let text):
            Output.line("  ! \(Sanitize.inline(text))")
        case .monitor(let model, let now):
            // One status line every 5 seconds is enough for a log file; the console shows it live.
            guard lastMonitor.due(now, every: 5) else { return }
            Output.line("  " + MonitorLineText.render(model, now: now))
        case .waiting(let wait):
            // Waiting: a line now and then (and at once when it ends); the console shows it live.
            let now = Date().timeIntervalSince1970
            guard wait.state != .waiting || lastWait.due(now, every: 15) else { return }
            Output.line("  … " + Sanitize.inline(wait.line(at: now)))
        }
    }
}

final class MonitorClockBox: @unchecked Sendable {
    private let lock = NSLock()
    private var last = 0.0
    func due(_ now: Double, every seconds: Double) -> Bool {
        lock.withLock {
            guard now - last >= seconds else { return false }
            last = now
            return true
        }
    }
}

/// One line about the monitoring window: where it stands, both sides' error rates and p99, the verdict so far.
enum MonitorLineText {
    static func render(_ m: MonitorModel, now: Double) -> String {
        let v = m.verdict(now: now)
        let where_: String = switch v.phase {
        case .waiting: "waiting for the rollout"
        case .warmingUp(let left): "warming up, \(Durations.clock(left)) left"
        case .running(let left): "monitoring, \(Durations.clock(left)) left"
        case .final: "window over"
        }
        func side(_ s: MonitorSide) -> String {
            let sum = m.summary(s)
            let p99 = sum.total.latency.quantileMs(0.99).map { String(format: "p99 %.0f ms", $0) } ?? "p99 –"
            return String(format: "%@ %.1f%% errors of %d, %@", s.rawValue, sum.total.errorRate * 100, sum.total.entries, p99)
        }
        let news = v.verdict.newTemplates.filter(\.counts).count
        return "\(where_) · \(side(.baseline)) · \(side(.hotfix)) · new error templates: \(news) · verdict so far: \(v.verdict.outcome.rawValue)"
    }
}

struct Deploy: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deploy",  // named, not derived from the type: deriving costs ~1 ms at every start
        abstract: "Run DEPLOY as configured: build and push (when set), set image or deploy.rollout's command or wait for a rollout made elsewhere, monitor, judge.",
        discussion: """
        Refused until the pre-deploy checklist passes (or --override REASON). Once the latest \
        attempt was judged, refused too (exit 1, nothing deployed; --override REASON passes it, \
        journaled): after a FAIL roll back (hotfix rollback) and go back to FIX (hotfix retry), \
        after a PASS move on (hotfix next). A second deploy runs only when the judged attempt \
        rolled nothing out or its PASS was rolled back; it is the next attempt, its plan printed \
        first. Shows every command before it runs; without --yes it asks first. The monitoring \
        window (deploy.window after deploy.warmup) compares the new pods with the old ones and ends in a verdict. Exit code by \
        verdict: 0 PASS, 1 FAIL, 4 MARGINAL, 5 INCONCLUSIVE (as hotfix logs compare).

        Examples:
          hotfix deploy --dry-run
          hotfix deploy --yes
        """)

    @OptionGroup var options: IncidentOptions
    @Flag(help: "Print every command of the plan, in order, and change nothing.") var dryRun = false
    @Flag(help: "Do not ask for confirmation.") var yes = false
    @Option(help: ArgumentHelp("Deploy although the checklist is not done or the latest attempt was judged, with a written reason.",
                               valueName: "reason")) var override: String?

    func run() async throws {
        let session = try await Wiring.session()
        let id = try session.select(options.incident)
        let deploy = DeployWorkflow(session)
        if dryRun {
            for line in await deploy.planText(id) { Output.line(line) }
            if let refusal = try deploy.redeployRefusal(id) {
                Output.line("Refused now: \(refusal.message). Next: \(refusal.next)")
            }
            return
        }
        let judged = try await deploy.enter(id, override: override)
        var question = await deploy.question(id)
        if let judged {
            // A second deploy after a verdict is a new attempt: its plan first, as the console shows it.
            Output.line("Attempt \(judged.attempt) was judged \(judged.judged); this deploy is attempt \(judged.attempt + 1).")
            for line in await deploy.planText(id) { Output.line(line) }
            question = "Attempt \(judged.attempt + 1): " + question
        }
        guard yes || Output.confirm(question) else {
            throw HotfixError.refused("not confirmed", untouched: "nothing was deployed",
                                      next: "answer y, or pass --yes (scripts); hotfix deploy --dry-run shows every command")
        }
        try await Self.run(deploy, id, .configured)
    }

    /// Runs the deploy (or the watch) with its window ended by a rollback from another terminal and
    /// by signals, prints the verdict and what comes next, and exits with the verdict's code.
    static func run(_ deploy: DeployWorkflow, _ id: IncidentID, _ run: DeployRun) async throws {
        let printer = DeployPrinter()
        // A `hotfix rollback` from another terminal ends this window early, as it does the console's.
        let window = WindowControl()
        let watch = deploy.stopOnRollbackElsewhere(id, window: window)
        defer { watch.cancel() }
        // SIGTERM, SIGHUP or Ctrl-C stop the deploy the way the console's quit does: the window
        // ends, kubectl proxy and every kubectl are stopped, the stop is journaled.
        let work = Task { () async throws(HotfixError) -> DeployOutcome in try await deploy.deploy(id, run: run, window: window) { printer($0) } }
        let signals = cancelOnSignals(work)
        defer { signals.forEach { $0.cancel() } }
        let outcome = try await work.value
        let verdict = outcome.verdict
        Output.line("Verdict: \(verdict.outcome.rawValue)")
        for r in verdict.reasons { Output.line("  - \(Sanitize.inline(r))") }
        let retry = "hotfix retry (back to FIX for attempt \(outcome.attempt + 1), same branch, the clock keeps running)"
        if outcome.stopped == .rolledBackElsewhere {
            Output.line("The deployment was rolled back from another terminal; this window ended early.")
        } else if !outcome.rolledOut {
            Output.line("No rollout was judged. Next: start the rollout and hotfix watch again; or hotfix next --override REASON; or \(retry)")
        } else if verdict.outcome == .fail {
            if !outcome.autoRollback { Output.line("Roll back with: hotfix rollback (\(outcome.rollbackWay.words))") }
            Output.line("Next: \(retry); hotfix next is refused after a FAIL (--override REASON passes it)")
        } else if verdict.outcome == .pass {
            Output.line("Next: hotfix next (BACKPORT)")
        } else {
            Output.line("Next: hotfix next --override REASON (say why \(verdict.outcome.rawValue) is good enough), or \(retry)")
        }
        if verdict.outcome.exitCode != 0 { throw ExitCode(verdict.outcome.exitCode) }
    }
}

extension Deploy {
    /// Cancels `task` on SIGTERM, SIGHUP or SIGINT (instead of dying with children left behind).
    static func cancelOnSignals<T, E: Error>(_ task: Task<T, E>) -> [any DispatchSourceSignal] {
        [SIGTERM, SIGHUP, SIGINT].map { sig in
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { task.cancel() }
            source.resume()
            return source
        }
    }
}

struct Rollback: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollback",  // named, not derived from the type: deriving costs ~1 ms at every start
        abstract: "Roll the deployment back the way it was deployed, to what it ran before hotfix deploy.",
        discussion: """
        By deploy.rollback: kubectl rollout undo to the revision recorded before the deploy (set \
        image, kubectl apply); helm rollback RELEASE to the release's revision recorded before the \
        upgrade; the configured command; or, for GitOps (deploy.rollout: external), the git revert \
        to make on the deployed branch, which is printed and never run (the controller would undo \
        a kubectl rollback; exit 1: nothing was rolled back). Shows the exact commands first and \
        asks (unless --yes), then waits for the rollout.

        Example:
          hotfix rollback --yes
        """)

    @OptionGroup var options: IncidentOptions
    @Flag(help: "Do not ask for confirmation.") var yes = false
    @Option(name: .customLong("to-revision"), help: "Another revision than the recorded baseline (with Helm, the release's revision).")
    var revision: Int?

    func run() async throws {
        let session = try await Wiring.session()
        let id = try session.select(options.incident)
        let deploy = DeployWorkflow(session)
        let planned = try await deploy.rollbackPlan(id, revision: revision)
        guard planned.runs else {
            Output.line("The rollback is a GitOps revert: \(planned.explanation ?? DeployPlan.gitOpsNote).")
            Output.line("Make it:")
            for c in planned.commands { Output.line("  $ \(GitText.shellWords(c))") }
            try deploy.noteRevert(id, planned)
            throw HotfixError.refused("hotfix does not run a GitOps revert", untouched: "nothing was rolled back: the deployment runs what it ran",
                                      next: "make the revert above; or set deploy.rollback to a command hotfix may run (for example [argocd, app, rollback, app])")
        }
        for c in planned.commands { Output.line("$ \(GitText.shellWords(c))") }
        guard yes || Output.confirm(planned.question) else {
            throw HotfixError.refused("not confirmed", untouched: "nothing was rolled back", next: "answer y, or pass --yes")
        }
        let printer = DeployPrinter()
        let after = try await deploy.rollback(id, planned) { printer($0) }
        if let after {
            Output.line("Rolled back (\(planned.way.words)): deployment/\(planned.deployment) runs \(after.images[planned.container] ?? "?") at revision \(after.revision).")
        }
    }
}
