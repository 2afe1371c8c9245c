import Foundation
import HotfixEngine
import HotfixLogs

/// Following the pods and reading the old pods' recent logs: the baseline the window compares with.
extension DeployRunner {
    /// The follower for the window: one `kubectl proxy` for every stream; when it cannot start,
    /// one kubectl per container (and a notice saying so).
    func follow(_ baseline: DeploymentInfo, since: Date) async -> any PodLogFollowing {
        let progress = progress
        return await DeploymentFollow.follower(
            kubectl: kubectl, deployment: baseline, since: since, lineCap: lineCap, proxyDirectory: proxyDirectory, throughProxy: followThroughProxy,
            starting: { progress(.step("follow every pod's logs through one kubectl proxy (private socket \($0.socketPath))", command: $0.argv)) },
            notice: { progress(.notice($0)) }).0
    }

    /// Lets the old pods' recent logs arrive before `set image` replaces those pods: until every
    /// old pod gave `baselineEntries` entries or caught up with its log (a line written since the
    /// read began), or `baselineWait` passes (at least 30 s while not one line has come, as
    /// kubectl can be slow to start on a loaded machine). Without it the verdict has nothing to compare with.
    func readBaseline(_ box: MonitorBox) async throws(HotfixError) {
        progress(.step("read the old pods' recent logs (the baseline, the last \(Durations.words(baselineLookback))): until each old pod gave "
                       + "\(s.baselineEntries) entries or caught up, at most \(Durations.words(s.baselineWait))", command: nil))
        let started = Date()
        while true {
            try? await Task.sleep(for: .milliseconds(250))
            if Task.isCancelled { throw Self.stopped(before: "set image: nothing was rolled out") }
            let (pods, entries, latest) = box.baselineProgress()
            let total = entries.values.reduce(0, +)
            let waited = Date().timeIntervalSince(started)
            let enough = !pods.isEmpty && pods.allSatisfy { pod in
                entries[pod, default: 0] >= s.baselineEntries || latest[pod, default: 0] >= started.timeIntervalSince1970 - 1
            }
            if enough {
                progress(.notice("baseline: \(total) entries from \(pods.count) old pod\(pods.count == 1 ? "" : "s") in \(String(format: "%.1f", waited)) s"))
                return
            }
            if waited >= (total > 0 ? s.baselineWait : max(30, s.baselineWait)) {
                progress(.notice(total > 0 ? "baseline: \(total) entries from \(entries.count) old pod\(entries.count == 1 ? "" : "s") after \(Durations.words(s.baselineWait))"
                                 : "no log line from the old pods yet: the verdict will have no baseline to compare with"))
                return
            }
        }
    }
}
