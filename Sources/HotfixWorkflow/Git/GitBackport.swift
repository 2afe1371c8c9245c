import Foundation
import HotfixEngine
import HotfixRuntime

extension GitWorkflow {
    /// A backport target to mark as skipped, with why it does not need the fix.
    public struct Skip: Sendable {
        public var branch: String
        public var reason: String
        public init(branch: String, reason: String) { self.branch = branch; self.reason = reason }
    }

    /// BACKPORT: merge the fix into develop and every backport target (nothing pushed); then on to
    /// CLOSE once every target is handled. A conflicting target is left as it was and reported.
    public func backport(_ id: IncidentID, dryRun: Bool, skip: Skip? = nil,
                         progress: @escaping @Sendable (GitProgress) -> Void = { _ in }) async throws(HotfixError) -> GitRunOutcome {
        var state = try session.load(id).state
        let journal = journal(state, dryRun: dryRun, progress: progress)
        try session.warnIfOutOfPhase(state, expected: [.backport], command: "hotfix backport", source: .git, journal: !dryRun)
        var skipped: (branch: String, reason: String)?
        if let skip {
            skipped = (skip.branch, try mark(skip, in: state, journal: journal))
            state = try session.store.load(id).state
        }
        var memory = Self.memory(state)
        if dryRun, let skipped { memory.skipped[skipped.branch] = skipped.reason }  // not journaled in a dry run, but planned as skipped
        let flow = journal.flow(settings)
        let run = try await journal.journaled { () async throws(HotfixError) -> FinishRun in
            try await flow.backport(id: id, title: state.title, memory: memory, dryRun: dryRun)
        }
        var outcome = GitRunOutcome(run: run, dryRun: dryRun, failure: run.stopped, skipped: skipped, tag: settings.tagName(id))
        let open = GitFlow.unhandled(run)
        if outcome.failure == nil, !open.isEmpty, !dryRun {
            outcome.failure = HotfixError.refused(
                "\(open.count) backport target\(open.count == 1 ? "" : "s") need\(open.count == 1 ? "s" : "") attention: \(open.map { "\($0.target) (\($0.outcome))" }.joined(separator: ", "))",
                untouched: "those branches were left exactly as they were; the others are merged",
                next: "merge \(settings.branchName(id)) into each by hand and commit, or hotfix backport --skip BRANCH --reason TEXT; then run hotfix backport again")
        }
        if outcome.failure == nil, !dryRun { outcome.moved = try await session.advance(id, from: .backport) }
        return outcome
    }

    /// Journals `skip` (its reason trimmed and bounded as a note is); returns the reason as recorded.
    func mark(_ skip: Skip, in state: IncidentState, journal: GitJournal) throws(HotfixError) -> String {
        if let problem = RefName.problem(skip.branch) {
            throw HotfixError.usage("--skip '\(Sanitize.inline(skip.branch))' is not a branch name: \(problem)")
        }
        guard skip.branch == settings.develop || settings.isBackportTarget(skip.branch, hotfixBranch: settings.branchName(state.id)) else {
            throw HotfixError.usage("\(Sanitize.inline(skip.branch)) is not a backport target (develop or \(settings.backport.joined(separator: ", ")))")
        }
        guard case .noted(let note) = try Engine.decide(.note(skip.reason), state: state).first else { return skip.reason }
        try journal.record([.git(GitRecord(step: .backport, target: skip.branch, outcome: .skipped, detail: note.text))])
        return note.text
    }

    /// The finish: the backports again (only what is left), merge into main, tag, push by name,
    /// delete the branch; then on to CLOSE. Refused while a target is unhandled unless `override`.
    public func finish(_ id: IncidentID, dryRun: Bool, push: Bool = true, keepBranch: Bool = false, override: String? = nil,
                       progress: @escaping @Sendable (GitProgress) -> Void = { _ in }) async throws(HotfixError) -> GitRunOutcome {
        let state = try session.load(id).state
        let journal = journal(state, dryRun: dryRun, progress: progress)
        try session.warnIfOutOfPhase(state, expected: [.backport, .close], command: "hotfix finish", source: .git, journal: !dryRun)
        let options = FinishOptions(scope: .finish, push: push, keepBranch: keepBranch)
        let reason = override?.trimmingCharacters(in: .whitespacesAndNewlines)
        let flow = journal.flow(settings)
        let refusedAfter = Holder<FinishRun>()
        let run: FinishRun
        do throws(HotfixError) {
            run = try await journal.journaled { () async throws(HotfixError) -> FinishRun in
                try await flow.finish(id: id, title: state.title, memory: Self.memory(state), options: options, dryRun: dryRun) { backports throws(HotfixError) in
                    try journal.flush()
                    do throws(HotfixError) { try judgeBackports(backports, id: id, dryRun: dryRun, reason: reason, journal: journal) } catch {
                        refusedAfter.value = backports
                        throw error
                    }
                }
            }
        } catch {
            guard let backports = refusedAfter.value else { throw error }
            return GitRunOutcome(run: backports, dryRun: false, failure: error, tag: settings.tagName(id))
        }
        var outcome = GitRunOutcome(run: run, dryRun: dryRun, failure: run.stopped, tag: settings.tagName(id),
                                    pushedTo: push ? settings.remote ?? "nowhere" : nil)
        if outcome.failure == nil, !dryRun { outcome.moved = try await session.advance(id, from: .backport) }
        return outcome
    }

    /// The backports guardrail, judged on the journal the backport steps just wrote: refuses to go on
    /// to main while a target is unhandled, unless overridden with a reason (journaled).
    func judgeBackports(_ backports: FinishRun, id: IncidentID, dryRun: Bool, reason: String?, journal: GitJournal) throws(HotfixError) {
        var state = try session.store.load(id).state
        if dryRun {
            // A planned merge counts as merged: the question is what the real run would refuse.
            for r in backports.reports {
                guard var rec = r.record else { continue }
                if rec.outcome == .planned { rec.outcome = .merged }
                state.apply(Event(seq: state.lastSeq + 1, at: state.lastEventAt, body: .git(rec)))
            }
        }
        let refusals = Guardrails.check(.enter(.close), in: state).filter { $0.rule == .backports }
        guard !refusals.isEmpty else { return }
        let message = refusals.map(\.message).joined(separator: "; ")
        if dryRun { session.warn("the real run would stop here: \(message)"); return }
        guard let reason, !reason.isEmpty else {
            throw HotfixError.refused("not finishing: \(message)", untouched: "main, the tag and the remote were not touched",
                                      next: refusals.map(\.next).joined(separator: "; "))
        }
        session.warn("override of 'backports': \(message) — reason: \(reason)")
        try journal.record([.overridden(GuardrailOverride(rule: .backports, reason: reason, action: "hotfix finish", message: message))])
    }

    /// What the journal knows about backport targets.
    static func memory(_ state: IncidentState) -> GitFlow.Memory {
        var m = GitFlow.Memory()
        for (name, status) in state.backports {
            m.known[name] = status.outcome
            if status.outcome == .skipped { m.skipped[name] = status.detail ?? "skipped" }
        }
        return m
    }
}
