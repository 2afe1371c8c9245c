import Foundation
import Testing
@testable import HotfixScreen

/// The stream's rule at 80 columns (53 cells inside the pane): the filter and the counts stay
/// whole; the state gives way first, to its first word, then altogether.
@Suite struct StreamRuleTests {
    static func rule(state: String, counts: String, filter: String?, width: Int = 53) -> String {
        var buf = CellBuffer(width: width, height: 1)
        StreamView.rule(&buf, StreamPanel(state: state, filter: filter, counts: counts, pods: "", rows: []), x: 0, y: 0, width: width)
        return buf.lines()[0]
    }

    @Test func theCountsAreNeverCutAndTheStateGivesWayFirst() {
        let ended = Self.rule(state: "ended with the deploy", counts: "2,500 of 10,000", filter: "errors")
        #expect(ended.contains("2,500 of 10,000") && ended.contains(" errors "), "\(ended)")
        #expect(ended.contains("Pods · ended · 2,500"), "the state in its first word: \(ended)")
        let roomy = Self.rule(state: "ended with the deploy", counts: "2,500 of 10,000", filter: "errors", width: 80)
        #expect(roomy.contains("Pods · ended with the deploy · 2,500 of 10,000"), "\(roomy)")
        let tight = Self.rule(state: "paused · 12,345 new (f follows)", counts: "2,500 of 10,000", filter: "/KeyError · errors · new", width: 60)
        #expect(tight.contains("2,500 of 10,000") && tight.contains("/KeyError · errors · new"), "\(tight)")
    }
}
