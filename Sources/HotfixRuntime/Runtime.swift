// HotfixRuntime: where effects run. Commands as argv arrays (`ProcessRunner`: process groups,
// bounded teardown), the journal file with its lock, fsync and torn-line recovery, the incident
// store and its index, config from `.hotfix.yml` (Yams) with file:line errors, git (`GitClient`,
// `BranchStart`, `GitFlow`: merges without touching the work tree), kubectl and the deploy
// runner with its log follower, the automatic checks' inputs, and notifications (gh, Telegram).
// It decides nothing the engine decides; the workflow (HotfixWorkflow) composes it into use cases.
