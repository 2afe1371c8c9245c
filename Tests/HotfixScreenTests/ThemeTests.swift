import Foundation
import HotfixEngine
import Testing
@testable import HotfixScreen

@Suite("Themes")
struct ThemeTests {
    static var themesDirectory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("themes")
    }

    static var themeFiles: [URL] {
        ((try? FileManager.default.contentsOfDirectory(at: themesDirectory, includingPropertiesForKeys: nil)) ?? [])
            .filter { $0.pathExtension == "yml" }.sorted { $0.path < $1.path }
    }

    @Test("every file in themes/ parses, is named after its file, and styles every role")
    func everyThemeParses() throws {
        let files = Self.themeFiles
        #expect(Set(files.map { $0.deletingPathExtension().lastPathComponent })
            .isSuperset(of: ["default", "light", "high-contrast", "monochrome"]))
        for file in files {
            let theme = try ThemeParser.parse(try String(contentsOf: file, encoding: .utf8), source: file.path)
            #expect(theme.name == file.deletingPathExtension().lastPathComponent)
            let missing = Role.allCases.filter { theme.styles[$0] == nil }
            #expect(missing.isEmpty, "\(file.lastPathComponent) leaves out \(missing.map(\.rawValue))")
        }
    }

    @Test("NO_COLOR's built-in scheme is the monochrome theme file, role for role")
    func noColorMatchesMonochrome() throws {
        let file = Self.themesDirectory.appendingPathComponent("monochrome.yml")
        let mono = try ThemeParser.parse(try String(contentsOf: file, encoding: .utf8), source: file.path)
        #expect(mono.monochrome)
        for role in Role.allCases { #expect(mono.style(role) == Theme.noColor.style(role), "\(role)") }
    }

    @Test("a bad line is reported with its number and what was expected")
    func badLine() {
        let text = """
        name: broken
        palette:
          accent: "#5fafd7"
        roles:
          title: { fg: accent, bold: true }
          phaseDone: { fg: chartreuse }
        """
        #expect {
            _ = try ThemeParser.parse(text, source: "themes/broken.yml")
        } throws: { error in
            let e = error as? HotfixError
            return e?.message.contains("themes/broken.yml, line 6") == true && e?.message.contains("unknown colour 'chartreuse'") == true
        }
        #expect(throws: HotfixError.self) { try ThemeParser.parse("name: x\nroles:\n  titel: red\n", source: "t") }
        #expect(throws: HotfixError.self) { try ThemeParser.parse("name: x\nroles:\n  title: { bold: maybe }\n", source: "t") }
        #expect(throws: HotfixError.self) { try ThemeParser.parse("palette:\n  a: red\n", source: "t") }
    }

    @Test("block-style roles, bare colours and comments are read")
    func blockStyle() throws {
        let theme = try ThemeParser.parse("""
        name: block # trailing comment
        palette:
          brand: "#ff8700"
        roles:
          title:
            fg: brand
            bold: true
          muted: 244
        """, source: "t")
        #expect(theme.style(.title) == Style(fg: .rgb(255, 135, 0), bold: true))
        #expect(theme.style(.muted).fg == .index(244))
        #expect(theme.style(.ok) == Theme.builtin.style(.ok))
    }

    @Test("colours degrade to 256 and 8 colours, and vanish with NO_COLOR")
    func degradation() {
        let orange = Color.rgb(255, 135, 0)
        #expect(orange.resolved(for: .c256) == 208)
        #expect(orange.resolved(for: .c8) == 3)
        #expect(Color.rgb(128, 128, 128).resolved(for: .c256) == 244)
        #expect(Color.index(9).resolved(for: .c8) == 1)
        #expect(Color.index(196).resolved(for: .c8) == 1)
        #expect(orange.resolved(for: .none) == nil)
        #expect(ColorDepth.of(colors: 256, noColor: true) == .none)
        #expect(ColorDepth.of(colors: 8, noColor: false) == .c8)
    }
}
