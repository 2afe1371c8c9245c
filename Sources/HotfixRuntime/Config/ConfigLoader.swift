import Foundation
import HotfixEngine
import Yams

/// Reads `.hotfix.yml` (repository root), then `~/.config/hotfix/config.yml`, over the defaults.
/// Unknown keys and bad values are errors naming the file, the line and the expected form.
public enum ConfigLoader {
    public static let fileName = ".hotfix.yml"

    /// The user-level file, under `$XDG_CONFIG_HOME` or `~/.config`.
    public static func userFile(environment: [String: String]) -> String? {
        if let xdg = environment["XDG_CONFIG_HOME"], !xdg.isEmpty { return xdg + "/hotfix/config.yml" }
        if let home = environment["HOME"], !home.isEmpty { return home + "/.config/hotfix/config.yml" }
        return nil
    }

    /// Defaults, then the user file, then the repository's file; environment on top.
    public static func load(repositoryRoot: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws(HotfixError) -> HotfixConfig {
        var config = HotfixConfig()
        if let user = userFile(environment: environment), FileManager.default.fileExists(atPath: user) {
            try apply(file: user, to: &config)
        }
        if let root = repositoryRoot {
            let repoFile = root + "/" + fileName
            if FileManager.default.fileExists(atPath: repoFile) { try apply(file: repoFile, to: &config) }
        }
        if let theme = environment["HOTFIX_THEME"], !theme.isEmpty { config.theme = theme }
        return config
    }

    public static func apply(file: String, to config: inout HotfixConfig) throws(HotfixError) {
        guard let data = FileManager.default.contents(atPath: file), let text = String(data: data, encoding: .utf8) else {
            throw HotfixError.usage("\(file): cannot be read as UTF-8 text", untouched: "nothing was written",
                                    next: "fix or remove the file")
        }
        try apply(yaml: text, file: file, to: &config)
    }

    public static func apply(yaml text: String, file: String, to config: inout HotfixConfig) throws(HotfixError) {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw HotfixError.usage("\(file): \(describe(error))", untouched: "nothing was written",
                                    next: "fix the YAML syntax; hotfix init --print shows a valid file")
        } catch {
            throw HotfixError.usage("\(file): \(error)", untouched: "nothing was written")
        }
        guard let root else { return }  // an empty file changes nothing
        try ConfigReader(file: file).read(root, into: &config)
    }

    static func describe(_ error: YamlError) -> String {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _):
            return "line \(mark.line), column \(mark.column): YAML syntax error: \(problem)\(context.map { " \($0.text)" } ?? "")"
        default:
            return "YAML error: \(error)"
        }
    }
}
