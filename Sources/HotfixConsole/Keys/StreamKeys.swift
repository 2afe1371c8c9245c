import Foundation
import HotfixEngine
import HotfixScreen

/// What keys do while DEPLOY shows the pods' stream (the `stream` and `podList` contexts). None
/// of it reaches the verdict: the filter only chooses which lines are drawn.
extension ConsoleModel {
    /// Handles `action` when the stream has the keyboard; nil when it is not the stream's to handle.
    mutating func performStream(_ action: Action) -> [ConsoleEffect]? {
        guard streamShown, !logFocused, var s = stream else { return nil }
        let height = streamHeight
        stream = nil  // one copy while it changes (the lines are not copied)
        defer { stream = s }
        if s.showPods {
            switch action {
            case .up: s.movePodSelection(by: -1)
            case .down: s.movePodSelection(by: 1)
            case .pickPod: s.pickPod()
            case .closePods: s.showPods = false
            default: return nil
            }
            return []
        }
        switch action {
        case .streamFilter:
            prompt = .filter(TextInput(s.filter.query ?? ""), previous: s.filter.query)
        case .errorsOnly:
            var f = s.filter
            f.errorsOnly.toggle()
            s.setFilter(f)
        case .cycleSide:
            var f = s.filter
            f.side = switch f.side { case .all: .old; case .old: .new; case .new: .all }
            s.setFilter(f)
        case .podList: s.openPods()
        case .nextMark, .previousMark:
            if !s.jumpToMark(forward: action == .nextMark, height: height) {
                status = StatusMessage("no marked line \(action == .nextMark ? "below" : "above")\(s.filter.isActive ? " among the lines shown" : "") "
                                       + "(◆ new error template, ● targeted error, ▲ pod problem)", role: .muted)
            }
        case .togglePause: s.togglePause(height: height)
        case .toggleWrap: s.wrap.toggle()
        case .follow, .bottom: s.follow()
        case .pause: s.pause(height: height)
        case .up: s.scroll(by: -1, height: height)
        case .down: s.scroll(by: 1, height: height)
        case .pageUp: s.scroll(by: -height, height: height)
        case .pageDown: s.scroll(by: height, height: height)
        case .top: s.jumpTop(height: height)
        case .clearFilters:
            s.setFilter(StreamFilter())
            s.follow()
        case .toggleEvents, .focusLog:
            s.showEvents = true
            logFocused = true
        default:
            return nil
        }
        return []
    }

    /// Typing the filter narrows the stream at once; esc puts the filter back as it was.
    mutating func editFilter(_ key: Key, input: TextInput, previous: String?) {
        switch key {
        case .escape:
            prompt = nil
            setStreamQuery(previous)
        case .enter:
            prompt = nil
            if let s = stream, s.filter.query != nil, s.shownCount == 0 {
                status = StatusMessage("no line matches \(s.filter.words) yet; esc in the stream clears it", role: .warning)
            }
        default:
            var input = input
            guard input.handle(key) else { return }
            prompt = .filter(input, previous: previous)
            setStreamQuery(input.text)
        }
    }

    mutating func setStreamQuery(_ text: String?) {
        guard var s = stream else { return }
        stream = nil
        var f = s.filter
        f.setQuery(text)
        s.setFilter(f)
        s.follow()
        stream = s
    }
}
