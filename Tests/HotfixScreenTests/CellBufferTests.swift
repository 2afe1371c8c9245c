import Foundation
import Testing
@testable import HotfixScreen

@Suite("Cell buffer")
struct CellBufferTests {
    @Test("CJK and emoji take two cells; a wide character cut at the edge becomes a space")
    func wideCharacters() {
        var buf = CellBuffer(width: 6, height: 1)
        let used = buf.put("東京🔥x", x: 0, y: 0, role: .normal)
        #expect(used == 6)
        #expect(buf.lines() == ["東京🔥"])
        #expect(buf[1, 0].isContinuation)
        var edge = CellBuffer(width: 3, height: 1)
        edge.put("a東京", x: 0, y: 0, role: .normal)
        #expect(edge.lines() == ["a東"])
        edge.put("東", x: 2, y: 0, role: .normal)
        #expect(edge.lines() == ["a"])
        #expect(DisplayWidth.of("é") == 1)
        #expect(DisplayWidth.of("ä̀") == 1)
        #expect(DisplayWidth.of("❤️") == 2)
    }

    @Test("constraints split space: lengths first, then fills by weight")
    func layout() {
        let parts = Rect(x: 0, y: 0, width: 100, height: 1).split(.horizontal, [.length(25), .fill(1), .fill(3), .percentage(10)])
        #expect(parts.map(\.width) == [25, 16, 49, 10], "the rounding remainder goes to the last fill")
        #expect(parts.map(\.x) == [0, 25, 41, 90])
    }
}
