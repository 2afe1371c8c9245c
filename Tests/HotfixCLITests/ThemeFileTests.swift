import Foundation
@testable import hotfix
import HotfixEngine
import HotfixScreen
import HotfixTestSupport
import Testing

/// Theme files as the console's loader reads them (Yams): every file in themes/, and bad files
/// refused with the line to fix.
@Suite struct ThemeFileTests {
    static var themesDirectory: String { HotfixBinary.packageRoot + "/themes" }

    static var themeFiles: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: themesDirectory)) ?? [])
            .filter { $0.hasSuffix(".yml") }.sorted().map { themesDirectory + "/" + $0 }
    }

    func parse(_ text: String) throws(HotfixError) -> Theme { try ThemeReader.parse(text, source: "themes/t.yml") }

    /// The error's message, or nil when the text parsed.
    func refusal(_ text: String) -> String? {
        do { _ = try parse(text); return nil } catch { return error.message }
    }

    @Test func everyFileInThemesParsesIsNamedAfterItsFileAndStylesEveryRole() throws {
        let files = Self.themeFiles
        #expect(Set(files.map { ($0 as NSString).lastPathComponent }).isSuperset(of: ["default.yml", "light.yml", "high-contrast.yml", "monochrome.yml"]))
        for file in files {
            let theme = try ThemeReader.parse(try String(contentsOfFile: file, encoding: .utf8), source: file)
            #expect(theme.name == ((file as NSString).lastPathComponent as NSString).deletingPathExtension)
            let missing = Role.allCases.filter { theme.styles[$0] == nil }
            #expect(missing.isEmpty, "\(file) leaves out \(missing.map(\.rawValue))")
        }
    }

    @Test func theLoaderFindsEachThemeByName() throws {
        let env = ["HOTFIX_THEMES_DIR": Self.themesDirectory, "HOME": "/nonexistent"]
        let light = try ThemeLoader.load("light", environment: env)
        #expect(light.name == "light")
        #expect(try ThemeLoader.load(Self.themesDirectory + "/high-contrast.yml", environment: env).name == "high-contrast")
        #expect(throws: HotfixError.self) { try ThemeLoader.load("nope", environment: env) }
    }

    @Test func noColorsBuiltInSchemeIsTheMonochromeFileRoleForRole() throws {
        let file = Self.themesDirectory + "/monochrome.yml"
        let mono = try ThemeReader.parse(try String(contentsOfFile: file, encoding: .utf8), source: file)
        #expect(mono.monochrome)
        for role in Role.allCases { #expect(mono.style(role) == Theme.noColor.style(role), "\(role)") }
    }

    /// The default theme's values, read through Yams, are the ones the screen has always drawn with.
    @Test func theDefaultThemeReadsToTheseStyles() throws {
        let file = Self.themesDirectory + "/default.yml"
        let theme = try ThemeReader.parse(try String(contentsOfFile: file, encoding: .utf8), source: file)
        #expect(theme.style(.title) == Style(fg: .rgb(0x5f, 0xaf, 0xd7), bold: true))
        #expect(theme.style(.selection) == Style(fg: .rgb(0x1c, 0x1c, 0x1c), bg: .rgb(0x5f, 0xaf, 0xd7)))
        #expect(theme.style(.input) == Style(fg: .rgb(0xd0, 0xd0, 0xd0), underline: true))
        #expect(!theme.monochrome)
    }

    @Test func aBadLineIsReportedWithItsNumberAndWhatWasExpected() {
        let text = """
        name: broken
        palette:
          accent: "#5fafd7"
        roles:
          title: { fg: accent, bold: true }
          phaseDone: { fg: chartreuse }
        """
        let message = refusal(text) ?? "parsed"
        #expect(message.contains("theme themes/t.yml, line 6: unknown colour 'chartreuse'"), "\(message)")

        let cases: [(String, String)] = [
            ("name: x\nroles:\n  titel: red\n", "line 3: unknown role 'titel'"),
            ("name: x\nroles:\n  title: { bold: maybe }\n", "line 3: bold must be true or false, not 'maybe'"),
            ("name: x\nroles:\n  title:\n    fg: red\n    blink: true\n", "line 5: unknown style key 'blink'"),
            ("name: x\npalette:\n  brand: #ff8700\n", "line 3: a colour is missing (one beginning with # must be quoted"),
            ("name: x\ncolours:\n  a: red\n", "line 2: unknown key 'colours'"),
            ("name: x\nroles: red\n", "line 2: roles starts a section"),
            ("name: x\nroles:\n  title: [red, bold]\n", "line 3: the style of title must be a colour or"),
            ("name: x\nmonochrome: perhaps\n", "line 2: monochrome must be true or false"),
            ("palette:\n  a: red\n", "line 1: the theme has no name"),
            ("name: x\nroles:\n\ttitle: red\n", "line 3: YAML syntax error"),
            ("name: x\nroles:\n  title: { fg: red\n", "YAML syntax error"),
        ]
        for (text, expected) in cases {
            let message = refusal(text)
            #expect(message?.contains(expected) == true, "\(text.debugDescription): \(message ?? "parsed")")
        }
    }

    @Test func blockStylesBareColoursFlowStylesAndCommentsAreRead() throws {
        let theme = try parse("""
        name: block # trailing comment
        palette:
          brand: "#ff8700"
          same: brand
        roles:
          title:
            fg: brand
            bold: yes
          muted: 244
          border: {}
          ok:
          warning: { fg: same, underline: on }
        """)
        #expect(theme.style(.title) == Style(fg: .rgb(255, 135, 0), bold: true))
        #expect(theme.style(.muted) == Style(fg: .index(244)))
        #expect(theme.style(.border) == Style())
        #expect(theme.style(.ok) == Style())
        #expect(theme.style(.warning) == Style(fg: .rgb(255, 135, 0), underline: true))
        #expect(theme.style(.logError) == Theme.builtin.style(.logError), "a role left out keeps the built-in style")
    }
}
