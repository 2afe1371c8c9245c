import Foundation
import HotfixEngine

/// DEPLOY while its pods' logs stream: the whole right-hand column is one pane, the monitoring
/// summary on top (window, verdict, error rate and p99 against the baseline, new templates, pods,
/// the steps so far and the verdict's first reason), then a rule naming the stream's state and
/// filter, then every remaining row is pod lines (or the pod list).
public enum StreamView {
    /// Summary rows above the stream's rule for a pane `width` cells wide inside.
    static func summaryRows(width: Int) -> Int { width >= 110 ? 4 : (width >= 80 ? 5 : 6) }

    /// The pane's rectangle at `layout`: the main pane and the log pane's place together.
    static func rect(_ layout: ConsoleLayout) -> Rect {
        Rect(x: layout.main.x, y: layout.main.y, width: layout.main.width, height: layout.main.height + layout.log.height)
    }

    /// The pane's rectangle at `size`.
    public static func paneRect(for size: Size) -> Rect { rect(ConsoleLayout(size: size)) }

    /// How wide a line's text may be at `size` with these tag and container columns (for wrapping).
    public static func textWidth(for size: Size, tagWidth: Int, containerWidth: Int) -> Int {
        max(10, paneRect(for: size).width - 2 - textOffset(tagWidth: tagWidth, containerWidth: containerWidth))
    }

    /// Where the text starts in a row: the mark, the tag, the container, the time.
    static func textOffset(tagWidth: Int, containerWidth: Int) -> Int {
        1 + tagWidth + 1 + (containerWidth > 0 ? containerWidth + 1 : 0) + 9
    }

    /// How many pod lines the stream shows at `size` (the controller picks that many).
    public static func rowCount(for size: Size) -> Int {
        let inner = rect(ConsoleLayout(size: size)).inset(1)
        return max(0, inner.height - summaryRows(width: inner.width) - 1)
    }

    static func draw(_ buf: inout CellBuffer, _ layout: ConsoleLayout, _ model: ConsoleView, _ stream: StreamPanel, _ timing: Timing) {
        let inner = MainPane.frame(&buf, rect(layout), model, timing)
        guard inner.height > 2, inner.width > 10 else { return }
        let summary = summaryRows(width: inner.width)
        for (i, row) in self.summary(model, stream, width: inner.width).prefix(summary).enumerated() {
            line(&buf, row.left, x: inner.x + 1, y: inner.y + i, limit: inner.right - 1 - (row.right.map { DisplayWidth.of($0.0) + 2 } ?? 0))
            if let (text, role) = row.right { Text.right(&buf, text, in: Rect(x: inner.x, y: inner.y + i, width: inner.width - 1, height: 1), y: inner.y + i, role: role) }
        }
        let ruleY = inner.y + summary
        rule(&buf, stream, x: inner.x, y: ruleY, width: inner.width)
        let area = Rect(x: inner.x, y: ruleY + 1, width: inner.width, height: inner.bottom - ruleY - 1)
        if let pods = stream.podList {
            StreamPods.draw(&buf, area, pods, selection: stream.podSelection)
        } else if stream.rows.isEmpty {
            buf.put(stream.empty ?? "no pod line yet", x: area.x + 1, y: area.y, role: .muted, limit: area.width - 1)
        } else {
            rows(&buf, area, stream, zone: model.timeZone)
        }
    }

    /// A summary row: segments on the left, an optional note on the right.
    struct SummaryRow {
        var left: [(String, Role)]
        var right: (String, Role)? = nil
    }

    static func summary(_ model: ConsoleView, _ stream: StreamPanel, width: Int) -> [SummaryRow] {
        let steps = self.steps(model, compact: width < 80)
        let pods = [(stream.pods, stream.podsRole)]
        guard let m = model.monitor else {
            if let w = model.waiting {
                // Waiting for a rollout made elsewhere: what for, the time used and left, then the pods and steps.
                let head = SummaryRow(left: [(w.title, w.titleRole)], right: w.right.isEmpty ? nil : (w.right, w.titleRole))
                let lines = w.lines.prefix(summaryRows(width: width) - 3).map { SummaryRow(left: [($0.text, $0.role)]) }
                return [head] + lines + [SummaryRow(left: pods), SummaryRow(left: steps)] + Array(repeating: SummaryRow(left: []), count: 3)
            }
            let set = model.incident.latestAttempt.map { $0.retriedAt == nil && $0.rolledOut != nil } ?? false
            // What comes after the baseline, the way this deploy rolls out.
            let then = model.deploySteps.contains { $0.kind == .setImage } ? "set image"
                : model.deploySteps.contains { $0.kind == .rolloutCommand } ? "the rollout command" : "the wait for the rollout"
            let waiting = SummaryRow(left: [("Monitoring · " + (set ? "the rollout began; the window's numbers follow"
                                                                    : "reading the old pods' logs (the baseline), then \(then)"), .title)])
            return [waiting, SummaryRow(left: pods), SummaryRow(left: steps)] + Array(repeating: SummaryRow(left: []), count: 3)
        }
        let head = SummaryRow(left: [("Monitoring · " + m.window, .title)], right: (m.verdict, m.verdictRole))
        let reason = SummaryRow(left: [(m.reason ?? "", .muted)])
        let gap = ("   ", Role.normal)
        switch summaryRows(width: width) {
        case 4:
            return [head, SummaryRow(left: [(m.errors, .normal), gap, (m.p99, .normal), gap, (m.newTemplates, m.templatesRole)]),
                    SummaryRow(left: pods + [gap] + steps), reason]
        case 5:
            return [head, SummaryRow(left: [(m.errors, .normal), gap, (m.p99, .normal)]),
                    SummaryRow(left: [(m.newTemplates, m.templatesRole), gap] + pods), SummaryRow(left: steps), reason]
        default:
            return [head, SummaryRow(left: [(m.errors, .normal)]), SummaryRow(left: [(m.p99, .normal), ("  ", .normal),
                                                                                (m.newTemplates.replacingOccurrences(of: "new error templates", with: "new templates"), m.templatesRole)]),
                    SummaryRow(left: pods), SummaryRow(left: steps), reason]
        }
    }

    /// The checklist in one piece and the deploy's steps so far: `✓ checklist 5/5  ✓ build  ✓ push
    /// ✓ set image  ○ rollout` (`compact`: `✓checks 5/5 ✓build …`, for 80 columns). A step that is
    /// not configured is left out (the Rollout section and the plan say so): it never runs.
    static func steps(_ model: ConsoleView, compact: Bool) -> [(String, Role)] {
        let s = model.incident
        let total = ChecklistItem.allCases.count
        let passed = ChecklistItem.allCases.filter { s.checklist[$0]?.status.clearsGate ?? false }.count
        var out: [(String, Role)] = []
        func add(_ state: StepState, _ text: String) {
            if !out.isEmpty { out.append((compact ? " " : "  ", .normal)) }
            out.append((state.glyph + (compact ? "" : " "), state.role))
            out.append((text, state == .pending ? .muted : .normal))
        }
        add(passed == total ? .done : .warning, (compact ? "checks " : "checklist ") + "\(passed)/\(total)")
        // At 80 columns build and push go without saying once the image is set.
        let imageSet = model.deploySteps.contains { $0.kind.rollsOut && $0.state == .done }
        for step in model.deploySteps where !(compact && imageSet && (step.kind == .build || step.kind == .push)) {
            if case .notConfigured = step.state { continue }
            add(StepState(step.state), step.kind.name.replacingOccurrences(of: "-", with: " "))
        }
        let current = s.latestAttempt.flatMap { $0.retriedAt == nil ? $0 : nil }
        if let back = current?.rollbacks.last { add(.warning, "rollback " + back.record.outcome.name) }
        return out
    }

    /// Segments one after another from `x`, cut at `limit`.
    static func line(_ buf: inout CellBuffer, _ segments: [(String, Role)], x: Int, y: Int, limit: Int) {
        var x = x
        for (text, role) in segments where x < limit {
            let room = limit - x
            x += buf.put(DisplayWidth.of(text) > room ? Text.fit(text, room) : text, x: x, y: y, role: role, limit: room)
        }
    }

    /// `── Pods · following · 1,203 lines ──── /KeyError · errors ──`: the filter always shows;
    /// the state and counts give way to it.
    static func rule(_ buf: inout CellBuffer, _ s: StreamPanel, x: Int, y: Int, width: Int) {
        for i in 0..<width { buf.put("─", x: x + i, y: y, role: .border) }
        var end = x + width - 1
        if let filter = s.filter {
            let text = " " + filter + " "
            let fx = max(x + 8, end - DisplayWidth.of(text))
            buf.put(text, x: fx, y: y, role: .phaseActive, limit: end - fx)
            end = fx - 1
        }
        var at = x + 1
        // When all of it does not fit, the state is said in its first word, then left out,
        // before a count is cut ("2,500 of 1" reads as a wrong number).
        let room = end - at
        let counts = " · " + s.counts + " "
        let first = String(s.state.prefix { $0 != " " })
        let state = [s.state, first].first { DisplayWidth.of(" Pods · " + $0 + counts) <= room }
        at += buf.put(state == nil ? " Pods" : " Pods · ", x: at, y: y, role: .title, limit: max(0, end - at))
        if let state { at += buf.put(state, x: at, y: y, role: s.stateRole, limit: max(0, end - at)) }
        at += buf.put(counts, x: at, y: y, role: .title, limit: max(0, end - at))
        if let skipped = s.skipped { buf.put(skipped + " ", x: at, y: y, role: .warning, limit: max(0, end - at)) }
    }

    /// The pod lines, top to bottom.
    static func rows(_ buf: inout CellBuffer, _ area: Rect, _ stream: StreamPanel, zone: TimeZone) {
        let (tagWidth, containerWidth) = (stream.tagWidth, stream.containerWidth)
        let textX = area.x + textOffset(tagWidth: tagWidth, containerWidth: containerWidth)
        for (i, row) in stream.rows.prefix(area.height).enumerated() {
            let y = area.y + i
            var x = area.x
            buf.put(row.mark, x: x, y: y, role: row.markRole, limit: 1)
            x += 1
            buf.put(row.tag, x: x, y: y, role: row.tagRole, limit: tagWidth)
            x += tagWidth + 1
            if containerWidth > 0 {
                buf.put(row.container ?? "", x: x, y: y, role: .muted, limit: containerWidth)
                x += containerWidth + 1
            }
            if let time = row.time { buf.put(ChecklistView.clock(time, zone), x: x, y: y, role: .muted, limit: area.right - x) }
            guard textX < area.right else { continue }
            buf.put(row.text, x: textX, y: y, role: row.textRole, limit: area.right - textX)
            for part in row.highlights where !part.isEmpty { LogView.highlight(&buf, row.text, query: part, x: textX, y: y, limit: area.right) }
            if row.selected { buf.paint(Rect(x: area.x, y: y, width: area.width, height: 1), role: .selection) }
        }
    }
}

/// The pod list over the stream: each pod with its side, age, restarts, lines and error rate.
enum StreamPods {
    static func draw(_ buf: inout CellBuffer, _ area: Rect, _ pods: [StreamPanel.PodRow], selection: Int) {
        guard area.height > 2 else { return }
        let tagWidth = min(10, pods.map { DisplayWidth.of($0.tag) }.max() ?? 4)
        let columns: [(String, Int)] = [("side", 5), ("age", 7), ("restarts", 9), ("lines", 9), ("errors", 7)]
        func cells(_ y: Int, _ marker: String, _ tag: (String, Role), _ values: [(String, Role)], _ name: String, role: Role) {
            var x = area.x
            x += buf.put(marker, x: x, y: y, role: .title, limit: 2)
            x = area.x + 2
            buf.put(tag.0, x: x, y: y, role: tag.1, limit: tagWidth)
            x += tagWidth + 1
            for ((text, r), (_, w)) in zip(values, columns) where x + w <= area.right {
                buf.put(text, x: x + max(0, w - 1 - DisplayWidth.of(text)), y: y, role: r, limit: w)
                x += w
            }
            if x + 2 < area.right { buf.put(name, x: x + 1, y: y, role: role, limit: area.right - x - 1) }
        }
        cells(area.y, " ", ("pod", .muted), columns.map { ($0.0, .muted) }, "name · ↑ ↓ choose, enter shows its lines only, esc closes", role: .muted)
        // Keep the selected row in view.
        let visible = area.height - 1
        let first = max(0, min(selection - visible / 2, pods.count - visible))
        for (i, pod) in pods.enumerated().dropFirst(first).prefix(visible) {
            let y = area.y + 1 + i - first
            let side: Role = pod.side == "gone" ? .muted : .normal
            cells(y, i == selection ? "›" : " ", (pod.tag, pod.tagRole),
                  [(pod.side, side), (pod.age, .normal), (pod.restarts, pod.restarts == "0" || pod.restarts.isEmpty ? .normal : .warning),
                   (pod.lines, .normal), (pod.errors, pod.errorsRole)], pod.name, role: pod.side == "gone" ? .muted : .normal)
            if i == selection { buf.paint(Rect(x: area.x + 1, y: y, width: area.width - 1, height: 1), role: .selection) }
        }
    }
}
