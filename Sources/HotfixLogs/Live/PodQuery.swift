import Foundation

/// Which pods a live view follows (`hotfix logs follow --pod` / `--pod-regex`). `--pod` is what
/// kubectl users expect of a pod argument: a pod's exact name, or the short tag a live view
/// prints in front of its lines (`LiveTag.short`), never a part of a name (`api-1` must not
/// follow `api-12`). `--pod-regex` is stern's pod query: a regular expression searched in the
/// pod's full name (`^users-api-`, `x1k2p|q8zr4`), so pods a rollout starts later match too.
public struct PodQuery: @unchecked Sendable {
    // @unchecked: NSRegularExpression is immutable and safe to use from several threads.
    private enum Kind {
        case names([String])
        case regex(NSRegularExpression, String)
    }

    private let kind: Kind

    /// Pods named `names` (full names or short tags); nil when `names` is empty.
    public init?(names: [String]) {
        guard !names.isEmpty else { return nil }
        kind = .names(names)
    }

    /// Pods whose name `pattern` finds (unanchored, case-sensitive, as pod names are lowercase);
    /// throws when it is not a regular expression.
    public init(regex pattern: String) throws {
        kind = .regex(try NSRegularExpression(pattern: pattern), pattern)
    }

    /// True when `pod` is one the query names.
    public func matches(_ pod: String) -> Bool {
        switch kind {
        case .names(let names):
            let tag = LiveTag.short(pod)
            return names.contains { $0 == pod || $0 == tag }
        case .regex(let re, _):
            return re.firstMatch(in: pod, range: NSRange(pod.startIndex..., in: pod)) != nil
        }
    }

    /// The query as it was typed, for messages: `--pod api-1`, `--pod-regex '^api-'`.
    public var flag: String {
        switch kind {
        case .names(let names): names.map { "--pod \(Self.quoted($0))" }.joined(separator: " ")
        case .regex(_, let pattern): "--pod-regex \(Self.quoted(pattern))"
        }
    }

    /// Single-quoted when a shell would split or expand it.
    static func quoted(_ s: String) -> String {
        let plain = !s.isEmpty && s.allSatisfy { $0.isLetter || $0.isNumber || "-_.:/".contains($0) }
        return plain ? s : "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// The pods as a message names them: `name (tag)`, at most `limit`, then how many more.
    public static func list(_ pods: [String], limit: Int = 6) -> String {
        guard !pods.isEmpty else { return "none" }
        let shown = pods.sorted().prefix(limit).map { pod in
            let tag = LiveTag.short(pod)
            return tag == pod ? pod : "\(pod) (\(tag))"
        }
        return shown.joined(separator: ", ") + (pods.count > limit ? ", and \(pods.count - limit) more" : "")
    }
}
