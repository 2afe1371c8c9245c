import Foundation
import HotfixEngine
import Testing
@testable import HotfixScreen

/// Colour depth. Theme files are read by the loader (HotfixCLITests/ThemeFileTests).
@Suite("Themes")
struct ThemeTests {
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
