import Foundation

/// The server-side `Table` that kubectl asks for when it prints for people (`get pods`, `get -w`).
enum Table {
    static func wants(_ req: HTTPRequest) -> Bool { (req.header("accept") ?? "").contains("as=Table") }

    static func column(_ name: String, _ type: String = "string", priority: Int = 0, format: String = "") -> JSON {
        .object(["name": .string(name), "type": .string(type), "format": .string(format), "description": .string(""),
                 "priority": .number(Double(priority))])
    }

    static func columns(_ r: Cluster.Resource) -> [JSON] {
        switch r {
        case .pods:
            [column("Name", format: "name"), column("Ready"), column("Status"), column("Restarts"), column("Age"),
             column("IP", priority: 1), column("Node", priority: 1)]
        case .deployments:
            [column("Name", format: "name"), column("Ready"), column("Up-to-date", "integer"), column("Available", "integer"), column("Age"),
             column("Containers", priority: 1), column("Images", priority: 1), column("Selector", priority: 1)]
        case .replicasets:
            [column("Name", format: "name"), column("Desired", "integer"), column("Current", "integer"), column("Ready", "integer"), column("Age"),
             column("Containers", priority: 1), column("Images", priority: 1), column("Selector", priority: 1)]
        }
    }

    static func cells(_ r: Cluster.Resource, _ o: JSON, now: Date) -> [JSON] {
        let name = o[path: ["metadata", "name"]]?.string ?? ""
        let age = Self.age(o[path: ["metadata", "creationTimestamp"]]?.string, now: now)
        func n(_ path: [String]) -> JSON { .number(Double(o[path: path]?.int ?? 0)) }
        let containers = o[path: ["spec", "template", "spec", "containers"]]?.array ?? []
        let selector = (o[path: ["spec", "selector", "matchLabels"]] ?? .null).stringMap.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
        let names = JSON.string(containers.compactMap { $0["name"]?.string }.joined(separator: ","))
        let images = JSON.string(containers.compactMap { $0["image"]?.string }.joined(separator: ","))
        switch r {
        case .pods:
            let cs = o[path: ["status", "containerStatuses"]]?.array ?? []
            let ready = cs.filter { $0["ready"]?.bool == true }.count
            let restarts = cs.map { $0["restartCount"]?.int ?? 0 }.reduce(0, +)
            var status = o[path: ["status", "phase"]]?.string ?? ""
            if let waiting = cs.compactMap({ $0[path: ["state", "waiting", "reason"]]?.string }).first { status = waiting }
            if o[path: ["metadata", "deletionTimestamp"]] != nil { status = "Terminating" }
            return [.string(name), .string("\(ready)/\(max(1, cs.count))"), .string(status), .string(String(restarts)), .string(age),
                    .string(o[path: ["status", "podIP"]]?.string ?? "<none>"), .string(o[path: ["spec", "nodeName"]]?.string ?? "<none>")]
        case .deployments:
            let ready = "\(o[path: ["status", "readyReplicas"]]?.int ?? 0)/\(o[path: ["spec", "replicas"]]?.int ?? 0)"
            return [.string(name), .string(ready), n(["status", "updatedReplicas"]), n(["status", "availableReplicas"]), .string(age),
                    names, images, .string(selector)]
        case .replicasets:
            return [.string(name), n(["spec", "replicas"]), n(["status", "replicas"]), n(["status", "readyReplicas"]), .string(age),
                    names, images, .string(selector)]
        }
    }

    static func table(_ r: Cluster.Resource, _ objects: [JSON], resourceVersion: Int, now: Date = Date()) -> JSON {
        .object([
            "kind": .string("Table"), "apiVersion": .string("meta.k8s.io/v1"),
            "metadata": .object(["resourceVersion": .string(String(resourceVersion))]),
            "columnDefinitions": .array(columns(r)),
            "rows": .array(objects.map { .object(["cells": .array(cells(r, $0, now: now)), "object": partial($0)]) }),
        ])
    }

    static func partial(_ o: JSON) -> JSON {
        .object(["kind": .string("PartialObjectMetadata"), "apiVersion": .string("meta.k8s.io/v1"), "metadata": o["metadata"] ?? .object([:])])
    }

    /// Kubernetes' short human durations: 45s, 3m12s, 25m, 5h3m, 26h, 3d.
    static func age(_ stamp: String?, now: Date) -> String {
        guard let stamp, let t = Time.parse(stamp) else { return "<unknown>" }
        let s = max(0, Int(now.timeIntervalSince(t)))
        let m = s / 60, h = s / 3600
        if s < 120 { return "\(s)s" }
        if m < 10 { return s % 60 == 0 ? "\(m)m" : "\(m)m\(s % 60)s" }
        if h < 3 { return "\(m)m" }
        if h < 8 { return m % 60 == 0 ? "\(h)h" : "\(h)h\(m % 60)m" }
        if h < 48 { return "\(h)h" }
        return "\(h / 24)d"
    }
}
