import Foundation
import HotfixEngine
@testable import HotfixRuntime
import HotfixTestSupport
import Testing

/// The Telegram request goes out through the real curl, configured on its standard input: what
/// curl reads back from that config must be the URL and the JSON body byte for byte.
@Suite struct NotifierCurlTests {
    static let texts = [
        "🚨 HOTFIX-001 started (P0): API down",
        #"quotes "inside" and a backslash \ and \n written out"#,
        "a line break\nand a tab\tand a carriage return\r",
        "a control character \u{1} and DEL \u{7F}",
        "100% of /pay; @file is not read; $HOME is not expanded",
    ]

    @Test(arguments: texts)
    func curlSendsTheBodyAndURLExactlyAsWritten(_ text: String) throws {
        let server = StubHTTPServer(statuses: [200])
        defer { server.stop() }
        let body = String(decoding: try JSONSerialization.data(withJSONObject: ["chat_id": "-100", "text": text]), as: UTF8.self)
        let url = server.url + "/bot42:A-b_c/sendMessage"
        let home = TempDir("curl-home")
        let r = run(Notifier.curlArguments, in: home.path, env: ["HOME": home.path], stdin: Notifier.curlConfig(url: url, json: body))
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.hasSuffix("\n200"))
        let request = try #require(server.requests.first)
        #expect(request.path == "/bot42:A-b_c/sendMessage")
        #expect(request.body == body)
        let sent = try #require(JSONSerialization.jsonObject(with: Data(request.body.utf8)) as? [String: String])
        #expect(sent["text"] == text)
    }

    @Test func aTokenWithALineEndIsRefusedAndNothingIsSent() async throws {
        let server = StubHTTPServer(statuses: [200])
        defer { server.stop() }
        var config = HotfixConfig()
        config.telegram.baseURL = server.url
        config.telegram.attempts = 1
        let home = TempDir("notify-home")
        let notifier = Notifier(config: config, repositoryRoot: home.path,
                                environment: [config.telegram.tokenEnv: "42:SECRET\r", config.telegram.chatEnv: "-1"], backoff: 0)
        let why = await notifier.telegramOnce("API down")
        #expect(why?.contains("contains a space or a control character") == true, "\(why ?? "sent")")
        #expect(why?.contains("SECRET") == false)
        #expect(server.requests.isEmpty)
    }
}
