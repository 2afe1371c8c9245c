import Foundation
import HotfixEngine
@testable import HotfixRuntime
import Testing

/// The words of a kubectl failure wherever it comes from: a read, a change whose outcome is
/// unknown, a call through kubectl proxy, the request timeout's key.
@Suite struct KubeFailureTests {
    func result(_ stderr: String) -> ProcessResult { ProcessResult(argv: ["kubectl"], exitCode: 1, stdout: "", stderr: stderr, seconds: 1) }

    /// A change kubectl gave up waiting for may have been made: never "nothing was changed", and
    /// what to check first; one refused before it left says nothing was changed.
    @Test func aChangeThatTimedOutSaysItMayHaveBeenMadeAndWhatToCheck() {
        let timedOut = KubeFailure(result(#"Unable to connect to the server: net/http: request canceled (Client.Timeout exceeded while awaiting headers)"#))
        let check = "kubectl rollout history deployment/app shows whether a new revision copies revision 1"
        let e = timedOut.error(what: "roll deployment/app back to revision 1", check: check)
        #expect(e.message == "the cluster did not answer in time (timed out) while hotfix tried to roll deployment/app back to revision 1")
        #expect(e.untouched == "the change may or may not have been made")
        #expect(e.next == "check before anything else: \(check); then retry or roll back")

        let refused = KubeFailure(result("The connection to the server 127.0.0.1:6443 was refused - did you specify the right host or port?"))
        #expect(refused.error(what: "set the image of deployment/app", check: check).untouched == "nothing was changed")
        #expect(timedOut.error(what: "read deployment/app").untouched == "nothing was changed", "a read changes nothing")
    }

    /// Through kubectl proxy, the API server's answers (401, 403, 404) and the proxy's own when it
    /// cannot reach it (502-504) read as a failed kubectl call does, naming the server.
    @Test func aCallThroughTheProxyUsesTheSameWords() {
        let server = "https://10.0.0.1:6443"
        func failure(_ status: Int, _ body: String) -> HotfixError {
            ProxyFollower.failure(UnixHTTPClient.Failure(status: status, body: Array(body.utf8)), what: "watch the pods of app=app", server: server)
        }
        let down = failure(502, "dial tcp 10.0.0.1:6443: connect: connection refused")
        #expect(down.headline.hasPrefix("the cluster at \(server) could not be reached (connection refused), so hotfix could not watch the pods of app=app; "
                                        + "nothing was changed; next: check that the cluster is up"), "\(down)")
        #expect(down.said == ["kubectl: dial tcp 10.0.0.1:6443: connect: connection refused"])
        #expect(failure(504, "context deadline exceeded").message.contains("could not be reached (timed out)"))
        #expect(failure(401, #"{"kind":"Status","message":"Unauthorized","reason":"Unauthorized"}"#).message
                == "the cluster at \(server) did not accept kubectl's credentials (unauthorized), so hotfix could not watch the pods of app=app")
        #expect(failure(403, #"{"message":"pods is forbidden: User \"dev\" cannot watch resource \"pods\"","reason":"Forbidden"}"#).message
                == "the cluster at \(server) does not allow your user to watch the pods of app=app (forbidden)")
        #expect(!failure(503, "no endpoints available").message.contains("unreachable through kubectl proxy"))
    }

    /// `deploy.request_timeout`: a duration, one second at least, given to kubectl as whole seconds.
    @Test func theRequestTimeoutIsConfiguredAndCarriedByReadsOnly() throws {
        var c = HotfixConfig()
        #expect(c.deploy.requestTimeout == 10)
        try ConfigLoader.apply(yaml: "deploy:\n  request_timeout: 3s\n", file: ".hotfix.yml", to: &c)
        #expect(Kubectl(deploy: c.deploy).requestTimeout == 3)
        var bad = HotfixConfig()
        #expect(throws: HotfixError.self) { try ConfigLoader.apply(yaml: "deploy:\n  request_timeout: 0.2s\n", file: ".hotfix.yml", to: &bad) }
    }
}
