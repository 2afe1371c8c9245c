/// A label selector (`a=b,c!=d,e in (x,y),f,!g`) or a field selector (`metadata.name=x`).
struct Selector: Sendable {
    enum Requirement: Sendable {
        case equals(String, String), notEquals(String, String), exists(String), notExists(String)
        case isIn(String, Set<String>), notIn(String, Set<String>)
    }

    var requirements: [Requirement] = []

    init(_ text: String?) throws(APIError) {
        guard let text, !text.isEmpty else { return }
        var parts: [String] = []
        var depth = 0
        var cur = ""
        for ch in text {
            if ch == "(" { depth += 1 } else if ch == ")" { depth -= 1 }
            if ch == "," && depth == 0 { parts.append(cur); cur = "" } else { cur.append(ch) }
        }
        parts.append(cur)
        for raw in parts {
            let p = raw.trimmingCharacters(in: .whitespaces)
            if p.isEmpty { continue }
            if let r = p.range(of: "!=") {
                requirements.append(.notEquals(String(p[..<r.lowerBound]).trimmed, String(p[r.upperBound...]).trimmed))
            } else if let r = p.range(of: "==") ?? p.range(of: "=") {
                requirements.append(.equals(String(p[..<r.lowerBound]).trimmed, String(p[r.upperBound...]).trimmed))
            } else if let r = p.range(of: " notin ") ?? p.range(of: " in ") {
                let key = String(p[..<r.lowerBound]).trimmed
                let rest = p[r.upperBound...].trimmingCharacters(in: CharacterSet(charactersIn: " ()"))
                let values = Set(rest.split(separator: ",").map { String($0).trimmed })
                requirements.append(p[r].contains("notin") ? .notIn(key, values) : .isIn(key, values))
            } else if p.hasPrefix("!") {
                requirements.append(.notExists(String(p.dropFirst()).trimmed))
            } else if p.allSatisfy({ $0.isLetter || $0.isNumber || "-_./".contains($0) }) {
                requirements.append(.exists(p))
            } else {
                throw APIError(400, "BadRequest", "unable to parse requirement: \(p)")
            }
        }
    }

    func matches(_ labels: [String: String]) -> Bool {
        requirements.allSatisfy { r in
            switch r {
            case .equals(let k, let v): labels[k] == v
            case .notEquals(let k, let v): labels[k] != v
            case .exists(let k): labels[k] != nil
            case .notExists(let k): labels[k] == nil
            case .isIn(let k, let vs): labels[k].map { vs.contains($0) } ?? false
            case .notIn(let k, let vs): !(labels[k].map { vs.contains($0) } ?? false)
            }
        }
    }

    /// Labels of an object, or its fields for a field selector.
    static func labels(_ object: JSON) -> [String: String] { (object[path: ["metadata", "labels"]] ?? .null).stringMap }

    static func fields(_ object: JSON) -> [String: String] {
        var f = ["metadata.name": object[path: ["metadata", "name"]]?.string ?? "",
                 "metadata.namespace": object[path: ["metadata", "namespace"]]?.string ?? ""]
        if let phase = object[path: ["status", "phase"]]?.string { f["status.phase"] = phase }
        if let node = object[path: ["spec", "nodeName"]]?.string { f["spec.nodeName"] = node }
        return f
    }
}

import Foundation

extension String {
    var trimmed: String { trimmingCharacters(in: .whitespaces) }
}
