import Foundation
import HotfixWorkflow

/// How a shell reaches this program, for the commands we print for a person to type: `hotfix`
/// when that name on PATH is this very binary, else its absolute path (after `swift run`, or
/// when another `hotfix` comes first on PATH), so a printed command runs as printed.
enum SelfCommand {
    /// `searchPath` is the PATH of the person's shell (the demo prepends its stand-ins to its own).
    static func name(searchPath: String?) -> String {
        let own = executable
        let real = URL(fileURLWithPath: own).resolvingSymlinksInPath().path
        for dir in (searchPath ?? "").split(separator: ":") where dir.hasPrefix("/") {
            let candidate = "\(dir)/hotfix"
            guard FileManager.default.isExecutableFile(atPath: candidate) else { continue }
            // The shell runs the first one it finds: this program or another.
            return URL(fileURLWithPath: candidate).resolvingSymlinksInPath().path == real ? "hotfix" : GitText.shellWords([own])
        }
        return GitText.shellWords([own])
    }

    /// This program (after a rebuild replaced the file, the new one).
    static var executable: String {
        guard var path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") else { return CommandLine.arguments[0] }
        if path.hasSuffix(" (deleted)") { path.removeLast(" (deleted)".count) }
        return path
    }
}
