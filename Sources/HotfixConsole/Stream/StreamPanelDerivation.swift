import Foundation
import HotfixEngine
import HotfixLogs
import HotfixScreen

extension ConsoleModel {
    /// Pod lines the stream shows at the current size.
    var streamHeight: Int { StreamView.rowCount(for: size) }

    /// What the screen draws of the stream now (only the rows in view are built).
    var streamPanel: StreamPanel? {
        guard streamShown, let stream else { return nil }
        let (tagWidth, containerWidth) = stream.columns
        let width = StreamView.textWidth(for: size, tagWidth: tagWidth, containerWidth: containerWidth)
        return stream.panel(height: streamHeight, textWidth: width, now: monitorNow ?? now.timeIntervalSince1970)
    }
}

extension LogStream {
    /// The tag column fits every pod's tag, the container column every container (none with one).
    var columns: (tag: Int, container: Int) {
        let tag = min(10, 1 + (pods.map { DisplayWidth.of($0.tag) }.max() ?? 5))
        return (tag, showsContainers ? min(10, containers.map(DisplayWidth.of).max() ?? 0) : 0)
    }

    func panel(height: Int, textWidth: Int, now: Double) -> StreamPanel {
        let rows = wrap ? wrappedRows(height: height, width: textWidth) : visible(height: height).map(row)
        var state = ended ? "ended with the deploy" : "following", stateRole = ended ? Role.muted : .ok
        if !following {
            state = newWhilePaused > 0 ? "paused · \(Self.count(newWhilePaused)) new (f follows)" : "paused (f follows)"
            stateRole = .warning
        }
        let kept = lines.count
        let counts = filter.isActive ? "\(Self.count(shownCount)) of \(Self.count(kept))" : "\(Self.count(kept)) line\(kept == 1 ? "" : "s")"
        var empty: String?
        if rows.isEmpty {
            empty = received > 0 ? "no line matches \(filter.words) · esc clears the filter"
                : pods.contains { !$0.deleted } ? "waiting for the pods' first lines"
                : "no pod now: connecting, or the deployment has 0 pods · waiting for pods"
        }
        return StreamPanel(state: state, stateRole: stateRole, filter: filter.isActive ? filter.words : nil, counts: counts,
                           pods: podsWords.text, podsRole: podsWords.role, rows: rows, empty: empty,
                           podList: showPods ? podRows(now: now) : nil, podSelection: podSelection,
                           skipped: skipped > 0 ? "\(Self.count(skipped)) skipped (more than logs.history between two frames)" : nil,
                           tagWidth: columns.tag, containerWidth: columns.container)
    }

    /// `w`: each line on as many rows as its text needs (the newest at the bottom when following,
    /// else from the first line in view).
    func wrappedRows(height: Int, width: Int) -> [StreamPanel.Row] {
        let n = shownCount
        guard n > 0, height > 0 else { return [] }
        var out: [[StreamPanel.Row]] = []
        var used = 0
        if following {
            var i = n - 1
            while i >= 0 && used < height {
                let rows = wrapped(row(shown(i)), width: width)
                out.insert(rows, at: 0)
                used += rows.count
                i -= 1
            }
            return Array(out.joined().suffix(height))
        }
        var i = start(height: height)
        while i < n && used < height {
            let rows = wrapped(row(shown(i)), width: width)
            out.append(rows)
            used += rows.count
            i += 1
        }
        return Array(out.joined().prefix(height))
    }

    /// A row cut into rows of at most `width` columns of text; the rest of its rows carry no tag or time.
    func wrapped(_ row: StreamPanel.Row, width: Int) -> [StreamPanel.Row] {
        guard DisplayWidth.of(row.text) > width, width > 0 else { return [row] }
        var pieces: [String] = [], current = "", used = 0
        for ch in row.text {
            let w = DisplayWidth.of(ch)
            if used + w > width { pieces.append(current); current = ""; used = 0 }
            current.append(ch); used += w
        }
        if !current.isEmpty { pieces.append(current) }
        return pieces.enumerated().map { i, piece in
            var r = row
            r.text = piece
            if i > 0 { r.mark = " "; r.tag = ""; r.container = nil; r.time = nil }
            return r
        }
    }

    func row(_ seq: Int) -> StreamPanel.Row {
        let l = line(seq)
        let pod = pods[Int(l.pod)]
        let (glyph, markRole): (String, Role) = switch mark(of: l) {
        case .newError: ("◆", .overdue)
        case .target: ("●", .logError)
        case .problem: ("▲", .warning)
        case nil: (" ", .normal)
        }
        let textRole: Role = switch (l.kind, l.isError, l.level) {
        case (.problem, _, _): .warning
        case (_, true, _): .logError
        case (_, _, .warn): .logWarn
        case (_, _, .debug), (_, _, .trace): .muted
        default: l.isNew ? .normal : .muted
        }
        let container = showsContainers ? (l.container >= 0 ? containers[Int(l.container)] : "") : nil
        return StreamPanel.Row(mark: glyph, markRole: markRole, tag: LiveTag.side(isNew: l.isNew) + pod.tag, tagRole: .pod(pod.colour),
                               container: container, time: Date(timeIntervalSince1970: l.time), text: l.text, textRole: textRole,
                               highlights: filter.highlights(in: l.text), selected: seq == cursor)
    }

    /// `pods 3 new · 3 old · 0 restarts`, and a pod in trouble named.
    var podsWords: (text: String, role: Role) {
        let live = pods.filter { !$0.deleted }
        let new = live.filter(\.isNew), gone = pods.count - live.count
        let restarts = live.reduce(0) { $0 + $1.restarts }
        var text = "pods \(new.count) new · \(live.count - new.count) old\(gone > 0 ? " (\(gone) gone)" : "") · \(restarts) restart\(restarts == 1 ? "" : "s")"
        let troubled = live.filter { $0.trouble != nil }
        if let first = troubled.first, let trouble = first.trouble { text += " · \(first.tag) \(trouble)" + (troubled.count > 1 ? " +\(troubled.count - 1)" : "") }
        return (text, troubled.isEmpty && restarts == 0 ? .normal : .overdue)
    }

    func podRows(now: Double) -> [StreamPanel.PodRow] {
        let entries = pods.reduce(0) { $0 + $1.entries }, errors = pods.reduce(0) { $0 + $1.errors }
        var out = [StreamPanel.PodRow(tag: "all", tagRole: .title, name: "every pod (\(pods.count))", side: "", age: "", restarts: "",
                                      lines: Self.count(pods.reduce(0) { $0 + $1.lines }), errors: Self.percent(errors, entries),
                                      errorsRole: errors > 0 ? .logError : .normal)]
        for i in podOrder {
            let p = pods[i]
            out.append(StreamPanel.PodRow(tag: LiveTag.side(isNew: p.isNew) + p.tag, tagRole: .pod(p.colour), name: p.name + (p.trouble.map { " · " + $0 } ?? ""),
                                          side: p.deleted ? "gone" : (p.isNew ? "new" : "old"), age: Durations.clock(max(0, now - (p.created ?? p.firstSeen))),
                                          restarts: String(p.restarts), lines: Self.count(p.lines), errors: Self.percent(p.errors, p.entries),
                                          errorsRole: p.errors > 0 ? .logError : .normal))
        }
        return out
    }

    static func percent(_ part: Int, _ whole: Int) -> String {
        whole == 0 ? "–" : String(format: "%.1f%%", Double(part) / Double(whole) * 100)
    }

    /// 12,345.
    static func count(_ n: Int) -> String {
        let digits = Array(String(n))
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return out
    }
}
