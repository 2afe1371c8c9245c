import Foundation
import HotfixEngine
import HotfixScreen
import HotfixWorkflow

/// `c` in FIX: the commit's plan (`hotfix commit --dry-run`: the files, `git add`, `git commit -m`)
/// in the log and a y/n question, then the commit through the same workflow as `hotfix commit`,
/// checked against the plan that was confirmed.
extension StepJob {
    func planCommit(_ request: CommitRequest) async {
        let planned = Holder<CommitPlan>()
        let ok = await step(["commit", "-m", request.message, "--dry-run"]) { emit throws(HotfixError) in
            let outcome = try await reported { () async throws(HotfixError) in
                try await GitWorkflow(session).commit(id, message: request.message, dryRun: true)
            }
            emit(GitText.commit(outcome))
            planned.value = outcome.plan
        }
        guard ok, let plan = planned.value else { return }
        let files = GitText.count(plan.entries.count, "file")
        post(.confirm(.commit(CommitRequest(message: plan.message, expected: plan.entries)),
                      question: "Commit \(files) to \(plan.branch) as shown?"))
    }

    func commit(_ request: CommitRequest) async -> Bool {
        let made = Holder<CommitOutcome>()
        let ok = await step(["commit", "-m", request.message]) { emit throws(HotfixError) in
            let outcome = try await reported { () async throws(HotfixError) in
                try await GitWorkflow(session).commit(id, message: request.message, expected: request.expected, dryRun: false,
                                                      progress: gitProgress)
            }
            emit(GitText.commit(outcome))
            made.value = outcome
        }
        guard ok, let outcome = made.value, let state = try? session.load(id).state else { return ok }
        post(.commitEnded(nil))
        // The FIX pane and n judge the branch at once, not at the watch's next read.
        if let progress = await session.fixProgress(state, changes: true) { post(.fix(progress)) }
        let next = state.phase == .fix ? "n moves on to TEST" : "t runs the tests on it"
        status("committed \(GitText.short(outcome.sha).prefix(7)) on \(outcome.plan.branch): \(next)", .ok)
        return true
    }

    /// Runs `work`; a refusal also goes to the FIX pane, whole (the status row cuts it at 80 columns).
    func reported<T>(_ work: () async throws(HotfixError) -> T) async throws(HotfixError) -> T {
        do {
            return try await work()
        } catch {
            post(.commitEnded(error))
            throw error
        }
    }
}
