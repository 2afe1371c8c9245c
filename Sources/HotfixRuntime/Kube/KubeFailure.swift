import Foundation
import HotfixEngine

/// A failed kubectl call, read as a person should read it: what went wrong (the cluster could
/// not be reached, it refused the credentials, the object is missing), at which server, and at
/// most kubectl's last two distinct lines. kubectl retries its discovery and logs every attempt
/// (`E1203 16:42:15.628700 24721 memcache.go:265] "Unhandled Error" err="…"`): those lines say
/// the same thing several times, with a header nobody needs at 3 a.m.
public struct KubeFailure: Sendable, Equatable {
    public enum Cause: Sendable, Equatable {
        /// Connection refused, no such host, timed out: `reason` says which.
        case unreachable(reason: String)
        case unauthorized
        /// Authenticated, but RBAC does not allow the call.
        case forbidden
        case notFound
        case other(exitCode: Int32)
    }

    public var cause: Cause
    /// The API server's address, when known (`https://10.0.0.1:6443`).
    public var server: String?
    /// kubectl's last distinct lines (at most two), without klog's header.
    public var said: [String]

    public init(_ r: ProcessResult) {
        let text = r.stderr.isEmpty ? r.stdout : r.stderr
        let lower = text.lowercased()
        said = Self.lastWords(text)
        server = Self.server(in: text)
        if lower.contains("forbidden") {
            cause = .forbidden
        } else if lower.contains("unauthorized") || lower.contains("must be logged in") {
            cause = .unauthorized
        } else if lower.contains("connection refused") || lower.contains("was refused") {
            cause = .unreachable(reason: "connection refused")
        } else if lower.contains("no such host") {
            cause = .unreachable(reason: "no such host")
        } else if lower.contains("i/o timeout") || lower.contains("deadline exceeded") || lower.contains("timeout awaiting")
                    || lower.contains("timeout exceeded") || lower.contains("handshake timeout") {
            cause = .unreachable(reason: "timed out")
        } else if lower.contains("unable to connect") || lower.contains("connect: ") || lower.contains("no route to host") {
            cause = .unreachable(reason: "cannot connect")
        } else if lower.contains("notfound") || lower.contains("not found") {
            cause = .notFound
        } else {
            cause = .other(exitCode: r.exitCode)
        }
    }

    public init(cause: Cause, server: String? = nil, said: [String] = []) {
        self.cause = cause
        self.server = server
        self.said = said
    }

    var isOther: Bool { if case .other = cause { true } else { false } }

    /// The error: one line for what happened, that nothing was changed and what to do next, and
    /// kubectl's own last lines under it.
    /// `check`, for a change (set image, rollout undo): how to see whether it was made, said when
    /// kubectl gave up waiting for the cluster (the request may have reached it) or failed otherwise.
    public func error(what: String, check: String? = nil) -> HotfixError {
        let at = server.map { "the cluster at \($0)" } ?? "the cluster"
        let config = "deploy.context / deploy.kubeconfig in .hotfix.yml"
        let said = said.map { "kubectl: " + $0 }
        switch (cause, check) {
        case (.unreachable("timed out"), let check?):
            return .environment("\(at) did not answer in time (timed out) while hotfix tried to \(what)",
                                untouched: "the change may or may not have been made",
                                next: "check before anything else: \(check); then retry or roll back", said: said)
        case (.other(let code), let check?):
            return .refused("kubectl could not \(what) (exit \(code))\(self.said.last.map { ": " + $0 } ?? "")",
                            untouched: "the change may or may not have been made",
                            next: "check: \(check); fix the cause kubectl names, then retry", said: Array(said.dropLast()))
        default: break
        }
        switch cause {
        case .unreachable(let reason):
            return .environment("\(at) could not be reached (\(reason)), so hotfix could not \(what)", untouched: "nothing was changed",
                                next: "check that the cluster is up and your network or VPN reaches it, and that \(config) point at it, then retry",
                                said: said)
        case .unauthorized:
            return .environment("\(at) did not accept kubectl's credentials (unauthorized), so hotfix could not \(what)", untouched: "nothing was changed",
                                next: "log in to the cluster again (a token or certificate may have expired) or fix \(config), then retry",
                                said: said)
        case .forbidden:
            return .environment("\(at) does not allow your user to \(what) (forbidden)", untouched: "nothing was changed",
                                next: "ask for that permission (RBAC) or use another deploy.context, then retry", said: said)
        case .notFound:
            // What was not found is kubectl's to say: its last line goes in the message.
            return .refused("kubectl could not \(what): not found on \(at)\(self.said.last.map { " (\($0))" } ?? "")", untouched: "nothing was changed",
                            next: "check deploy.deployment, deploy.container and deploy.namespace in .hotfix.yml", said: Array(said.dropLast()))
        case .other(let code):
            // Nothing known to say for kubectl: its last line is the message.
            return .refused("kubectl could not \(what) (exit \(code))\(self.said.last.map { ": " + $0 } ?? "")", untouched: "nothing was changed",
                            next: "fix the cause kubectl names, then retry", said: Array(said.dropLast()))
        }
    }

    /// The last two distinct lines, klog's header and its `"Unhandled Error" err="…"` wrapping removed.
    static func lastWords(_ text: String) -> [String] {
        var out: [String] = []
        for raw in text.split(whereSeparator: \.isNewline) {
            var line = String(raw)
            if let header = line.firstMatch(of: #/^[IWEF]\d{4} \d\d:\d\d:\d\d\.\d+\s+\d+ [^\]]+\] /#) {
                line.removeSubrange(header.range)
            }
            if let wrapped = line.wholeMatch(of: #/"Unhandled Error" err="(.*)"/#) {
                line = String(wrapped.1).replacingOccurrences(of: #"\""#, with: "\"")
            }
            line = Sanitize.inline(line.trimmingCharacters(in: .whitespaces))
            if line.count > 240 { line = String(line.prefix(239)) + "…" }
            guard !line.isEmpty, out.last != line else { continue }
            out.removeAll { $0 == line }
            out.append(line)
        }
        return Array(out.suffix(2))
    }

    /// The server kubectl named: `Get "https://host:port/…"`, or `the server host:port was refused`.
    static func server(in text: String) -> String? {
        if let m = text.firstMatch(of: #/"(https?://[^/"\s]+)/#) { return String(m.1) }
        if let m = text.firstMatch(of: #/connection to the server (\S+) was refused/#) { return String(m.1) }
        return nil
    }
}
