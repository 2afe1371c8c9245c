import Foundation
import HotfixEngine
import HotfixScreen

/// Finds and reads the console's theme: `--theme` > `HOTFIX_THEME` > config > built-in.
enum ThemeLoader {
    static let known = ["default", "light", "high-contrast", "monochrome"]

    /// `choice` is a theme name or a path to a theme file. "default" falls back to the built-in
    /// theme when no theme folder is found; any other name or path must exist and parse.
    static func load(_ choice: String, environment: [String: String]) throws(HotfixError) -> Theme {
        let isPath = choice.contains("/") || choice.hasSuffix(".yml") || choice.hasSuffix(".yaml")
        let path: String?
        if isPath {
            path = choice
        } else {
            path = directories(environment).map { "\($0)/\(choice).yml" }.first { FileManager.default.fileExists(atPath: $0) }
        }
        guard let path else {
            if choice == "default" { return Theme.builtin }
            throw HotfixError.usage("no theme named '\(Sanitize.inline(choice))' (looked in \(directories(environment).joined(separator: ", ")))",
                                    next: "use one of \(known.joined(separator: ", ")), or --theme PATH to a theme file")
        }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw HotfixError.usage("cannot read the theme file \(path)", next: "check the path, or use --theme default")
        }
        return try ThemeReader.parse(text, source: path)
    }

    /// `HOTFIX_THEMES_DIR`, the user's config folder, and a `themes/` folder next to the binary or
    /// above it (the package's own when run from `.build`), then the installed share folder.
    static func directories(_ env: [String: String]) -> [String] {
        var dirs: [String] = []
        if let d = env["HOTFIX_THEMES_DIR"], !d.isEmpty { dirs.append(d) }
        let config = env["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? ((env["HOME"] ?? NSHomeDirectory()) + "/.config")
        dirs.append(config + "/hotfix/themes")
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            dirs.append(url.appendingPathComponent("themes").path)
            url.deleteLastPathComponent()
        }
        let exe = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        dirs.append(exe.deletingLastPathComponent().appendingPathComponent("share/hotfix/themes").path)
        return dirs
    }
}
