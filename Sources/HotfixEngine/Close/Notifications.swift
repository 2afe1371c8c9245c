import Foundation

/// A message the runtime should send because of what was just recorded.
public struct PlannedNotification: Sendable, Equatable {
    public var channel: NotificationChannel
    public var kind: NotificationKind
    public var text: String
    /// The GitHub issue number, for GitHub.
    public var target: String?

    public init(channel: NotificationChannel, kind: NotificationKind, text: String, target: String? = nil) {
        self.channel = channel; self.kind = kind; self.text = text; self.target = target
    }

    public var record: NotificationRecord {
        NotificationRecord(channel: channel, kind: kind, status: .queued, text: text, target: target)
    }
}

/// What to send, and how it reads. Templates use {id}, {ID}, {title}, {severity}, {phase},
/// {verdict}, {reasons}, {tag}, {elapsed}, {image}.
public struct NotifySettings: Sendable, Equatable {
    public var telegram: Bool
    public var commentOn: [Phase]
    public var templates: [String: String]
    public var githubComment: String
    public var tagTemplate: String

    public static let defaultTemplates: [String: String] = [
        "started": "🚨 HOTFIX-{ID} started ({severity}): {title}",
        "deployed": "🚀 HOTFIX-{ID} deployed to production ({image}). Monitoring.",
        "verdict": "📊 HOTFIX-{ID} monitoring verdict: {verdict}. {reasons}",
        "complete": "✅ HOTFIX-{ID} deployed. Issue resolved.",
    ]
    public static let defaultGithubComment = "Hotfix {id}: {phase} done. {detail}"

    public init(telegram: Bool, commentOn: [Phase] = [.deploy, .close], templates: [String: String] = defaultTemplates,
                githubComment: String = defaultGithubComment, tagTemplate: String = "hotfix-{id}") {
        self.telegram = telegram; self.commentOn = commentOn; self.templates = templates
        self.githubComment = githubComment; self.tagTemplate = tagTemplate
    }
}

public enum Notifications {
    /// The notifications that `events` (just appended; `state` includes them) call for.
    public static func plan(after events: [Event], state: IncidentState, settings: NotifySettings) -> [PlannedNotification] {
        var out: [PlannedNotification] = []
        let tag = settings.tagTemplate.replacingOccurrences(of: "{id}", with: state.id.rawValue)
        func fill(_ template: String, _ extra: [String: String] = [:]) -> String {
            var values: [String: String] = [
                "id": state.id.rawValue, "ID": state.id.rawValue.uppercased(), "title": state.title,
                "severity": state.severity.rawValue, "tag": tag,
                "elapsed": Durations.words((state.closedAt ?? state.lastEventAt).timeIntervalSince(state.startedAt)),
                "verdict": state.verdict?.outcome.name ?? "", "reasons": state.verdict?.reasons.joined(separator: "; ") ?? "",
                "image": state.deploySteps.last { $0.record.image != nil }?.record.image ?? "",
                "phase": "", "detail": "",
            ]
            for (k, v) in extra { values[k] = v }
            var text = template
            for (k, v) in values { text = text.replacingOccurrences(of: "{\(k)}", with: v) }
            return Sanitize.inline(text).trimmingCharacters(in: .whitespaces)
        }
        func telegram(_ kind: NotificationKind) {
            guard settings.telegram, let t = settings.templates[kind.name] ?? NotifySettings.defaultTemplates[kind.name] else { return }
            out.append(PlannedNotification(channel: .telegram, kind: kind, text: fill(t)))
        }
        for event in events {
            switch event.body {
            case .started:
                telegram(.started)
            case .deploy(let d) where d.step == .rollout && d.outcome == .done:
                telegram(.deployed)
            case .verdict:
                telegram(.verdict)
            case .phaseChanged(let change):
                if let issue = state.issue, settings.commentOn.contains(change.from) {
                    let detail = change.from == .deploy
                        ? (state.verdict.map { "Hotfix deployed to production. Monitoring verdict: \($0.outcome)." } ?? "Hotfix deployed to production. Monitoring.")
                        : change.to.map { "Next: \($0.title)." } ?? "Incident closed."
                    out.append(PlannedNotification(channel: .github, kind: .comment(change.from),
                                                   text: fill(settings.githubComment, ["phase": change.from.title, "detail": detail]),
                                                   target: String(issue)))
                }
                if change.to == nil {
                    if let issue = state.issue {
                        out.append(PlannedNotification(channel: .github, kind: .close, text: "Fixed in \(tag)", target: String(issue)))
                    }
                    telegram(.complete)
                }
            default:
                break
            }
        }
        return out
    }
}
