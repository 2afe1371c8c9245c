import Foundation

/// What the simulated cluster knows that an API server does not tell, for benchmarks run from
/// another process (`scripts/bench-follow`): `GET /sim/pods` (every pod that ever ran, with the
/// moment its containers started) and `GET /sim/written?pod=P&container=C&since=S&through=T`
/// (what a container wrote, `TIMESTAMP text` lines, the truth a follower is checked against).
/// Not part of the Kubernetes API; kubectl never asks for it.
struct Truth {
    let cluster: Cluster

    struct PodRecord: Codable {
        var name: String
        var templateHash: String
        var image: String
        /// When the containers started running (seconds since 1970).
        var started: Double
        var containers: [String]
        var deleted: Bool
    }

    func serve(_ req: HTTPRequest, _ conn: Responder) async throws(APIError) {
        switch req.path {
        case "/sim/pods":
            cluster.cond.enter()
            let all = Array(cluster.pods.values) + Array(cluster.retired.values)
            cluster.cond.leave()
            let records = all.sorted { $0.meta.created < $1.meta.created }.map { p in
                PodRecord(name: p.meta.name, templateHash: p.hash, image: p.image, started: p.startAt.timeIntervalSince1970,
                          containers: [p.container] + p.sidecars.map(\.name), deleted: p.meta.deletion != nil)
            }
            let data = (try? JSONEncoder().encode(records)) ?? Data("[]".utf8)
            await conn.respond(200, body: String(decoding: data, as: UTF8.self))
        case "/sim/written":
            guard let pod = req.query["pod"] else { throw APIError(400, "BadRequest", "pod is required") }
            let since = req.query["since"].flatMap(Double.init).map { Date(timeIntervalSince1970: $0) } ?? .distantPast
            let through = req.query["through"].flatMap(Double.init).map { Date(timeIntervalSince1970: $0) } ?? Date()
            let lines = SimCluster.written(cluster, namespace: req.query["namespace"] ?? "default", pod: pod,
                                           container: req.query["container"], from: since, to: through)
            var out = ""
            for l in lines where l.time <= through { out += Time.rfc3339Nano(l.time) + " " + l.text + "\n" }
            await conn.respond(200, contentType: "text/plain", body: out)
        default:
            throw APIError(404, "NotFound", "the simulator has no \(req.path)")
        }
    }
}
