import Foundation
import HotfixEngine

/// Sends planned notifications (Telegram, GitHub through `gh`) and journals every attempt.
/// A message that cannot go out now stays queued in the journal for `hotfix sync`.
public struct Notifier: Sendable {
    public var config: HotfixConfig
    public var repositoryRoot: String
    public var environment: [String: String]
    public var runner: ProcessRunner
    /// Seconds before the first retry; doubles each time.
    public var backoff: Double

    public init(config: HotfixConfig, repositoryRoot: String, environment: [String: String],
                runner: ProcessRunner = ProcessRunner(), backoff: Double = 1) {
        self.config = config
        self.repositoryRoot = repositoryRoot
        self.environment = environment
        self.runner = runner
        self.backoff = backoff
    }

    var telegramScript: String { repositoryRoot + "/notifications/telegram.sh" }

    var token: String? { environment[config.telegram.tokenEnv].flatMap { $0.isEmpty ? nil : $0 } }
    var chat: String? { environment[config.telegram.chatEnv].flatMap { $0.isEmpty ? nil : $0 } }

    /// Telegram is on when the repository has its script, or both variables are set.
    public var telegramConfigured: Bool {
        FileManager.default.isExecutableFile(atPath: telegramScript) || FileManager.default.fileExists(atPath: telegramScript)
            || (token != nil && chat != nil)
    }

    public var settings: NotifySettings {
        NotifySettings(telegram: telegramConfigured, commentOn: config.github.commentOn, templates: config.telegram.templates,
                       githubComment: config.github.comment, tagTemplate: config.git.tag)
    }

    /// Sends each message; `record` journals each attempt's result. Returns the final records.
    @discardableResult
    public func deliver(_ planned: [PlannedNotification], record: (NotificationRecord) -> Void) async -> [NotificationRecord] {
        var finals: [NotificationRecord] = []
        for message in planned {
            let final: NotificationRecord
            switch message.channel {
            case .telegram: final = await sendTelegram(message, record: record)
            case .github: final = await sendGitHub(message)
            case .unrecognized(let name):
                // Written by a newer hotfix: left in the outbox for it to deliver.
                final = NotificationRecord(channel: message.channel, kind: message.kind, status: .queued,
                                           detail: "channel '\(name)' is not known to this hotfix; a newer one delivers it",
                                           text: message.text, target: message.target)
            }
            record(final)
            finals.append(final)
        }
        return finals
    }

    /// Retries everything in the outbox (queued or failed), in order; a channel this build does not
    /// know (a newer writer's) is left for a newer hotfix.
    public func sync(_ state: IncidentState, record: (NotificationRecord) -> Void) async -> [NotificationRecord] {
        let pending = state.outbox.filter { NotificationChannel.known.contains($0.channel) }.map { n in
            PlannedNotification(channel: n.channel, kind: n.kind, text: n.text ?? "", target: n.target)
        }.filter { !$0.text.isEmpty }
        return await deliver(pending, record: record)
    }

    // MARK: GitHub

    func sendGitHub(_ m: PlannedNotification) async -> NotificationRecord {
        guard let issue = m.target else {
            return NotificationRecord(channel: .github, kind: m.kind, status: .skipped, detail: "no linked issue", text: m.text)
        }
        let argv = m.kind == .close
            ? ["gh", "issue", "close", issue, "--comment", m.text]
            : ["gh", "issue", "comment", issue, "--body", m.text]
        do {
            let result = try await runner.run(argv, in: repositoryRoot)
            if result.succeeded {
                return NotificationRecord(channel: .github, kind: m.kind, status: .sent, detail: "gh \(argv[1]) \(argv[2]) #\(issue)", text: m.text, target: issue)
            }
            let why = result.tail(2).joined(separator: " / ")
            return NotificationRecord(channel: .github, kind: m.kind, status: .queued,
                                      detail: "gh failed (exit \(result.exitCode)): \(why); run hotfix sync once gh works (gh auth login)",
                                      text: m.text, target: issue)
        } catch {
            return NotificationRecord(channel: .github, kind: m.kind, status: .queued,
                                      detail: "\(error.message); install gh and log in (gh auth login), then run hotfix sync",
                                      text: m.text, target: issue)
        }
    }

    // MARK: Telegram

    func sendTelegram(_ m: PlannedNotification, record: (NotificationRecord) -> Void) async -> NotificationRecord {
        let attempts = max(1, config.telegram.attempts)
        var lastError = ""
        for attempt in 1...attempts {
            let outcome = await telegramOnce(m.text)
            if outcome == nil {
                return NotificationRecord(channel: .telegram, kind: m.kind, status: .sent, attempt: attempt, text: m.text)
            }
            lastError = outcome!
            if attempt < attempts {
                record(NotificationRecord(channel: .telegram, kind: m.kind, status: .failed, attempt: attempt,
                                          detail: lastError + "; retrying", text: m.text))
                try? await Task.sleep(for: .seconds(backoff * pow(2, Double(attempt - 1))))
            }
        }
        return NotificationRecord(channel: .telegram, kind: m.kind, status: .failed, attempt: attempts,
                                  detail: lastError + "; left in the outbox: run hotfix sync", text: m.text)
    }

    /// One attempt; nil when delivered, else why not (never containing the token).
    func telegramOnce(_ text: String) async -> String? {
        if FileManager.default.fileExists(atPath: telegramScript) {
            do {
                let r = try await runner.run(["bash", telegramScript, text], in: repositoryRoot)
                return r.succeeded ? nil : scrub("notifications/telegram.sh exited \(r.exitCode): \(r.tail(2).joined(separator: " / "))")
            } catch {
                return scrub(error.message)
            }
        }
        guard let token, let chat else { return "Telegram is not configured (\(config.telegram.tokenEnv), \(config.telegram.chatEnv))" }
        let base = config.telegram.baseURL.hasSuffix("/") ? String(config.telegram.baseURL.dropLast()) : config.telegram.baseURL
        let url = "\(base)/bot\(token)/sendMessage"
        // A token read from a file can end in "\r": a line break must never reach curl's config.
        guard !url.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F }) else {
            return "the Telegram token (\(config.telegram.tokenEnv)) or base URL contains a space or a control character (a stray line end?); fix it, then run hotfix sync"
        }
        guard URL(string: url) != nil else { return "the Telegram base URL is invalid" }
        let body = (try? JSONSerialization.data(withJSONObject: ["chat_id": chat, "text": text, "disable_web_page_preview": true]))
            .map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        do {
            let r = try await runner.run(Self.curlArguments, in: repositoryRoot,
                                         input: Self.curlConfig(url: url, json: body))
            guard r.exitCode == 0 else {
                let why = r.stderr.split(separator: "\n").last.map(String.init) ?? "curl exited \(r.exitCode)"
                return scrub("Telegram unreachable: \(Sanitize.inline(why))")
            }
            var lines = r.stdout.split(separator: "\n", omittingEmptySubsequences: false)
            let status = Int(lines.popLast() ?? "") ?? 0
            if (200..<300).contains(status) { return nil }
            let answer = String(lines.joined(separator: " ").prefix(200))
            return scrub("Telegram answered HTTP \(status): \(Sanitize.inline(answer))")
        } catch {
            return scrub("Telegram not sent: \(error.message); install curl (it posts the message), then run hotfix sync")
        }
    }

    /// The Bot API is called through the curl program rather than URLSession: linking
    /// FoundationNetworking loads libcurl and some thirty libraries at the start of every hotfix
    /// command (about 10 ms each time), where curl runs only when a message goes out. The URL
    /// holds the token, so it reaches curl on standard input as its config, never among its
    /// arguments (which any local user can read in /proc).
    static let curlArguments = ["curl", "--silent", "--show-error", "--max-time", "10", "--config", "-",
                                "--output", "-", "--write-out", "\\n%{http_code}"]

    /// A curl config file posting `json` to `url`.
    ///
    /// Not a JSON escaper (the body is JSON already, written by JSONSerialization): curl's config
    /// syntax, where a double-quoted value knows only the escapes \\ \" \t \n \r \v and has no
    /// \u. What reaches it holds no line break or other control character (JSON escapes those in
    /// the body; a URL with one is refused in `telegramOnce`), so a backslash and a quote are
    /// all there is to escape.
    static func curlConfig(url: String, json: String) -> String {
        func quoted(_ s: String) -> String {
            "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
        return """
            url = \(quoted(url))
            request = "POST"
            header = "Content-Type: application/json"
            data-binary = \(quoted(json))

            """
    }

    /// The token never leaves this process: cut it from anything recorded or shown.
    func scrub(_ text: String) -> String {
        guard let token, !token.isEmpty else { return text }
        return text.replacingOccurrences(of: token, with: "<token>")
    }
}
