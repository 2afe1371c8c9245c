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

    func handle(_ req: HTTPRequest, _ conn: Responder) async {
        do {
            try await route(req, conn)
        } catch {
            await conn.respond(error.code, body: error.json.text)
        }
    }

    private func route(_ req: HTTPRequest, _ conn: Responder) async throws(APIError) {
        let parts = req.path.split(separator: "/").map(String.init)
        if req.path == "/version" { return await conn.respond(200, body: Discovery.version.text) }
        if req.path == "/healthz" || req.path == "/readyz" { return await conn.respond(200, contentType: "text/plain", body: "ok") }
        if parts.first == "sim" { return try await Truth(cluster: cluster).serve(req, conn) }
        if let token, req.header("authorization") != "Bearer \(token)" {
            throw APIError(401, "Unauthorized", "Unauthorized")
        }
        switch req.path {
        case "/api": return await conn.respond(200, body: Discovery.api.text)
        case "/apis": return await conn.respond(200, body: Discovery.apis.text)
        case "/api/v1": return await conn.respond(200, body: Discovery.coreV1.text)
        case "/apis/apps/v1": return await conn.respond(200, body: Discovery.appsV1.text)
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
            return try await namespaces(req, conn, name: rest.count == 2 ? rest.last : nil)
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
                try await watch(req, conn, resource: resource, namespace: namespace)
            } else {
                try await list(req, conn, resource: resource, namespace: namespace)
            }
        case ("GET", let n?, nil):
            guard let ns = namespace else { throw APIError(404, "NotFound", "the server could not find the requested resource") }
            await conn.respond(200, body: try get(resource, ns, n).text)
        case ("GET", let n?, "log") where resource == .pods:
            try await Logs(api: self).serve(req, conn, namespace: namespace ?? "default", pod: n)
        case ("PATCH", let n?, nil) where resource == .deployments:
            guard let ns = namespace else { throw APIError(404, "NotFound", "the server could not find the requested resource") }
            guard let kind = PatchKind(contentType: req.header("content-type") ?? "") else {
                throw APIError(415, "UnsupportedMediaType", "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json")
            }
            let patch: JSON
            do { patch = try JSON.parse(req.body) } catch { throw APIError(400, "BadRequest", "error decoding patch: \(error)") }
            let c = cluster
            c.cond.enter()
            let result: JSON
            do {
                result = try c.patchDeployment(c.key(ns, n), kind: kind, patch: patch, now: Date())
            } catch {
                c.cond.leave()
                throw error
            }
            c.cond.leave()
            await conn.respond(200, body: result.text)
        case ("DELETE", let n?, nil) where resource == .pods:
            guard let ns = namespace else { throw APIError(404, "NotFound", "the server could not find the requested resource") }
            let c = cluster
            c.cond.enter()
            guard let p = c.pods[c.key(ns, n)] else {
                c.cond.leave()
                throw APIError.notFound("pods", group: "", name: n)
            }
            let now = Date()
            c.delete(p, now: now)
            c.reconcile(now: now)
            let body = (c.pods[c.key(ns, n)] ?? p).json(at: now, grace: c.graceSeconds).text
            c.cond.leave()
            await conn.respond(200, body: body)
        default:
            throw APIError(405, "MethodNotAllowed", "the server does not allow this method on the requested resource")
        }
    }

    private func namespaces(_ req: HTTPRequest, _ conn: Responder, name: String?) async throws(APIError) {
        let c = cluster
        c.cond.enter()
        let names = Set(c.deployments.values.map(\.meta.namespace))
        c.cond.leave()
        func ns(_ n: String) -> JSON {
            .object(["apiVersion": .string("v1"), "kind": .string("Namespace"),
                     "metadata": .object(["name": .string(n), "uid": .string(n)]), "status": .object(["phase": .string("Active")])])
        }
        if let name {
            guard names.contains(name) else { throw APIError.notFound("namespaces", group: "", name: name) }
            return await conn.respond(200, body: ns(name).text)
        }
        await conn.respond(200, body: JSON.object(["apiVersion": .string("v1"), "kind": .string("NamespaceList"), "metadata": .object([:]),
                                             "items": .array(names.sorted().map(ns))]).text)
    }

    /// The current JSON of one object (caller does not hold the lock).
    func get(_ resource: Cluster.Resource, _ ns: String, _ name: String) throws(APIError) -> JSON {
        let c = cluster
        c.cond.enter()
        defer { c.cond.leave() }
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

    private func list(_ req: HTTPRequest, _ conn: Responder, resource: Cluster.Resource, namespace: String?) async throws(APIError) {
        let labels = try Selector(req.query["labelSelector"])
        let fields = try Selector(req.query["fieldSelector"])
        let c = cluster
        c.cond.enter()
        let items = objects(resource, namespace: namespace)
            .filter { labels.matches(Selector.labels($0)) && fields.matches(Selector.fields($0)) }
        let rv = c.rv
        c.cond.leave()
        if Table.wants(req) { return await conn.respond(200, body: Table.table(resource, items, resourceVersion: rv).text) }
        let k = Self.kinds(resource)
        let body: JSON = .object([
            "apiVersion": .string(k.apiVersion), "kind": .string(k.list),
            "metadata": .object(["resourceVersion": .string(String(rv))]), "items": .array(items),
        ])
        await conn.respond(200, body: body.text)
    }

    /// A watch: newline-separated `{"type","object"}` events, chunked, until the client leaves,
    /// the timeout, or the history it resumes from is compacted away (then, as an API server
    /// does, an ERROR event with a 410 Expired Status; a request from a version already
    /// compacted is answered 410 Gone).
    private func watch(_ req: HTTPRequest, _ conn: Responder, resource: Cluster.Resource, namespace: String?) async throws(APIError) {
        let labels = try Selector(req.query["labelSelector"])
        let fields = try Selector(req.query["fieldSelector"])
        let c = cluster
        let started = Date()
        var deadline = req.query["timeoutSeconds"].flatMap(Double.init).map { started.addingTimeInterval($0) } ?? .distantFuture
        if c.scenario == .streamDrops && resource == .pods {
            deadline = min(deadline, started.addingTimeInterval(c.timing.watchDropEvery))
        }
        func matches(_ o: JSON) -> Bool { labels.matches(Selector.labels(o)) && fields.matches(Selector.fields(o)) }
        let table = Table.wants(req)
        func line(_ type: String, _ o: JSON) -> [UInt8] {
            let object = table ? Table.table(resource, [o], resourceVersion: Int(o[path: ["metadata", "resourceVersion"]]?.string ?? "") ?? 0) : o
            return Array((JSON.object(["type": .string(type), "object": object]).text + "\n").utf8)
        }
        var pending: [[UInt8]] = []
        c.cond.enter()
        var last: Int
        let expiry = c.expiries
        if let since = req.query["resourceVersion"].flatMap(Int.init), since > 0 {
            if since < c.compactedRV {
                let oldest = c.compactedRV
                c.cond.leave()
                throw APIError(410, "Expired", "too old resource version: \(since) (\(oldest))")
            }
            last = since
        } else {
            // No resource version: the current state as ADDED events first.
            for o in objects(resource, namespace: namespace) where matches(o) { pending.append(line("ADDED", o)) }
            last = c.rv
        }
        c.cond.leave()
        guard await conn.startStream(contentType: "application/json") else { return }
        for l in pending {
            guard await conn.writeChunk(l) else { return }
        }
        while !isStopped() && !Task.isCancelled {
            c.cond.enter()
            if c.expiries != expiry || last < c.compactedRV {
                let oldest = c.compactedRV
                c.cond.leave()
                let status = APIError(410, "Expired", "too old resource version: \(last) (\(oldest))").json
                _ = await conn.writeChunk(Array((JSON.object(["type": .string("ERROR"), "object": status]).text + "\n").utf8))
                return await conn.endStream()
            }
            var batch: [[UInt8]] = []
            var idx = c.events.count
            while idx > 0 && c.events[idx - 1].rv > last { idx -= 1 }
            for e in c.events[idx...] where e.resource == resource && (namespace == nil || e.namespace == namespace) {
                if matches(e.object) { batch.append(table ? line(e.type, e.object) : e.line) }
            }
            if let top = c.events.last?.rv { last = max(last, top) }
            c.cond.leave()
            var chunk: [UInt8] = []
            for l in batch { chunk += l }
            if !chunk.isEmpty {
                guard await conn.writeChunk(chunk) else { return }
            }
            if Date() >= deadline || !conn.isOpen { break }
            try? await Task.sleep(for: .milliseconds(batch.isEmpty ? 50 : 10))
        }
        await conn.endStream()
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
