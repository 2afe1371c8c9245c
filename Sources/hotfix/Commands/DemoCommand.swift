import ArgumentParser
import Foundation
import HotfixEngine
import HotfixRuntime

struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Open the console on a sandbox incident (a temporary repository made for it).",
        discussion: """
        The sandbox has main, develop, feature/search and feature/billing, a bare "origin", and a
        small Python API whose GET /users/{id} answers 500 for unknown users, with tests that show it.
        An incident is opened there and the console starts; on exit the sandbox path is printed
        (--clean removes it instead).
        """)

    @Flag(help: "Remove the sandbox when the console closes.") var clean = false
    @Option(help: ArgumentHelp("default, light, high-contrast, monochrome, or a theme file.", valueName: "name|path"))
    var theme: String?

    func run() async throws {
        try ConsoleCommand.requireTerminal()
        let sandbox = try await DemoSandbox.create()
        var failure: (any Error)?
        do {
            guard FileManager.default.changeCurrentDirectoryPath(sandbox.work) else {
                throw HotfixError.environment("cannot enter the demo sandbox \(sandbox.work)")
            }
            let start = try Start.parse(["API returns 500 on /users endpoint", "--id", "001-api-500",
                                         "--severity", "P0", "--detected", "12m ago"])
            try await start.run()
            let session = try await Session.open()
            try await ConsoleCommand.open(session: session, id: try IncidentID("001-api-500"), theme: theme)
        } catch {
            failure = error
        }
        if clean {
            try? FileManager.default.removeItem(atPath: sandbox.root)
            print("Removed the demo sandbox \(sandbox.root)")
        } else {
            print("Demo sandbox: \(sandbox.work)  (origin: \(sandbox.origin))")
            print("Try the CLI there: cd \(sandbox.work) && hotfix status")
        }
        if let failure { throw failure }
    }
}
