import Foundation

/// The simulated cluster's state and its controllers (Deployment, ReplicaSet, kubelet), behind one lock.
final class Cluster: @unchecked Sendable {
    static let revisionKey = "deployment.kubernetes.io/revision"
    static let historyKey = "deployment.kubernetes.io/revision-history"
    static let hashKey = "pod-template-hash"

    struct WatchEvent: Sendable {
        var rv: Int
        var resource: Resource
        var type: String
        var namespace: String
        var object: JSON
        /// The event as a watch sends it, serialized once for every watcher.
        var line: [UInt8]
    }

    enum Resource: String, Sendable { case pods, deployments, replicasets }

    let cond = NSCondition()
    let scenario: Scenario
    let speed: Double
    let timing: SimTiming
    let baselineImage: String
    var rv = 1000
    var deployments: [String: Deployment] = [:]
    var replicaSets: [String: ReplicaSet] = [:]
    var pods: [String: Pod] = [:]
    /// Pods that are gone, kept for their logs.
    var retired: [String: Pod] = [:]
    var events: [WatchEvent] = []
    /// The oldest resourceVersion a watch may resume from (older ones get 410 Gone), as etcd's
    /// compaction leaves an API server.
    var compactedRV = 0
    /// Bumped by `expireWatches()`: open watches end with an ERROR 410 Expired event.
    var expiries = 0
    var stopped = false
    /// Images that behave as another scenario than the cluster's (a later build of the fix).
    var imageScenarios: [String: Scenario] = [:]
    private var podCounter = 0

    init(scenario: Scenario, speed: Double, timing: SimTiming, namespace: String, deployment: String, container: String, image: String,
         replicas: Int, sidecars: Int = 0) {
        self.scenario = scenario
        self.speed = speed
        self.timing = timing
        self.baselineImage = image
        let now = Date()
        let labels = ["app": deployment]
        let extra: [JSON] = (0..<max(0, sidecars)).map { k in
            .object(["name": .string(k == 0 ? "proxy" : "proxy-\(k + 1)"), "image": .string("registry/envoy:1.31"),
                     "ports": .array([.object(["containerPort": .number(Double(15001 + k)), "protocol": .string("TCP")])])])
        }
        let template: JSON = .object([
            "metadata": .object(["labels": .map(labels)]),
            "spec": .object([
                "containers": .array([.object([
                    "name": .string(container), "image": .string(image),
                    "ports": .array([.object(["containerPort": .number(8000), "protocol": .string("TCP")])]),
                ])] + extra),
                "restartPolicy": .string("Always"),
            ]),
        ])
        var meta = ObjectMeta(name: deployment, namespace: namespace, created: now.addingTimeInterval(-86400))
        meta.labels = labels
        let d = Deployment(meta: meta, replicas: replicas, selector: labels, template: template, lastProgress: now)
        cond.lock()
        put(d, event: nil)
        // The running baseline: started a while ago (five simulated minutes), so it has recent logs.
        reconcile(now: now, backdate: 300 / speed)
        cond.unlock()
    }

    func key(_ ns: String, _ name: String) -> String { ns + "/" + name }

    func nextRV() -> Int { rv += 1; return rv }

    func record(_ resource: Resource, _ type: String, _ ns: String, _ object: JSON) {
        let line = Array((JSON.object(["type": .string(type), "object": object]).text + "\n").utf8)
        events.append(WatchEvent(rv: rv, resource: resource, type: type, namespace: ns, object: object, line: line))
        if events.count > 60_000 {
            events.removeFirst(10_000)
            compactedRV = (events.first?.rv ?? rv) - 1
        }
        cond.broadcast()
    }

    /// Forgets the event history, as a compaction does: open watches end with ERROR 410
    /// Expired and may not resume from any version seen so far (caller holds the lock).
    func expireWatches() {
        compactedRV = rv
        events.removeAll()
        expiries += 1
        cond.broadcast()
    }

    func put(_ d: Deployment, event: String? = "MODIFIED") {
        var d = d
        d.meta.rv = nextRV()
        deployments[key(d.meta.namespace, d.meta.name)] = d
        record(.deployments, event ?? "ADDED", d.meta.namespace, d.json)
    }

    func put(_ rs: ReplicaSet, event: String = "MODIFIED") {
        var rs = rs
        rs.meta.rv = nextRV()
        replicaSets[key(rs.meta.namespace, rs.meta.name)] = rs
        record(.replicasets, event, rs.meta.namespace, rs.json)
    }

    func put(_ p: Pod, now: Date, event: String = "MODIFIED") {
        var p = p
        p.meta.rv = nextRV()
        p.published = p.state(at: now)
        p.publishedDeleting = p.meta.deletion != nil
        pods[key(p.meta.namespace, p.meta.name)] = p
        record(.pods, event, p.meta.namespace, p.json(at: now, grace: graceSeconds))
    }

    var graceSeconds: Int { Int(timing.terminationGrace) }

    static func templateHash(_ template: JSON) -> String {
        var t = template.normalized
        t[path: ["metadata", "labels", hashKey]] = nil
        let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")
        var h = LogGenerator.hash(t.normalized.text)
        var out = ""
        for _ in 0..<10 { out.append(alphabet[Int(h % UInt64(alphabet.count))]); h /= UInt64(alphabet.count) }
        return out
    }

    func owned(by d: Deployment) -> [ReplicaSet] {
        replicaSets.values.filter { $0.meta.owner?.uid == d.meta.uid }.sorted { $0.meta.created < $1.meta.created }
    }

    func activePods(of rs: ReplicaSet) -> [Pod] {
        pods.values.filter { $0.meta.owner?.uid == rs.meta.uid && $0.meta.deletion == nil }
    }

    // MARK: - The controllers

    /// One pass of every controller; `backdate` starts newly created pods that long ago (the initial baseline).
    func reconcile(now: Date, backdate: Double = 0) {
        for k in deployments.keys.sorted() { reconcileDeployment(k, now: now, backdate: backdate) }
        kubelet(now: now)
    }

    private func reconcileDeployment(_ k: String, now: Date, backdate: Double) {
        guard var d = deployments[k] else { return }
        var changed = false
        let hash = Self.templateHash(d.template)
        var all = owned(by: d)
        var newRS = all.first { $0.hash == hash }
        let maxRevision = all.map(\.revision).max() ?? 0
        if newRS == nil {
            var template = d.template
            template[path: ["metadata", "labels", Self.hashKey]] = .string(hash)
            var meta = ObjectMeta(name: "\(d.meta.name)-\(hash)", namespace: d.meta.namespace, created: now.addingTimeInterval(-backdate))
            meta.labels = (template[path: ["metadata", "labels"]] ?? .null).stringMap
            meta.annotations = [Self.revisionKey: String(maxRevision + 1),
                                "deployment.kubernetes.io/desired-replicas": String(d.replicas),
                                "deployment.kubernetes.io/max-replicas": String(d.replicas + surge(d))]
            meta.owner = Owner(kind: "Deployment", name: d.meta.name, uid: d.meta.uid)
            var selector = d.selector
            selector[Self.hashKey] = hash
            let rs = ReplicaSet(meta: meta, replicas: 0, selector: selector, template: template, hash: hash)
            put(rs, event: "ADDED")
            newRS = replicaSets[key(rs.meta.namespace, rs.meta.name)]
            all = owned(by: d)
        } else if var rs = newRS, rs.revision < maxRevision {
            // rollout undo: the old ReplicaSet comes back with the next revision.
            var history = rs.meta.annotations[Self.historyKey].map { $0.split(separator: ",").map(String.init) } ?? []
            history.append(String(rs.revision))
            rs.meta.annotations[Self.historyKey] = history.joined(separator: ",")
            rs.meta.annotations[Self.revisionKey] = String(maxRevision + 1)
            put(rs)
            newRS = replicaSets[key(rs.meta.namespace, rs.meta.name)]
            all = owned(by: d)
        }
        guard var current = newRS else { return }
        if d.meta.annotations[Self.revisionKey] != current.meta.annotations[Self.revisionKey] {
            d.meta.annotations[Self.revisionKey] = current.meta.annotations[Self.revisionKey]
            changed = true
        }
        if d.status.observedGeneration != d.meta.generation {
            d.status.observedGeneration = d.meta.generation
            d.lastProgress = now
            changed = true
        }
        if !d.paused {
            let others = all.filter { $0.meta.uid != current.meta.uid }
            let maxTotal = d.replicas + surge(d)
            let total = all.map(\.replicas).reduce(0, +)
            if current.replicas < d.replicas {
                let room = maxTotal - total
                if room > 0 {
                    current.replicas += min(room, d.replicas - current.replicas)
                    put(current)
                }
            } else if current.replicas > d.replicas {
                current.replicas = d.replicas
                put(current)
            }
            // As the Deployment controller: unhealthy old pods go first, within what the
            // availability budget allows; then healthy old pods as new ones become available.
            let minAvailable = d.replicas - unavailable(d)
            let allSpec = owned(by: d).map(\.replicas).reduce(0, +)
            let newActive = activePods(of: current)
            let newUnavailable = newActive.filter { !$0.isReady(now) }.count + max(0, current.replicas - newActive.count)
            var cleanup = allSpec - minAvailable - newUnavailable
            for var old in others where old.replicas > 0 && cleanup > 0 {
                let unhealthy = activePods(of: old).filter { !$0.isReady(now) }.count
                let cut = min(unhealthy, old.replicas, cleanup)
                if cut > 0 {
                    cleanup -= cut
                    old.replicas -= cut
                    put(old)
                }
            }
            let available = owned(by: d).flatMap { activePods(of: $0) }.filter { $0.isReady(now) }.count
            var canRemove = available - minAvailable
            for var old in owned(by: d) where old.meta.uid != current.meta.uid && old.replicas > 0 && canRemove > 0 {
                let cut = min(old.replicas, canRemove)
                canRemove -= cut
                old.replicas -= cut
                put(old)
            }
            // The history limit: the oldest idle ReplicaSets go.
            let idle = owned(by: d).filter { $0.meta.uid != current.meta.uid && $0.replicas == 0 && activePods(of: $0).isEmpty }
            if idle.count > d.historyLimit {
                for rs in idle.sorted(by: { $0.revision < $1.revision }).prefix(idle.count - d.historyLimit) {
                    replicaSets[key(rs.meta.namespace, rs.meta.name)] = nil
                    rv += 1
                    var gone = rs
                    gone.meta.rv = rv
                    record(.replicasets, "DELETED", rs.meta.namespace, gone.json)
                }
            }
        }
        for rs in owned(by: d) { syncPods(of: rs, deployment: d, now: now, backdate: backdate) }
        // Status, as `kubectl rollout status` reads it.
        let sets = owned(by: d)
        let active = sets.flatMap { activePods(of: $0) }
        let newActive = active.filter { $0.hash == current.hash }
        let newAvailable = newActive.filter { $0.isReady(now) }.count
        var st = d.status
        st.replicas = active.count
        st.updated = newActive.count
        st.ready = active.filter { $0.isReady(now) }.count
        st.available = st.ready
        st.unavailable = max(0, d.replicas - st.available)
        if newAvailable > progressMark(d) { d.lastProgress = now }
        let complete = st.updated == d.replicas && st.replicas == d.replicas && newAvailable == d.replicas
        let rsName = current.meta.name
        var progressing: Condition
        if complete {
            progressing = Condition(type: "Progressing", status: "True", reason: "NewReplicaSetAvailable",
                                    message: "ReplicaSet \"\(rsName)\" has successfully progressed.", since: now)
        } else if now.timeIntervalSince(d.lastProgress) > Double(d.progressDeadline) {
            // Real seconds, as an API server counts them, whatever the speed: a rollout that does
            // not progress stays "Progressing" for the whole progressDeadlineSeconds (600 by default).
            progressing = Condition(type: "Progressing", status: "False", reason: "ProgressDeadlineExceeded",
                                    message: "ReplicaSet \"\(rsName)\" has timed out progressing.", since: now)
        } else {
            progressing = Condition(type: "Progressing", status: "True", reason: "ReplicaSetUpdated",
                                    message: "ReplicaSet \"\(rsName)\" is progressing.", since: now)
        }
        let minAvailable = d.replicas - unavailable(d)
        var available = st.available >= minAvailable
            ? Condition(type: "Available", status: "True", reason: "MinimumReplicasAvailable", message: "Deployment has minimum availability.", since: now)
            : Condition(type: "Available", status: "False", reason: "MinimumReplicasUnavailable", message: "Deployment does not have minimum availability.", since: now)
        for old in d.status.conditions {
            if old.type == "Available" && old.status == available.status { available.since = old.since }
            if old.type == "Progressing" && old.status == progressing.status && old.reason == progressing.reason { progressing.since = old.since }
        }
        st.conditions = [available, progressing]
        newAvailableMarks[d.meta.uid] = newAvailable
        if !st.same(d.status) { d.status = st; changed = true }
        if changed { put(d) } else { deployments[k] = d }
    }

    private var newAvailableMarks: [String: Int] = [:]
    private func progressMark(_ d: Deployment) -> Int { newAvailableMarks[d.meta.uid] ?? 0 }

    func surge(_ d: Deployment) -> Int { Int((Double(d.replicas) * 0.25).rounded(.up)) }
    func unavailable(_ d: Deployment) -> Int {
        let u = Int((Double(d.replicas) * 0.25).rounded(.down))
        return u == 0 && surge(d) == 0 ? 1 : u
    }

    private func syncPods(of rs: ReplicaSet, deployment d: Deployment, now: Date, backdate: Double) {
        var rs = rs
        let active = activePods(of: rs)
        if active.count < rs.replicas {
            for _ in 0..<(rs.replicas - active.count) { createPod(rs, now: now, backdate: backdate) }
        } else if active.count > rs.replicas {
            let victims = active.sorted { a, b in
                let ra = a.isReady(now), rb = b.isReady(now)
                if ra != rb { return !ra }
                return a.meta.created > b.meta.created
            }.prefix(active.count - rs.replicas)
            for v in victims { delete(v, now: now) }
        }
        let after = activePods(of: rs)
        let observed = (replicas: after.count, ready: after.filter { $0.isReady(now) }.count)
        if observed != rs.observed {
            rs.observed = observed
            put(rs)
        }
    }

    func delete(_ p: Pod, now: Date) {
        guard p.meta.deletion == nil else { return }
        var p = p
        p.meta.deletion = now.addingTimeInterval(Double(graceSeconds))
        p.stopAt = now.addingTimeInterval(timing.terminationGrace / speed)
        put(p, now: now)
    }

    private func createPod(_ rs: ReplicaSet, now: Date, backdate: Double) {
        podCounter += 1
        let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")
        var h = LogGenerator.hash("\(rs.meta.uid)-\(podCounter)-\(now.timeIntervalSince1970)")
        var suffix = ""
        for _ in 0..<5 { suffix.append(alphabet[Int(h % UInt64(alphabet.count))]); h /= UInt64(alphabet.count) }
        let name = "\(rs.meta.name)-\(suffix)"
        let created = now.addingTimeInterval(-backdate)
        var meta = ObjectMeta(name: name, namespace: rs.meta.namespace, created: created)
        meta.labels = (rs.template[path: ["metadata", "labels"]] ?? .null).stringMap
        meta.owner = Owner(kind: "ReplicaSet", name: rs.meta.name, uid: rs.meta.uid)
        let spec = rs.template["spec"] ?? .object([:])
        let all = spec["containers"]?.array ?? []
        let first = all.first
        let container = first?["name"]?.string ?? "app"
        let image = first?["image"]?.string ?? ""
        let behaviour = behaviour(image: image)
        // --rate: about that many lines a second from the whole pod, whatever the speed.
        let perContainer = timing.podLinesPerSecond.map { $0 / Double(max(1, all.count)) } ?? timing.requestRate * speed
        let generator = LogGenerator(seed: LogGenerator.hash(name), behaviour: behaviour, image: image, pod: name,
                                     eventsPerSecond: perContainer, crashAfter: timing.crashAfter / speed)
        let sidecars = all.dropFirst().map { c -> Sidecar in
            var g = generator
            g.sidecar = true
            g.image = c["image"]?.string ?? ""
            return Sidecar(name: c["name"]?.string ?? "sidecar", image: g.image, generator: g)
        }
        let pod = Pod(meta: meta, rsName: rs.meta.name, hash: rs.hash, spec: spec, container: container, image: image, sidecars: sidecars,
                      ip: "10.244.0.\(10 + podCounter % 240)", generator: generator,
                      startAt: created.addingTimeInterval(timing.startDelay / speed), readyAfter: timing.readyDelay / speed,
                      crashes: behaviour == .crash, crashAfter: timing.crashAfter / speed, backoff: timing.backoff / speed)
        put(pod, now: now, event: "ADDED")
    }

    func behaviour(image: String) -> LogGenerator.Behaviour {
        if image == baselineImage { return .baseline }
        switch imageScenarios[image] ?? scenario {
        case .fixWorks, .streamDrops: return .fixed
        case .noEffect: return .baseline
        case .newError: return .newError
        case .crashloop: return .crash
        case .noTraffic: return .quiet
        case .slow: return .slow
        }
    }

    /// Container state changes become pod events; terminated pods disappear.
    private func kubelet(now: Date) {
        for (k, p) in pods {
            if let stop = p.stopAt, now >= stop {
                pods[k] = nil
                retired[k] = p
                rv += 1
                var gone = p
                gone.meta.rv = rv
                record(.pods, "DELETED", p.meta.namespace, gone.json(at: now, grace: 0))
                continue
            }
            if p.published != p.state(at: now) { put(p, now: now) }
        }
    }

    // MARK: - Changes from the API

    /// Applies a patch to a deployment; the generation grows when the spec changes.
    func patchDeployment(_ k: String, kind: PatchKind, patch: JSON, now: Date) throws(APIError) -> JSON {
        guard var d = deployments[k] else { throw APIError.notFound("deployments", group: "apps", name: String(k.split(separator: "/").last ?? "")) }
        let before = d.json
        let after: JSON
        do { after = try Patch.apply(kind, patch: patch, to: before) } catch { throw APIError(422, "Invalid", error.description) }
        guard let template = after[path: ["spec", "template"]], case .object = template,
              let containers = template[path: ["spec", "containers"]]?.array, !containers.isEmpty else {
            throw APIError(422, "Invalid", "Deployment.apps \"\(d.meta.name)\" is invalid: spec.template.spec.containers: Required value")
        }
        for c in containers where (c["image"]?.string ?? "").isEmpty || (c["name"]?.string ?? "").isEmpty {
            throw APIError(422, "Invalid", "Deployment.apps \"\(d.meta.name)\" is invalid: spec.template.spec.containers: name and image are required")
        }
        let labels = (template[path: ["metadata", "labels"]] ?? .null).stringMap
        for (lk, lv) in d.selector where labels[lk] != lv {
            throw APIError(422, "Invalid", "Deployment.apps \"\(d.meta.name)\" is invalid: spec.template.metadata.labels: Invalid value: `selector` does not match template `labels`")
        }
        d.template = template.normalized
        if let r = after[path: ["spec", "replicas"]]?.int, r >= 0 { d.replicas = r }
        d.paused = after[path: ["spec", "paused"]]?.bool ?? false
        if let p = after[path: ["spec", "progressDeadlineSeconds"]]?.int, p > 0 { d.progressDeadline = p }
        if let h = after[path: ["spec", "revisionHistoryLimit"]]?.int, h >= 0 { d.historyLimit = h }
        d.meta.labels = (after[path: ["metadata", "labels"]] ?? .null).stringMap
        d.meta.annotations = (after[path: ["metadata", "annotations"]] ?? .null).stringMap
        if d.specJSON.normalized != (before["spec"] ?? .null).normalized { d.meta.generation += 1 }
        put(d)
        reconcile(now: now)
        return deployments[k]?.json ?? d.json
    }
}

/// A Kubernetes `Status` failure.
struct APIError: Error, Sendable {
    var code: Int
    var reason: String
    var message: String
    var details: JSON?

    init(_ code: Int, _ reason: String, _ message: String, details: JSON? = nil) {
        self.code = code; self.reason = reason; self.message = message; self.details = details
    }

    static func notFound(_ resource: String, group: String, name: String) -> APIError {
        let qualified = group.isEmpty ? resource : "\(resource).\(group)"
        return APIError(404, "NotFound", "\(qualified) \"\(name)\" not found",
                        details: .object(["name": .string(name), "group": .string(group), "kind": .string(resource)]))
    }

    var json: JSON {
        var s: JSON = .object([
            "kind": .string("Status"), "apiVersion": .string("v1"), "metadata": .object([:]),
            "status": .string("Failure"), "message": .string(message), "reason": .string(reason), "code": .number(Double(code)),
        ])
        if let details { s["details"] = details }
        return s
    }
}

extension NSCondition {
    /// `lock()` for the API's async handlers: the lock is only ever held for a few statements,
    /// never across an `await`.
    func enter() { lock() }
    func leave() { unlock() }
}
