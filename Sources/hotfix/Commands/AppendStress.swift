import ArgumentParser
import Foundation
import HotfixEngine
import HotfixWorkflow
import HotfixRuntime

/// Appends notes one by one and acknowledges each after it is on disk: the crash test kills it.
struct AppendStress: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "_append-stress",
        abstract: "Append N notes, printing 'ack K' after each fsync (for crash tests).",
        shouldDisplay: false)

    @OptionGroup var options: IncidentOptions
    @Option var count: Int = 1000
    @Option var tag: String = "stress"

    func run() async throws {
        let session = try await Wiring.session()
        let id = try session.select(options.incident)
        for k in 1...max(1, count) {
            try session.append(.note("\(tag) \(k)"), on: id)
            // Unbuffered: the ack must leave the process the moment the event is on disk.
            FileHandle.standardOutput.write(Data("ack \(k)\n".utf8))
        }
    }
}
