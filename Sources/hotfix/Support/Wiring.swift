import ArgumentParser
import Foundation
import HotfixEngine
import HotfixWorkflow

/// Options every incident command takes.
struct IncidentOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The incident to act on when more than one is open.", valueName: "id"))
    var incident: String?
}

/// How the CLI opens the workflow's session: the repository of the current directory, warnings on stderr.
enum Wiring {
    static func session() async throws(HotfixError) -> Session {
        try await Session.open(warn: { Output.warn($0) })
    }
}
