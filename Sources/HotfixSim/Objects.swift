import Foundation
import HotfixEngine

struct Owner: Sendable, Equatable {
    var kind: String
    var name: String
    var uid: String
}

struct ObjectMeta: Sendable {
    var name: String
    var namespace: String
    var uid = UUID().uuidString.lowercased()
    var rv = 0
    var generation = 1
    var created: Date
    var labels: [String: String] = [:]
    var annotations: [String: String] = [:]
    var owner: Owner?
    var deletion: Date?

    func json(withGeneration: Bool, grace: Int? = nil) -> JSON {
        var m: JSON = .object([
            "name": .string(name), "namespace": .string(namespace), "uid": .string(uid),
            "resourceVersion": .string(String(rv)), "creationTimestamp": .string(Time.rfc3339(created)),
        ])
        if withGeneration { m["generation"] = .number(Double(generation)) }
        if !labels.isEmpty { m["labels"] = .map(labels) }
        if !annotations.isEmpty { m["annotations"] = .map(annotations) }
        if let o = owner {
            let group = o.kind == "Deployment" || o.kind == "ReplicaSet" ? "apps/v1" : "v1"
            m["ownerReferences"] = .array([.object([
                "apiVersion": .string(group), "kind": .string(o.kind), "name": .string(o.name), "uid": .string(o.uid),
                "controller": .bool(true), "blockOwnerDeletion": .bool(true),
            ])])
        }
        if let d = deletion {
            m["deletionTimestamp"] = .string(Time.rfc3339(d))
            if let grace { m["deletionGracePeriodSeconds"] = .number(Double(grace)) }
        }
        return m
    }
}

struct Condition: Sendable, Equatable {
    var type: String
    var status: String
    var reason: String
    var message: String
    var since: Date

    static func same(_ a: [Condition], _ b: [Condition]) -> Bool {
        a.map { [$0.type, $0.status, $0.reason, $0.message] } == b.map { [$0.type, $0.status, $0.reason, $0.message] }
    }

    var json: JSON {
        .object([
            "type": .string(type), "status": .string(status), "reason": .string(reason), "message": .string(message),
            "lastUpdateTime": .string(Time.rfc3339(since)), "lastTransitionTime": .string(Time.rfc3339(since)),
        ])
    }
}

struct DeploymentStatus: Sendable {
    var observedGeneration = 0
    var replicas = 0
    var updated = 0
    var ready = 0
    var available = 0
    var unavailable = 0
    var conditions: [Condition] = []

    func same(_ o: DeploymentStatus) -> Bool {
        observedGeneration == o.observedGeneration && replicas == o.replicas && updated == o.updated && ready == o.ready
            && available == o.available && unavailable == o.unavailable && Condition.same(conditions, o.conditions)
    }
}

struct Deployment: Sendable {
    var meta: ObjectMeta
    var replicas: Int
    var selector: [String: String]
    var template: JSON
    var paused = false
    var progressDeadline = 600
    var historyLimit = 10
    var status = DeploymentStatus()
    /// When the rollout last made progress (real time), for the progress deadline.
    var lastProgress: Date

    var specJSON: JSON {
        var s: JSON = .object([
            "replicas": .number(Double(replicas)),
            "selector": .object(["matchLabels": .map(selector)]),
            "template": template,
            "strategy": .object(["type": .string("RollingUpdate"), "rollingUpdate": .object(["maxSurge": .string("25%"), "maxUnavailable": .string("25%")])]),
            "revisionHistoryLimit": .number(Double(historyLimit)),
            "progressDeadlineSeconds": .number(Double(progressDeadline)),
        ])
        if paused { s["paused"] = .bool(true) }
        return s
    }

    var json: JSON {
        var st: JSON = .object([
            "observedGeneration": .number(Double(status.observedGeneration)),
            "replicas": .number(Double(status.replicas)),
            "updatedReplicas": .number(Double(status.updated)),
            "readyReplicas": .number(Double(status.ready)),
            "availableReplicas": .number(Double(status.available)),
            "conditions": .array(status.conditions.map(\.json)),
        ])
        if status.unavailable > 0 { st["unavailableReplicas"] = .number(Double(status.unavailable)) }
        return .object([
            "apiVersion": .string("apps/v1"), "kind": .string("Deployment"),
            "metadata": meta.json(withGeneration: true), "spec": specJSON, "status": st,
        ])
    }
}

struct ReplicaSet: Sendable {
    var meta: ObjectMeta
    var replicas: Int
    var selector: [String: String]
    var template: JSON
    var hash: String
    var observed = (replicas: 0, ready: 0)

    var revision: Int { Int(meta.annotations[Cluster.revisionKey] ?? "") ?? 0 }

    var json: JSON {
        .object([
            "apiVersion": .string("apps/v1"), "kind": .string("ReplicaSet"),
            "metadata": meta.json(withGeneration: true),
            "spec": .object([
                "replicas": .number(Double(replicas)),
                "selector": .object(["matchLabels": .map(selector)]),
                "template": template,
            ]),
            "status": .object([
                "replicas": .number(Double(observed.replicas)),
                "fullyLabeledReplicas": .number(Double(observed.replicas)),
                "readyReplicas": .number(Double(observed.ready)),
                "availableReplicas": .number(Double(observed.ready)),
                "observedGeneration": .number(Double(meta.generation)),
            ]),
        ])
    }
}

/// A container's state at one moment.
struct ContainerState: Sendable, Equatable {
    enum Kind: Sendable, Equatable { case creating, running, backoff }
    var kind: Kind
    var ready: Bool
    var restarts: Int
    /// The current run (or the last one, while backing off) and when it started.
    var run: Int
    var runStart: Date
    /// When the last terminated run started and ended.
    var lastRun: (start: Date, end: Date)?
    var backoffSeconds: Int

    static func == (a: ContainerState, b: ContainerState) -> Bool {
        a.kind == b.kind && a.ready == b.ready && a.restarts == b.restarts && a.run == b.run
    }
}

/// A container beside the pod's first one (a sidecar such as a proxy): it starts with the pod,
/// never crashes, and logs one access line per request of the first container.
struct Sidecar: Sendable {
    var name: String
    var image: String
    var generator: LogGenerator
}

struct Pod: Sendable {
    var meta: ObjectMeta
    var rsName: String
    var hash: String
    var spec: JSON
    /// The first container (the one `set image` changes, and the one that may crash).
    var container: String
    var image: String
    var sidecars: [Sidecar] = []
    var ip: String
    var generator: LogGenerator
    /// When the container first starts, becomes ready (real times).
    var startAt: Date
    var readyAfter: Double
    var crashes: Bool
    var crashAfter: Double
    var backoff: Double
    /// When a deleted pod's container is killed.
    var stopAt: Date?
    var published: ContainerState?
    var publishedDeleting = false

    /// The start of run k (crashlooping containers restart after a doubling back-off).
    func state(at now: Date) -> ContainerState {
        if now < startAt {
            return ContainerState(kind: .creating, ready: false, restarts: 0, run: 0, runStart: startAt, lastRun: nil, backoffSeconds: 0)
        }
        guard crashes else {
            return ContainerState(kind: .running, ready: now >= startAt.addingTimeInterval(readyAfter), restarts: 0, run: 0,
                                  runStart: startAt, lastRun: nil, backoffSeconds: 0)
        }
        var k = 0
        var s = startAt
        var last: (Date, Date)?
        while true {
            let end = s.addingTimeInterval(crashAfter)
            let delaySim = min(10.0 * pow(2, Double(k)), 300)
            let next = end.addingTimeInterval(backoff * delaySim / 10)
            if now < end {
                return ContainerState(kind: .running, ready: false, restarts: k, run: k, runStart: s, lastRun: last, backoffSeconds: 0)
            }
            if now < next {
                return ContainerState(kind: .backoff, ready: false, restarts: k + 1, run: k, runStart: s, lastRun: (s, end),
                                      backoffSeconds: Int(delaySim))
            }
            last = (s, end)
            s = next
            k += 1
        }
    }

    func isReady(_ now: Date) -> Bool { meta.deletion == nil && state(at: now).ready }

    func json(at now: Date, grace: Int) -> JSON {
        let st = state(at: now)
        var statuses: [JSON] = []
        for sc in sidecars {
            let running = now >= startAt
            var s: JSON = .object([
                "name": .string(sc.name), "image": .string(sc.image),
                "imageID": .string("\(sc.image)@sha256:\(String(format: "%016llx", LogGenerator.hash(sc.image)))"),
                "ready": .bool(running && now >= startAt.addingTimeInterval(readyAfter)), "restartCount": .number(0), "started": .bool(running),
            ])
            if running {
                s["state"] = .object(["running": .object(["startedAt": .string(Time.rfc3339(startAt))])])
                s["containerID"] = .string("containerd://\(meta.uid.prefix(8))-\(sc.name)")
            } else {
                s["state"] = .object(["waiting": .object(["reason": .string("ContainerCreating")])])
            }
            statuses.append(s)
        }
        var cs: JSON = .object([
            "name": .string(container), "image": .string(image),
            "imageID": .string("\(image)@sha256:\(String(format: "%016llx", LogGenerator.hash(image)))"),
            "ready": .bool(st.ready), "restartCount": .number(Double(st.restarts)),
            "started": .bool(st.kind == .running),
        ])
        switch st.kind {
        case .creating:
            cs["state"] = .object(["waiting": .object(["reason": .string("ContainerCreating")])])
        case .running:
            cs["state"] = .object(["running": .object(["startedAt": .string(Time.rfc3339(st.runStart))])])
            cs["containerID"] = .string("containerd://\(meta.uid.prefix(8))\(st.run)")
        case .backoff:
            cs["state"] = .object(["waiting": .object([
                "reason": .string("CrashLoopBackOff"),
                "message": .string("back-off \(st.backoffSeconds)s restarting failed container=\(container) pod=\(meta.name)_\(meta.namespace)(\(meta.uid))"),
            ])])
        }
        if let last = st.lastRun {
            cs["lastState"] = .object(["terminated": .object([
                "exitCode": .number(1), "reason": .string("Error"),
                "startedAt": .string(Time.rfc3339(last.start)), "finishedAt": .string(Time.rfc3339(last.end)),
            ])])
        }
        let ready = st.ready ? "True" : "False"
        func cond(_ t: String, _ s: String) -> JSON {
            .object(["type": .string(t), "status": .string(s), "lastTransitionTime": .string(Time.rfc3339(meta.created))])
        }
        var status: JSON = .object([
            "phase": .string(st.kind == .creating ? "Pending" : "Running"),
            "conditions": .array([cond("PodScheduled", "True"), cond("Initialized", "True"), cond("ContainersReady", ready), cond("Ready", ready)]),
            "hostIP": .string("10.0.0.11"), "startTime": .string(Time.rfc3339(meta.created)),
            "containerStatuses": .array([cs] + statuses), "qosClass": .string("BestEffort"),
        ])
        if st.kind != .creating {
            status["podIP"] = .string(ip)
            status["podIPs"] = .array([.object(["ip": .string(ip)])])
        }
        var s = spec
        s["nodeName"] = .string("sim-node-1")
        return .object([
            "apiVersion": .string("v1"), "kind": .string("Pod"),
            "metadata": meta.json(withGeneration: false, grace: grace), "spec": s, "status": status,
        ])
    }
}

enum Time {
    static func rfc3339(_ d: Date) -> String {
        var secs = time_t(floor(d.timeIntervalSince1970))
        var t = tm()
        gmtime_r(&secs, &t)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", Int(t.tm_year) + 1900, Int(t.tm_mon) + 1, Int(t.tm_mday),
                      Int(t.tm_hour), Int(t.tm_min), Int(t.tm_sec))
    }

    /// The kubelet's `--timestamps` prefix: RFC 3339 with nanoseconds (whole microseconds here).
    static func rfc3339Nano(_ d: Date) -> String {
        let whole = floor(d.timeIntervalSince1970)
        let micros = Int(((d.timeIntervalSince1970 - whole) * 1_000_000).rounded())
        return KubeTimestamp(seconds: Int(whole) + micros / 1_000_000, nanos: (micros % 1_000_000) * 1000).description
    }

    /// Parses RFC 3339 with optional fraction and offset.
    static func parse(_ s: String) -> Date? { KubeTimestamp.parse(Substring(s))?.date }
}
