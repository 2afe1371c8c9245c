import Foundation

/// Where the git flow works: the remote, the long-lived branches, the names it creates.
/// The config (`.hotfix.yml`, `git:` section) maps onto this; the defaults equal the workflow.
public struct GitSettings: Sendable, Equatable, Codable {
    /// The remote to fetch from and push to; nil works locally only.
    public var remote: String?
    public var main: String
    /// The integration branch that always gets the fix; nil when the repository has none.
    public var develop: String?
    /// The hotfix branch name, `{id}` replaced by the incident id.
    public var branch: String
    /// The tag name, `{id}` replaced by the incident id.
    public var tag: String
    /// Branch patterns that get the fix besides develop (`*` matches any run of characters).
    public var backport: [String]
    /// Merge message templates: `{id}`, `{branch}`, `{target}`, `{title}`, `{tag}`.
    public var backportMessage: String
    public var mainMessage: String
    public var tagMessage: String

    public init(remote: String? = "origin", main: String = "main", develop: String? = "develop",
                branch: String = "hotfix/{id}", tag: String = "hotfix-{id}", backport: [String] = ["feature/*"],
                backportMessage: String = "Merge {branch} into {target} (backport of hotfix {id})",
                mainMessage: String = "Merge {branch} into {target} (hotfix {id}: {title})",
                tagMessage: String = "Hotfix {id}: {title}") {
        self.remote = remote; self.main = main; self.develop = develop
        self.branch = branch; self.tag = tag; self.backport = backport
        self.backportMessage = backportMessage; self.mainMessage = mainMessage; self.tagMessage = tagMessage
    }

    /// The workflow's defaults: origin, main, develop, `hotfix/{id}`, `hotfix-{id}`, `feature/*`.
    public static let workflow = GitSettings()

    public func branchName(_ id: IncidentID) -> String { branch.replacingOccurrences(of: "{id}", with: id.rawValue) }
    public func tagName(_ id: IncidentID) -> String { tag.replacingOccurrences(of: "{id}", with: id.rawValue) }

    /// True when `branch` gets the fix through a backport pattern (develop is added separately).
    public func isBackportTarget(_ name: String, hotfixBranch: String) -> Bool {
        name != main && name != hotfixBranch && backport.contains { RefName.matches($0, name) }
    }

    /// Refuses names git would reject or that would make the flow ambiguous, before git sees them.
    public func validate() throws(HotfixError) {
        var problems: [String] = []
        func check(_ key: String, _ value: String, glob: Bool = false) {
            if let p = RefName.problem(value, allowGlob: glob) { problems.append("git.\(key) '\(Sanitize.inline(value))': \(p)") }
        }
        if let remote {
            if let p = RefName.problem(remote) { problems.append("git.remote '\(Sanitize.inline(remote))': \(p)") }
            else if remote.contains("/") { problems.append("git.remote '\(Sanitize.inline(remote))': a remote name has no '/'") }
        }
        check("main", main)
        if let develop {
            check("develop", develop)
            if develop == main { problems.append("git.develop is the same branch as git.main ('\(Sanitize.inline(main))')") }
        }
        for (key, template) in [("branch", branch), ("tag", tag)] {
            if !template.contains("{id}") {
                problems.append("git.\(key) '\(Sanitize.inline(template))' has no {id}: every incident needs its own name")
            }
            check(key, template.replacingOccurrences(of: "{id}", with: "001-x"))
        }
        if branch.replacingOccurrences(of: "{id}", with: "x") == main { problems.append("git.branch must differ from git.main") }
        for pattern in backport { check("backport", pattern, glob: true) }
        if backport.contains(where: { RefName.matches($0, branch.replacingOccurrences(of: "{id}", with: "001-x")) }) {
            problems.append("git.backport pattern matches the hotfix branch itself ('\(Sanitize.inline(branch))')")
        }
        guard problems.isEmpty else {
            throw HotfixError.usage("invalid git settings: " + problems.joined(separator: "; "),
                                    untouched: "nothing was run",
                                    next: "fix the git section of .hotfix.yml (names follow git check-ref-format: no spaces, '..', '~^:?[\\', or leading '-')")
        }
    }
}

/// Fills a message template: `{id}`, `{branch}`, `{target}`, `{title}`, `{tag}`; the result is one clean line.
public enum MergeMessage {
    public static func render(_ template: String, id: IncidentID, branch: String, target: String = "",
                              title: String = "", tag: String = "") -> String {
        var text = template
        for (key, value) in [("{id}", id.rawValue), ("{branch}", branch), ("{target}", target), ("{tag}", tag), ("{title}", title)] {
            text = text.replacingOccurrences(of: key, with: value)
        }
        let line = Sanitize.inline(text).trimmingCharacters(in: .whitespaces)
        return line.isEmpty ? "Hotfix \(id)" : String(line.prefix(300))
    }
}
