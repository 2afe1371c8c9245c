import Foundation
import HotfixEngine
import HotfixLogs
import Testing
import HotfixScreen
@testable import HotfixConsole

@Suite("The DEPLOY stream: lines in, filters and marks, keys")
struct StreamModelTests {
    static let size = Size(width: 80, height: 24)

    func panel(_ model: ConsoleModel) throws -> StreamPanel { try #require(model.view.stream, "the stream is the DEPLOY pane") }
    func texts(_ model: ConsoleModel) throws -> [String] { try panel(model).rows.map(\.text) }

    @Test("the stream fills the DEPLOY pane at 80x24: the summary on top, then at least ten pod lines, the newest last")
    func fillsThePane() throws {
        let model = StreamFixture.model(now: 2950, size: Self.size)
        #expect(model.streamShown)
        let p = try panel(model)
        #expect(p.rows.count == StreamView.rowCount(for: Self.size))
        #expect(p.rows.count >= 10)
        #expect(p.state == "following")
        let last = try #require(p.rows.last)
        #expect(last.time == IncidentFixture.t0 + 2949.5)
        #expect(p.rows.allSatisfy { $0.tag.hasPrefix("+") }, "after the rollout the newest lines are the new pods'")
        #expect(p.pods == "pods 3 new · 0 old (3 gone) · 0 restarts")
        #expect(model.contexts == [.deploy, .stream, .main, .everywhere])
        #expect(model.selectable == nil, "the checklist is passed and collapsed: the arrows scroll the stream")
    }

    @Test("a text filter narrows as it is typed; a regex works; esc while typing puts the old filter back")
    func textFilter() throws {
        var model = StreamFixture.model(now: 2950, size: Self.size)
        StreamFixture.press(&model, .char("/"))
        StreamFixture.type(&model, "keyerror")
        var rows = try texts(model)
        #expect(!rows.isEmpty)
        #expect(rows.allSatisfy { $0.localizedCaseInsensitiveContains("KeyError") }, "\(rows)")
        #expect(try panel(model).filter == "/keyerror")
        StreamFixture.press(&model, .enter)
        #expect(model.prompt == nil)
        #expect(try panel(model).counts.contains(" of "))
        // A regex: the text starts with the level, so ^POST matches nothing, ^WARN the warnings.
        StreamFixture.press(&model, .char("/"), .ctrl("u"))
        StreamFixture.type(&model, "^POST")
        #expect(try texts(model).isEmpty)
        StreamFixture.press(&model, .ctrl("u"))
        StreamFixture.type(&model, "^warn")
        rows = try texts(model)
        #expect(!rows.isEmpty && rows.allSatisfy { $0.hasPrefix("WARN") }, "\(rows)")
        StreamFixture.press(&model, .ctrl("u"))
        StreamFixture.type(&model, "(ERROR POST|WARN)")
        rows = try texts(model)
        #expect(!rows.isEmpty && rows.allSatisfy { $0.hasPrefix("ERROR POST") || $0.hasPrefix("WARN") }, "\(rows)")
        StreamFixture.press(&model, .escape)
        #expect(model.stream?.filter.query == "keyerror", "esc while typing keeps the filter there was")
        // An unclosed bracket is not a regex: it is looked for as typed.
        StreamFixture.press(&model, .char("/"), .ctrl("u"))
        StreamFixture.type(&model, "serialize_user[")
        #expect(try texts(model).isEmpty)
        #expect(try panel(model).empty?.contains("esc clears the filter") == true)
        StreamFixture.press(&model, .enter, .escape)
        #expect(model.stream?.filter.isActive == false, "esc in the stream drops every filter")
    }

    @Test("errors only keeps error entries with their tracebacks and pod problems; o cycles old and new")
    func levelAndSideFilters() throws {
        var model = StreamFixture.model(now: 2950, size: Self.size)
        _ = model.update(.stream(StreamChunk(pods: [StreamPodUpdate(name: StreamFixture.newPods[1], isNew: true, restarts: 1, trouble: "CrashLoopBackOff")])))
        StreamFixture.press(&model, .char("e"))
        let rows = try panel(model).rows
        #expect(rows.contains { $0.text.hasPrefix("Traceback") })
        #expect(rows.contains { $0.text.hasPrefix("pod problem: restarted") && $0.mark == "▲" })
        #expect(rows.allSatisfy { $0.textRole == .logError || $0.textRole == .warning }, "\(rows.map(\.text))")
        StreamFixture.press(&model, .char("e"), .char("o"))
        #expect(try panel(model).filter == "old")
        #expect(try panel(model).rows.allSatisfy { $0.tag.hasPrefix("-") })
        StreamFixture.press(&model, .char("o"))
        #expect(try panel(model).rows.allSatisfy { $0.tag.hasPrefix("+") })
        StreamFixture.press(&model, .char("o"))
        #expect(try panel(model).filter == nil)
    }

    @Test("the pod list shows each pod's age, restarts, lines and error rate; enter shows that pod's lines only")
    func podList() throws {
        var model = StreamFixture.model(now: 2950, size: Self.size)
        StreamFixture.press(&model, .char("P"))
        let list = try #require(try panel(model).podList)
        #expect(list.count == 7)
        #expect(list[0].name == "every pod (6)")
        let first = list[1]
        #expect(first.side == "new")
        #expect(first.tag == "+c3v4b", "new pods first, by name")
        #expect(first.age == "2:18", "created 12 s after set image, seen 150 s after it")
        #expect(first.errors.hasSuffix("%"))
        #expect(list.last?.side == "gone")
        #expect(model.contexts == [.podList, .everywhere])
        StreamFixture.press(&model, .down, .enter)
        let p = try panel(model)
        #expect(p.podList == nil)
        #expect(p.filter == "pod c3v4b")
        #expect(!p.rows.isEmpty && p.rows.allSatisfy { $0.tag == "+c3v4b" })
        StreamFixture.press(&model, .char("P"))
        #expect(try panel(model).podList?.isEmpty == false)
        #expect(model.stream?.podSelection == 1, "the list opens on the pod shown")
        StreamFixture.press(&model, .up, .enter)
        #expect(try panel(model).filter == nil, "the first row shows every pod again")
    }

    @Test("new error lines are marked once the verdict names the template; ] and [ move between marks and pause")
    func marks() throws {
        var model = StreamFixture.model(now: 2950, size: Self.size)
        StreamFixture.press(&model, .char("e"))
        let marked = try panel(model).rows.filter { $0.mark == "◆" }
        #expect(!marked.isEmpty, "a KeyError the baseline never had")
        #expect(marked.allSatisfy { $0.text.hasPrefix("ERROR POST") })
        #expect(try panel(model).rows.filter { $0.text.hasPrefix("Traceback") }.allSatisfy { $0.mark == " " }, "the entry's first line carries the mark")
        StreamFixture.press(&model, .char("["))
        var p = try panel(model)
        #expect(p.state.hasPrefix("paused"))
        let selected = try #require(p.rows.first { $0.selected })
        #expect(selected.mark == "◆")
        let before = try #require(p.rows.firstIndex { $0.selected })
        StreamFixture.press(&model, .char("["))
        p = try panel(model)
        let after = try #require(p.rows.firstIndex { $0.selected })
        #expect(after < before || p.rows[after].time! < selected.time!, "[ goes to an older mark")
        // New lines while paused are counted, not shown.
        _ = model.update(.monitor(StreamFixture.inputs(from: 2950, deployAt: 2800, until: 2955)))
        #expect(try panel(model).state.contains("new"))
        StreamFixture.press(&model, .char("f"))
        #expect(try panel(model).state == "following")
        // Without a filter, ] from the oldest line finds the first mark: the old pods' targeted error.
        StreamFixture.press(&model, .char("e"), .char("g"), .char("]"))
        let first = try panel(model).rows.first { $0.selected }
        #expect(first?.mark == "●" && first?.text.contains("TypeError") == true)
        // In the baseline the targeted error is marked too.
        StreamFixture.press(&model, .char("o"), .char("g"))
        #expect(try panel(model).rows.contains { $0.mark == "●" && $0.text.contains("TypeError") })
    }

    @Test("filtering never changes the verdict's inputs")
    func filteringLeavesTheVerdictAlone() throws {
        var model = StreamFixture.model(now: 2950, size: Self.size)
        let panel = model.monitorPanel
        let verdict = model.monitor?.verdict(now: (IncidentFixture.t0 + 2950).timeIntervalSince1970)
        let summary = model.monitor?.summary(.hotfix).total
        StreamFixture.press(&model, .char("e"), .char("o"), .char("/"))
        StreamFixture.type(&model, "KeyError")
        StreamFixture.press(&model, .enter, .char("P"), .down, .enter)
        _ = model.update(.tick(IncidentFixture.t0 + 2950))
        #expect(model.stream?.filter.isActive == true)
        #expect(model.monitorPanel == panel)
        #expect(model.monitor?.verdict(now: (IncidentFixture.t0 + 2950).timeIntervalSince1970) == verdict)
        #expect(model.monitor?.summary(.hotfix).total == summary)
    }

    @Test("the phase's keys still work in the stream: n, r, b; tab shows the events and comes back; l too")
    func phaseKeysStay() throws {
        var model = StreamFixture.model(now: 2950, size: Self.size)
        #expect(model.keyMap.action(for: .char("r"), in: model.contexts) == .rollback)
        #expect(model.keyMap.action(for: .char("n"), in: model.contexts) == .advance)
        #expect(model.keyMap.action(for: .char("b"), in: model.contexts) == .retry)
        StreamFixture.press(&model, .tab)
        #expect(model.view.stream == nil)
        #expect(model.view.logFillsDeployPane)
        #expect(model.logFocused)
        #expect(model.logHeight > ConsoleLayout(size: Self.size).log.height, "the events take the whole pane")
        StreamFixture.press(&model, .tab)
        #expect(model.view.stream != nil)
        StreamFixture.press(&model, .char("l"))
        #expect(model.view.logFillsDeployPane)
        StreamFixture.press(&model, .escape)
        #expect(model.view.stream != nil && !model.logFocused)
        // A question about a plan in the log shows the log.
        _ = model.update(.confirm(.rollback, question: "Roll back?"))
        #expect(model.view.stream == nil && !model.view.logFillsDeployPane)
    }

    @Test("leaving DEPLOY ends the stream; a new deploy starts a fresh one")
    func lifetime() throws {
        var model = StreamFixture.model(now: 2950, size: Self.size)
        _ = model.update(.journal(IncidentFixture.events(until: 3300).filter { $0.seq > model.incident.lastSeq }))
        #expect(model.incident.phase == .backport)
        #expect(model.stream == nil)
        model = StreamFixture.model(now: 2950, size: Self.size)
        model.job = nil
        model.activity = nil
        _ = model.start(.deploy)
        #expect(model.stream == nil)
    }

    @Test("the stream is bounded by logs.history; the inbox drops what a frame could not take and says so")
    func bounded() throws {
        var stream = LogStream(capacity: 500)
        let line = LiveLine(level: .info, isError: false, text: "INFO ok")
        stream.take(StreamChunk(lines: (0..<1200).map { StreamInput(pod: "p-\($0 % 7)", container: "api", isNew: true, time: Double($0), line: line) }), now: 0)
        #expect(stream.lines.count == 500)
        #expect(stream.received == 1200)
        #expect(stream.pods.map(\.lines).reduce(0, +) == 1200, "the pods' counts are of every line")
        var f = StreamFilter()
        f.pod = "p-3"
        stream.setFilter(f)
        #expect(stream.shownCount == (700..<1200).filter { $0 % 7 == 3 }.count)

        // Errors are kept longer (a quarter of the capacity more, for them alone): e reaches further back.
        var chatty = LogStream(capacity: 500)
        let error = LiveLine(level: .error, isError: true, text: "ERROR boom", errorShape: "boom")
        chatty.take(StreamChunk(lines: (0..<1200).map { StreamInput(pod: "p", container: "api", isNew: true, time: Double($0), line: $0 % 10 == 0 ? error : line) }), now: 0)
        var errors = StreamFilter()
        errors.errorsOnly = true
        chatty.setFilter(errors)
        #expect(chatty.shownCount == 120, "every error, not only the 50 among the last 500 lines")
        #expect(chatty.line(chatty.shown(0)).time == 0)
        chatty.take(StreamChunk(lines: (1200..<2000).map { StreamInput(pod: "p", container: "api", isNew: true, time: Double($0), line: $0 % 10 == 0 ? error : line) }), now: 0)
        #expect(chatty.shownCount == 125, "the errors' own ring is bounded too")
        #expect(chatty.line(chatty.shown(0)).time == 750)

        let woken = Counter()
        let inbox = StreamInbox(capacity: 100) { woken.add() }
        for chunk in 0..<3 {
            let texts = (0..<80).map { "line \(chunk) \($0)" }
            inbox.receive(pod: "p", container: "api", isNew: true, count: texts.count) { body in
                for (i, text) in texts.enumerated() {
                    var text = text
                    text.withUTF8 { body(UnsafeRawBufferPointer($0), Double(i)) }
                }
            }
        }
        #expect(woken.value == 1, "one wake until the loop takes")
        let taken = inbox.take()
        #expect(taken.lines.count == 100)
        #expect(taken.skipped == 140)
        #expect(taken.lines.last?.line.text == "line 2 79")
        #expect(!inbox.hasPending)
    }
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    func add() { lock.withLock { n += 1 } }
    var value: Int { lock.withLock { n } }
}

extension StreamModelTests {
    /// Before any pod is there (connecting, or a deployment at 0 pods) the empty stream says so,
    /// and once a pod is there it waits for that pod's first lines.
    @Test("an empty stream says whether it waits for pods or for their first lines")
    func emptyStreamSaysWhatItWaitsFor() {
        var stream = LogStream(capacity: 100)
        #expect(stream.panel(height: 10, textWidth: 60, now: 0).empty == "no pod now: connecting, or the deployment has 0 pods · waiting for pods")
        stream.take(StreamChunk(pods: [StreamPodUpdate(name: "app-7d9f8b6c5-x1k2p", isNew: false, created: 0)]), now: 0)
        #expect(stream.panel(height: 10, textWidth: 60, now: 0).empty == "waiting for the pods' first lines")
        stream.take(StreamChunk(pods: [StreamPodUpdate(name: "app-7d9f8b6c5-x1k2p", isNew: false, created: 0, deleted: true)]), now: 1)
        #expect(stream.panel(height: 10, textWidth: 60, now: 1).empty?.hasPrefix("no pod now") == true, "the only pod went away")
    }
}
