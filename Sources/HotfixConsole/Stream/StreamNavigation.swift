import Foundation

/// Where the stream's view is and how keys move it: follow, pause, scroll, jump between marked
/// lines, pick a pod.
extension LogStream {
    /// The first shown position of a view `height` rows tall.
    func start(height: Int) -> Int {
        let n = shownCount
        if following { return max(0, n - height) }
        return max(0, min(position(of: anchor).index, n - height))
    }

    /// The absolute numbers of the rows a view `height` rows tall shows now, top to bottom.
    func visible(height: Int) -> [Int] {
        let n = shownCount
        guard n > 0, height > 0 else { return [] }
        let first = start(height: height)
        return (first..<min(n, first + height)).map(shown)
    }

    /// Lines that arrived since the view was paused (all of them, filtered or not).
    public var newWhilePaused: Int { following ? 0 : max(0, received - pausedAt) }

    /// Back to the newest lines as they come.
    mutating func follow() {
        following = true
        cursor = nil
    }

    /// Freezes the view where it is; lines keep arriving and are counted.
    mutating func pause(height: Int) {
        guard following else { return }
        anchor = shownCount > 0 ? shown(start(height: height)) : received
        pausedAt = received
        following = false
    }

    mutating func togglePause(height: Int) {
        if following { pause(height: height) } else { follow() }
    }

    /// Scrolls by `delta` rows (up is negative); scrolling down to the newest line follows again.
    mutating func scroll(by delta: Int, height: Int) {
        let n = shownCount
        guard n > 0 else { return }
        let from = start(height: height)
        let to = max(0, min(from + delta, n - height))
        if delta > 0 && to >= n - height && cursor == nil { follow(); return }
        pause(height: height)
        anchor = shown(max(0, min(to, n - 1)))
    }

    mutating func jumpTop(height: Int) {
        guard shownCount > 0 else { return }
        pause(height: height)
        anchor = shown(0)
    }

    /// Moves the cursor to the next (older: `forward == false`) marked line's entry and scrolls it
    /// into view; returns false when there is none that way.
    mutating func jumpToMark(forward: Bool, height: Int) -> Bool {
        let n = shownCount
        guard n > 0 else { return false }
        let first = start(height: height)
        let from = cursor.map { position(of: $0).index } ?? (forward ? first - 1 : min(n, first + height))
        let range: [Int] = forward ? Array(stride(from: from + 1, to: n, by: 1)) : Array(stride(from: from - 1, through: 0, by: -1))
        guard let hit = range.first(where: { i in
            let l = line(shown(i))
            return !l.isContinuation && mark(of: l) != nil
        }) else { return false }
        if following { pause(height: height) }
        cursor = shown(hit)
        if hit < first || hit >= first + height { anchor = shown(max(0, hit - height / 2)) }
        return true
    }

    // MARK: - The pod list

    /// The pods in the list's order: new before old, then by name; pods that are gone last.
    var podOrder: [Int] {
        pods.indices.sorted { a, b in
            let x = pods[a], y = pods[b]
            if x.deleted != y.deleted { return !x.deleted }
            if x.isNew != y.isNew { return x.isNew }
            return x.name < y.name
        }
    }

    mutating func openPods() {
        showPods = true
        let order = podOrder
        podSelection = filter.pod.flatMap { name in order.firstIndex { pods[$0].name == name }.map { $0 + 1 } } ?? 0
    }

    mutating func movePodSelection(by delta: Int) {
        podSelection = max(0, min(pods.count, podSelection + delta))
    }

    /// Enter in the pod list: row 0 shows every pod again, another row that pod only.
    mutating func pickPod() {
        var f = filter
        let order = podOrder
        f.pod = podSelection == 0 || podSelection > order.count ? nil : pods[order[podSelection - 1]].name
        showPods = false
        setFilter(f)
        follow()
    }
}
