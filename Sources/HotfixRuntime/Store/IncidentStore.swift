import Foundation
import HotfixEngine

/// The incidents of one repository, each a journal under `<git-common-dir>/hotfix/<id>/`.
public struct IncidentStore: Sendable {
    public let repository: Repository
    public var baseDirectory: String { repository.commonDir + "/hotfix" }

    public init(repository: Repository) { self.repository = repository }

    /// What picking and listing read instead of every journal (see `IncidentIndex`).
    public var index: IncidentIndex { IncidentIndex(baseDirectory: baseDirectory) }

    public func journal(_ id: IncidentID) -> JournalFile {
        JournalFile(directory: baseDirectory + "/" + id.rawValue, index: index)
    }

    /// Every incident with a journal, in id order.
    public func ids() -> [IncidentID] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: baseDirectory)) ?? []
        return names.compactMap { try? IncidentID($0) }
            .filter { journal($0).exists }
            .sorted()
    }

    /// An incident's state with any problems met while reading its journal.
    public func load(_ id: IncidentID) throws(HotfixError) -> (state: IncidentState, events: [Event], problems: [String]) {
        let file = journal(id)
        guard file.exists else {
            throw HotfixError.usage("no incident \(id) in this repository", next: "hotfix list shows the incidents here")
        }
        let contents = try file.read()
        guard let state = IncidentState.replay(contents.events) else {
            throw HotfixError.environment("the journal of \(id) has no start event (\(file.path))",
                                          untouched: "the file was left as it is", next: "move it aside; nothing else reads it")
        }
        return (state, contents.events, contents.problems)
    }

    /// Every incident's state, skipping unreadable journals: a replay of every journal, for
    /// what prints every incident in full (`hotfix list --json`).
    public func all() -> [IncidentState] {
        ids().compactMap { try? load($0).state }
    }

    /// Every incident's summary, in id order, from the index (only changed journals are read).
    public func summaries() -> [IncidentSummary] { index.summaries() }

    /// The incident a command acts on: `explicit`, else `HOTFIX_INCIDENT`, else the only open one.
    public func select(_ explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws(HotfixError) -> IncidentID {
        if let raw = explicit ?? environment["HOTFIX_INCIDENT"].flatMap({ $0.isEmpty ? nil : $0 }) {
            let id = try IncidentID(raw)
            guard journal(id).exists else {
                let known = ids().map(\.rawValue)
                throw HotfixError.usage("no incident \(id) in this repository",
                                        next: known.isEmpty ? "start one with hotfix start TITLE" : "known incidents: \(known.joined(separator: ", "))")
            }
            return id
        }
        let incidents = summaries()
        let open = incidents.filter { !$0.isClosed }.map(\.id)
        switch open.count {
        case 1: return open[0]
        case 0:
            // Nothing open: the most recently closed incident (its report, post-mortem, outbox).
            if let latest = incidents.max(by: { ($0.closedAt ?? $0.lastEventAt) < ($1.closedAt ?? $1.lastEventAt) }) {
                return latest.id
            }
            throw HotfixError.refused("no incident in this repository", untouched: "nothing was written",
                                      next: "start one with hotfix start \"what is broken\"")
        default:
            throw HotfixError.usage("\(open.count) incidents are open: \(open.map(\.rawValue).joined(separator: ", "))",
                                    next: "choose one with --incident ID")
        }
    }
}
