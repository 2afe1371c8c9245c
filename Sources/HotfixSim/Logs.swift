import Foundation

/// `GET pods/{name}/log`: text/plain, chunked while following.
struct Logs {
    let api: API

    struct Run {
        var start: Date
        var index: Int
        var end: Date?
    }

    func serve(_ req: HTTPRequest, _ conn: Responder, namespace: String, pod name: String) async throws(APIError) {
        let c = api.cluster
        let q = req.query
        let follow = q["follow"] == "true"
        let timestamps = q["timestamps"] == "true"
        let tail = q["tailLines"].flatMap(Int.init)
        let limit = q["limitBytes"].flatMap(Int.init)
        let now = Date()
        var from = Date.distantPast
        if let s = q["sinceTime"] {
            // An API server reads sinceTime to the second (metav1.Time): the whole second comes back.
            guard let t = Time.parse(s) else { throw APIError(400, "BadRequest", "sinceTime: invalid value \(s)") }
            from = Date(timeIntervalSince1970: floor(t.timeIntervalSince1970))
        } else if let s = q["sinceSeconds"].flatMap(Double.init) {
            from = now.addingTimeInterval(-s)
        }
        c.cond.enter()
        guard let pod = c.pods[c.key(namespace, name)] else {
            c.cond.leave()
            throw APIError.notFound("pods", group: "", name: name)
        }
        c.cond.leave()
        let names = [pod.container] + pod.sidecars.map(\.name)
        let asked = q["container"].flatMap { $0.isEmpty ? nil : $0 }
        if asked == nil && names.count > 1 {
            throw APIError(400, "BadRequest", "a container name must be specified for pod \(name), choose one of: [\(names.joined(separator: " "))]")
        }
        if let cn = asked, !names.contains(cn) {
            throw APIError(400, "BadRequest", "container \(cn) is not valid for pod \(name)")
        }
        let sidecar = pod.sidecars.first { $0.name == asked }
        let run: Run
        let gen: LogGenerator
        if let sidecar {
            // A sidecar runs from the pod's start and never restarts.
            guard now >= pod.startAt else {
                throw APIError(400, "BadRequest", "container \"\(sidecar.name)\" in pod \"\(name)\" is waiting to start: ContainerCreating")
            }
            if q["previous"] == "true" {
                throw APIError(400, "BadRequest", "previous terminated container \"\(sidecar.name)\" in pod \"\(name)\" not found")
            }
            run = Run(start: pod.startAt, index: 0, end: nil)
            gen = sidecar.generator
        } else {
            run = try Self.run(pod, previous: q["previous"] == "true", now: now)
            gen = pod.generator
        }
        var stopAt = pod.stopAt
        func end() -> Date? {
            switch (run.end, stopAt) {
            case (let a?, let b?): return min(a, b)
            case (let a?, nil): return a
            case (nil, let b?): return b
            case (nil, nil): return nil
            }
        }
        let lag = follow ? c.timing.logLag : 0
        var cursor = min(now.addingTimeInterval(-lag), end() ?? now)
        var lines = gen.lines(runStart: run.start, run: run.index, from: from, to: cursor)
        if let tail { lines = Array(lines.suffix(max(0, tail))) }
        guard await conn.startStream(contentType: "text/plain") else { return }
        var budget = limit ?? Int.max
        /// False when the stream must stop (byte limit reached or the client left).
        func emit(_ lines: [LogGenerator.Line]) async -> Bool {
            var chunk: [UInt8] = []
            var full = false
            for l in lines {
                var b = Array(((timestamps ? Time.rfc3339Nano(l.time) + " " : "") + l.text + "\n").utf8)
                if b.count >= budget {
                    b = Array(b.prefix(budget))
                    budget = 0
                    chunk += b
                    full = true
                    break
                }
                budget -= b.count
                chunk += b
            }
            guard await conn.writeChunk(chunk) else { return false }
            return !full
        }
        guard await emit(lines), conn.isOpen else { return conn.isOpen ? await conn.endStream() : () }
        if !follow || (end().map { cursor >= $0 } ?? false) { return await conn.endStream() }
        let jitter = Double(LogGenerator.hash("\(name)\(asked ?? "")\(now.timeIntervalSince1970)") % 600) / 1000
        let dropAt = c.scenario == .streamDrops ? now.addingTimeInterval(c.timing.dropEvery * (0.7 + jitter)) : .distantFuture
        while !api.isStopped() && !Task.isCancelled {
            try? await Task.sleep(for: .seconds(c.timing.logPoll))
            c.cond.enter()
            // The container stopped when its pod did, however late this stream reads: a pod already
            // gone (retired while the stream waited) still tells when, and nothing after it is served.
            let key = c.key(namespace, name)
            if let p = c.pods[key] ?? c.retired[key] { stopAt = p.stopAt } else if stopAt == nil { stopAt = Date() }
            c.cond.leave()
            let e = end()
            let to = max(cursor, min(Date().addingTimeInterval(-lag), e ?? .distantFuture))
            guard await emit(gen.lines(runStart: run.start, run: run.index, from: cursor, to: to)) else {
                return conn.isOpen ? await conn.endStream() : ()
            }
            cursor = to
            if let e, to >= e { break }
            if Date() >= dropAt { return conn.abort() }
            if !conn.isOpen { return }
        }
        await conn.endStream()
    }

    /// The run a request reads: the current (or last, while backing off) one, or the previous one.
    static func run(_ pod: Pod, previous: Bool, now: Date) throws(APIError) -> Run {
        let st = pod.state(at: now)
        let gen = pod.generator
        if previous {
            guard let last = st.lastRun else {
                throw APIError(400, "BadRequest", "previous terminated container \"\(pod.container)\" in pod \"\(pod.meta.name)\" not found")
            }
            let index = st.kind == .backoff ? st.run : st.run - 1
            return Run(start: last.start, index: index, end: gen.runEnd(runStart: last.start) ?? last.end)
        }
        switch st.kind {
        case .creating:
            throw APIError(400, "BadRequest", "container \"\(pod.container)\" in pod \"\(pod.meta.name)\" is waiting to start: ContainerCreating")
        case .running, .backoff:
            return Run(start: st.runStart, index: st.run, end: gen.runEnd(runStart: st.runStart))
        }
    }
}
