import Foundation
import HotfixEngine
import Testing
import HotfixScreen
@testable import HotfixConsole

/// DEPLOY during and after the monitoring window, the pods' stream as the pane, at three sizes.
@Suite("The DEPLOY stream against golden files")
struct StreamGoldenTests {
    static let sizes = [Size(width: 80, height: 24), Size(width: 120, height: 40), Size(width: 160, height: 48)]

    func check(_ model: ConsoleModel, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let buf = Screen.render(model)
        try Golden.check(buf, "\(name)-\(model.size.width)x\(model.size.height)", sourceLocation: sourceLocation)
        return buf.lines().joined(separator: "\n")
    }

    @Test("during the window: the summary, the checklist in one line, then pod lines to the bottom")
    func streaming() throws {
        for size in Self.sizes {
            let text = try check(StreamFixture.model(now: 2950, size: size), "deploy-stream")
            #expect(text.contains("Monitoring · 3:00 left"))
            #expect(text.contains("checklist 5/5") || text.contains("checks 5/5"))
            #expect(!text.contains("Pre-deploy checklist"), "the passed checklist is one line")
            #expect(text.contains("Pods · following"))
            #expect(!text.contains("┌ Log"), "the events are one key away, not on screen")
        }
    }

    @Test("a filtered view: /KeyError, with the filter and the counts on the stream's rule")
    func filtered() throws {
        for size in Self.sizes {
            var model = StreamFixture.model(now: 2950, size: size)
            StreamFixture.press(&model, .char("/"))
            StreamFixture.type(&model, "KeyError")
            StreamFixture.press(&model, .enter)
            let text = try check(model, "deploy-stream-filtered")
            #expect(text.contains("/KeyError"))
            #expect(!text.contains("INFO GET"))
        }
    }

    @Test("the pod list: side, age, restarts, lines and error rate of each pod")
    func podList() throws {
        for size in Self.sizes {
            var model = StreamFixture.model(now: 2950, size: size)
            _ = model.update(.stream(StreamChunk(pods: [StreamPodUpdate(name: StreamFixture.newPods[2], isNew: true, restarts: 2, trouble: "CrashLoopBackOff")])))
            StreamFixture.press(&model, .char("P"), .down)
            let text = try check(model, "deploy-stream-pods")
            #expect(text.contains("restarts"))
            #expect(text.contains("gone"))
        }
    }

    @Test("a marked new-error line, moved to with [ in the errors-only view")
    func markedLine() throws {
        for size in Self.sizes {
            var model = StreamFixture.model(now: 2950, size: size)
            StreamFixture.press(&model, .char("e"), .char("["))
            let text = try check(model, "deploy-stream-mark")
            #expect(text.contains("◆+"))
            #expect(text.contains("paused"))
        }
    }

    @Test("after the verdict: the window is over, the verdict and its first reason stand, the stream stays until DEPLOY is left")
    func afterTheVerdict() throws {
        for size in Self.sizes {
            var model = IncidentFixture.model(events: 2860, now: 3140, size: size)
            _ = model.update(.monitor(StreamFixture.inputs(from: 2700, deployAt: 2800, until: 3130)))
            _ = model.update(.stream(StreamChunk(pods: StreamFixture.pods(at: 3130, deployAt: 2800))))
            let verdict = Event(seq: model.incident.lastSeq + 1, at: IncidentFixture.t0 + 3130, body: .verdict(VerdictRecord(outcome: .fail, reasons: [
                "new errors: \"POST /users/<id> <num> <num>ms KeyError: <str> in serialize_user\" never seen in the baseline, 13× on 3 pods",
            ], windowSeconds: 300)))
            _ = model.update(.journal([verdict]))
            _ = model.update(.tick(IncidentFixture.t0 + 3140))
            let text = try check(model, "deploy-stream-verdict")
            #expect(text.contains("window over"))
            #expect(text.contains("verdict: FAIL"))
            #expect(!text.contains("so far"))
            #expect(text.contains("Pods ·"))
        }
    }
}
