import Foundation
import HotfixTestSupport
import Testing

/// `hotfix sim` in the foreground: prints a kubeconfig the real kubectl uses, stops on Ctrl-C.
@Suite struct SimCLITests {
    @Test func simServesKubectlAndStopsOnInterrupt() async throws {
        let home = TempDir("sim-home")
        var env = ProcessInfo.processInfo.environment
        env["HOME"] = home.path
        let child = Child([HotfixBinary.path, "sim", "--scenario", "no-effect", "--speed", "10"], in: home.path, env: env)
        var kubeconfig: String?
        for _ in 0..<400 where kubeconfig == nil {
            kubeconfig = child.stdout.split(separator: "\n").first { $0.hasPrefix("kubeconfig: ") }.map { String($0.dropFirst(12)) }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        let kc = try #require(kubeconfig, "no kubeconfig line in: \(child.stdout) \(child.stderr)")
        #expect(child.stdout.contains("scenario no-effect"))
        #expect(child.stdout.contains("kubectl --kubeconfig \(kc) get pods -w"))
        let r = run(["kubectl", "--kubeconfig", kc, "--cache-dir", home.file("cache"), "get", "deployment/app",
                     "-o", "jsonpath={.spec.template.spec.containers[0].image}"], in: home.path, env: ["HOME": home.path])
        #expect(r.status == 0 && r.stdout == "registry/app:1.4.2", "\(r.stderr)")
        kill(child.pid, SIGINT)
        #expect(child.wait() == 0)
        #expect(child.stdout.hasSuffix("stopped\n"))
        #expect(!FileManager.default.fileExists(atPath: kc), "the temporary kubeconfig is removed")
    }

    @Test func anUnknownScenarioIsAUsageError() {
        let home = TempDir("sim-home")
        let r = HotfixBinary.run(["sim", "--scenario", "nope"], in: home.path)
        #expect(r.status == 2)
        #expect(r.stderr.contains("unknown scenario 'nope'") && r.stderr.contains("fix-works, no-effect"))
        #expect(HotfixBinary.run(["sim", "--speed", "0"], in: home.path).status == 2)
    }
}
