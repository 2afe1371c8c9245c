import Foundation

/// The Kubernetes API the real kubectl needs: discovery, deployments, replicasets, pods, logs.
final class API: @unchecked Sendable {
    let cluster: Cluster
    let token: String?
    let isStopped: @Sendable () -> Bool

    init(cluster: Cluster, token: String?, isStopped: @escaping @Sendable () -> Bool) {
        self.cluster = cluster
        self.token = token
        self.isStopped = isStopped
    }

    func handle(_ req: HTTPRequest, _ conn: HTTPConnection) {
        do {
            try route(req, conn)
        } catch {
            conn.respond(error.code, body: error.json.text)
        }
    }

    private func route(_ req: HTTPRequest, _ conn: HTTPConnection) throws(APIError) {
        let parts = req.path.split(separator: "/").map(String.init)
        if req.path == "/version" { return conn.respond(200, body: Discovery.version.text) }
        if req.path == "/healthz" || req.path == "/readyz" { return conn.respond(200, contentType: "text/plain", body: "ok") }
        if let token, req.header("authorization") != "Bearer \(token)" {
            throw APIError(401, "Unauthorized", "Unauthorized")
        }
        switch req.path {
        case "/api": return conn.respond(200, body: Discovery.api.text)
        case "/apis": return conn.respond(200, body: Discovery.apis.text)
        case "/api/v1": return conn.respond(200, body: Discovery.coreV1.text)
        case "/apis/apps/v1": return conn.respond(200, body: Discovery.appsV1.text)
        default: break
        }
        // /api/v1/[namespaces/NS/]RESOURCE[/NAME[/SUB]] and /apis/apps/v1/...
        var rest: ArraySlice<String>
        if parts.starts(with: ["api", "v1"]) { rest = parts[2...] } else if parts.starts(with: ["apis", "apps", "v1"]) { rest = parts[3...] } else {
            throw APIError(404, "NotFound", "the server could not find the requested resource")
        }
        let core = parts[0] == "api"
        var namespace: String?
        if rest.first == "namespaces", rest.count >= 3 {
            namespace = rest[rest.startIndex + 1]
            rest = rest.dropFirst(2)
        } else if rest.first == "namespaces" {
            return try namespaces(req, conn, name: rest.count == 2 ? rest.last : nil)
        }
        guard let resourceName = rest.first else { throw APIError(404, "NotFound", "the server could not find the requested resource") }
        let resource: Cluster.Resource
        switch (core, resourceName) {
        case (true, "pods"): resource = .pods
        case (false, "deployments"): resource = .deployments
        case (false, "replicasets"): resource = .replicasets
        default: throw APIError(404, "NotFound", "the server could not find the requested resource")
        }
        let name = rest.count >= 2 ? rest[rest.startIndex + 1] : nil
        let sub = rest.count >= 3 ? rest[rest.startIndex + 2] : nil
        switch (req.method, name, sub) {
        case ("GET", nil, nil):
            if req.query["watch"] == "true" || req.query["watch"] == "1" {
                try watch(req, conn, resource: resource, namespace: namespace)
            } else {
                try list(req, conn, resource: resource, namespace: namespace)
            }
        case ("GET", let n?, nil):
            guard let ns = namespace else { throw APIError(404, "NotFound", "the server could not find the requested resource") }
            conn.respond(200, body: try get(resource, ns, n).text)
        case ("GET", let n?, "log") where resource == .pods:
            try Logs(api: self).serve(req, conn, namespace: namespace ?? "default", pod: n)
        case ("PATCH", let n?, nil) where resource == .deployments:
            guard let ns = namespace else { throw APIError(404, "NotFound", "the server could not find the requested resource") }
            guard let kind = PatchKind(contentType: req.header("content-type") ?? "") else {
                throw APIError(415, "UnsupportedMediaType", "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json")
            }
            let patch: JSON
            do { patch = try JSON.parse(req.body) } catch { throw APIError(400, "BadRequest", "error decoding patch: \(error)") }
            let c = cluster
            c.cond.lock()
            defer { c.cond.unlock() }
            let result = try c.patchDeployment(c.key(ns, n), kind: kind, patch: patch, now: Date())
            conn.respond(200, body: result.text)
        case ("DELETE", let n?, nil) where resource == .pods:
            guard let ns = namespace else { throw APIError(404, "NotFound", "the server could not find the requested resource") }
            let c = cluster
            c.cond.lock()
            defer { c.cond.unlock() }
            guard let p = c.pods[c.key(ns, n)] else { throw APIError.notFound("pods", group: "", name: n) }
            let now = Date()
            c.delete(p, now: now)
            c.reconcile(now: now)
            conn.respond(200, body: (c.pods[c.key(ns, n)] ?? p).json(at: now, grace: c.graceSeconds).text)
        default:
            throw APIError(405, "MethodNotAllowed", "the server does not allow this method on the requested resource")
        }
    }

    private func namespaces(_ req: HTTPRequest, _ conn: HTTPConnection, name: String?) throws(APIError) {
        let c = cluster
        c.cond.lock()
        let names = Set(c.deployments.values.map(\.meta.namespace))
        c.cond.unlock()
        func ns(_ n: String) -> JSON {
            .object(["apiVersion": .string("v1"), "kind": .string("Namespace"),
                     "metadata": .object(["name": .string(n), "uid": .string(n)]), "status": .object(["phase": .string("Active")])])
        }
        if let name {
            guard names.contains(name) else { throw APIError.notFound("namespaces", group: "", name: name) }
            return conn.respond(200, body: ns(name).text)
        }
        conn.respond(200, body: JSON.object(["apiVersion": .string("v1"), "kind": .string("NamespaceList"), "metadata": .object([:]),
                                             "items": .array(names.sorted().map(ns))]).text)
    }

    /// The current JSON of one object (caller does not hold the lock).
    func get(_ resource: Cluster.Resource, _ ns: String, _ name: String) throws(APIError) -> JSON {
        let c = cluster
        c.cond.lock()
        defer { c.cond.unlock() }
        let k = c.key(ns, name)
        switch resource {
        case .deployments:
            guard let d = c.deployments[k] else { throw APIError.notFound("deployments", group: "apps", name: name) }
            return d.json
        case .replicasets:
            guard let r = c.replicaSets[k] else { throw APIError.notFound("replicasets", group: "apps", name: name) }
            return r.json
        case .pods:
            guard let p = c.pods[k] else { throw APIError.notFound("pods", group: "", name: name) }
            return p.json(at: Date(), grace: c.graceSeconds)
        }
    }

    /// Every object of a resource (lock held by the caller).
    func objects(_ resource: Cluster.Resource, namespace: String?) -> [JSON] {
        let c = cluster
        let now = Date()
        var out: [(String, JSON)]
        switch resource {
        case .deployments: out = c.deployments.map { ($0.key, $0.value.json) }
        case .replicasets: out = c.replicaSets.map { ($0.key, $0.value.json) }
        case .pods: out = c.pods.map { ($0.key, $0.value.json(at: now, grace: c.graceSeconds)) }
        }
        if let namespace { out = out.filter { $0.0.hasPrefix(namespace + "/") } }
        return out.sorted { $0.0 < $1.0 }.map(\.1)
    }

    static func kinds(_ r: Cluster.Resource) -> (list: String, apiVersion: String) {
        switch r {
        case .pods: ("PodList", "v1")
        case .deployments: ("DeploymentList", "apps/v1")
        case .replicasets: ("ReplicaSetList", "apps/v1")
        }
    }

    private func list(_ req: HTTPRequest, _ conn: HTTPConnection, resource: Cluster.Resource, namespace: String?) throws(APIError) {
        let labels = try Selector(req.query["labelSelector"])
        let fields = try Selector(req.query["fieldSelector"])
        let c = cluster
        c.cond.lock()
        let items = objects(resource, namespace: namespace)
            .filter { labels.matches(Selector.labels($0)) && fields.matches(Selector.fields($0)) }
        let rv = c.rv
        c.cond.unlock()
        if Table.wants(req) { return conn.respond(200, body: Table.table(resource, items, resourceVersion: rv).text) }
        let k = Self.kinds(resource)
        let body: JSON = .object([
            "apiVersion": .string(k.apiVersion), "kind": .string(k.list),
            "metadata": .object(["resourceVersion": .string(String(rv))]), "items": .array(items),
        ])
        conn.respond(200, body: body.text)
    }

    /// A watch: newline-separated `{"type","object"}` events, chunked, until the client leaves or the timeout.
    private func watch(_ req: HTTPRequest, _ conn: HTTPConnection, resource: Cluster.Resource, namespace: String?) throws(APIError) {
        let labels = try Selector(req.query["labelSelector"])
        let fields = try Selector(req.query["fieldSelector"])
        let c = cluster
        let started = Date()
        var deadline = req.query["timeoutSeconds"].flatMap(Double.init).map { started.addingTimeInterval($0) } ?? .distantFuture
        if c.scenario == .streamDrops && resource == .pods {
            deadline = min(deadline, started.addingTimeInterval(c.timing.watchDropEvery))
        }
        func matches(_ o: JSON) -> Bool { labels.matches(Selector.labels(o)) && fields.matches(Selector.fields(o)) }
        var pending: [(String, JSON)] = []
        c.cond.lock()
        var last: Int
        if let since = req.query["resourceVersion"].flatMap(Int.init), since > 0 {
            if let oldest = c.events.first, oldest.rv > since + 1, since < c.rv {
                c.cond.unlock()
                throw APIError(410, "Expired", "too old resource version: \(since) (\(oldest.rv - 1))")
            }
            last = since
        } else {
            // No resource version: the current state as ADDED events first.
            for o in objects(resource, namespace: namespace) where matches(o) { pending.append(("ADDED", o)) }
            last = c.rv
        }
        c.cond.unlock()
        guard conn.startStream(contentType: "application/json") else { return }
        let table = Table.wants(req)
        func send(_ type: String, _ o: JSON) -> Bool {
            let object = table ? Table.table(resource, [o], resourceVersion: Int(o[path: ["metadata", "resourceVersion"]]?.string ?? "") ?? 0) : o
            return conn.writeChunk(Array((JSON.object(["type": .string(type), "object": object]).text + "\n").utf8))
        }
        for (t, o) in pending where !send(t, o) { return }
        while !isStopped() {
            c.cond.lock()
            var batch: [(String, JSON)] = []
            var idx = c.events.count
            while idx > 0 && c.events[idx - 1].rv > last { idx -= 1 }
            for e in c.events[idx...] where e.resource == resource && (namespace == nil || e.namespace == namespace) {
                if matches(e.object) { batch.append((e.type, e.object)) }
            }
            if let top = c.events.last?.rv { last = max(last, top) }
            if batch.isEmpty { _ = c.cond.wait(until: min(deadline, Date().addingTimeInterval(0.5))) }
            c.cond.unlock()
            for (t, o) in batch where !send(t, o) { return }
            if Date() >= deadline || conn.peerClosed() { break }
        }
        conn.endStream()
    }
}

enum Discovery {
    static let version: JSON = .object([
        "major": .string("1"), "minor": .string("32"), "gitVersion": .string("v1.32.0-hotfix-sim"),
        "gitCommit": .string("0000000000000000000000000000000000000000"), "gitTreeState": .string("clean"),
        "buildDate": .string("2026-01-01T00:00:00Z"), "goVersion": .string("go1.23.4"), "compiler": .string("gc"),
        "platform": .string("linux/amd64"),
    ])

    static let api: JSON = .object([
        "kind": .string("APIVersions"), "versions": .array([.string("v1")]),
        "serverAddressByClientCIDRs": .array([.object(["clientCIDR": .string("0.0.0.0/0"), "serverAddress": .string("127.0.0.1")])]),
    ])

    static let apis: JSON = .object([
        "kind": .string("APIGroupList"), "apiVersion": .string("v1"),
        "groups": .array([.object([
            "name": .string("apps"),
            "versions": .array([.object(["groupVersion": .string("apps/v1"), "version": .string("v1")])]),
            "preferredVersion": .object(["groupVersion": .string("apps/v1"), "version": .string("v1")]),
        ])]),
    ])

    static func resource(_ name: String, _ singular: String, _ kind: String, namespaced: Bool = true, verbs: [String], short: [String] = [],
                         categories: [String] = []) -> JSON {
        var r: JSON = .object([
            "name": .string(name), "singularName": .string(singular), "namespaced": .bool(namespaced), "kind": .string(kind),
            "verbs": .array(verbs.map { .string($0) }),
        ])
        if !short.isEmpty { r["shortNames"] = .array(short.map { .string($0) }) }
        if !categories.isEmpty { r["categories"] = .array(categories.map { .string($0) }) }
        return r
    }

    static let all = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]

    static let coreV1: JSON = .object([
        "kind": .string("APIResourceList"), "groupVersion": .string("v1"),
        "resources": .array([
            resource("namespaces", "namespace", "Namespace", namespaced: false, verbs: ["get", "list"], short: ["ns"]),
            resource("pods", "pod", "Pod", verbs: all, short: ["po"], categories: ["all"]),
            resource("pods/log", "", "Pod", verbs: ["get"]),
            resource("pods/status", "", "Pod", verbs: ["get", "patch", "update"]),
        ]),
    ])

    static let appsV1: JSON = .object([
        "kind": .string("APIResourceList"), "apiVersion": .string("v1"), "groupVersion": .string("apps/v1"),
        "resources": .array([
            resource("deployments", "deployment", "Deployment", verbs: all, short: ["deploy"], categories: ["all"]),
            resource("deployments/status", "", "Deployment", verbs: ["get", "patch", "update"]),
            resource("replicasets", "replicaset", "ReplicaSet", verbs: all, short: ["rs"], categories: ["all"]),
            resource("replicasets/status", "", "ReplicaSet", verbs: ["get", "patch", "update"]),
        ]),
    ])
}
