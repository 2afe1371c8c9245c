import Foundation

/// The three patch kinds kubectl sends: `set image` a strategic merge patch, `rollout undo` a JSON patch.
public enum PatchKind: Sendable {
    case strategicMerge, merge, json

    public init?(contentType: String) {
        let t = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        switch t {
        case "application/strategic-merge-patch+json": self = .strategicMerge
        case "application/merge-patch+json": self = .merge
        case "application/json-patch+json": self = .json
        default: return nil
        }
    }
}

public struct PatchError: Error, Sendable, CustomStringConvertible {
    public var description: String
}

enum Patch {
    static func apply(_ kind: PatchKind, patch: JSON, to target: JSON) throws(PatchError) -> JSON {
        switch kind {
        case .merge: return mergePatch(target, patch, strategic: false)
        case .strategicMerge: return mergePatch(target, patch, strategic: true)
        case .json: return try jsonPatch(target, patch)
        }
    }

    /// The merge key of the list fields a pod template has.
    static let mergeKeys: [String: String] = [
        "containers": "name", "initContainers": "name", "env": "name", "volumes": "name",
        "volumeMounts": "mountPath", "ports": "containerPort", "imagePullSecrets": "name",
    ]

    /// RFC 7386 merge patch; `strategic` adds Kubernetes' merge-by-key for known lists.
    static func mergePatch(_ target: JSON, _ patch: JSON, strategic: Bool, key: String? = nil) -> JSON {
        guard case .object(let p) = patch else {
            if strategic, case .array(let items) = patch, let key, let mk = mergeKeys[key], case .array(let existing) = target {
                return mergeList(existing, items, mergeKey: mk)
            }
            return patch
        }
        if strategic, p["$patch"]?.string == "replace" {
            var q = p
            q["$patch"] = nil
            return .object(q)
        }
        var out = target.object ?? [:]
        for (k, v) in p {
            if strategic && k.hasPrefix("$") { continue }
            if case .null = v { out[k] = nil; continue }
            out[k] = mergePatch(out[k] ?? .null, v, strategic: strategic, key: k)
        }
        return .object(out)
    }

    static func mergeList(_ existing: [JSON], _ patch: [JSON], mergeKey: String) -> JSON {
        var out = existing
        for item in patch {
            guard let id = item[mergeKey] else { out.append(item); continue }
            if let idx = out.firstIndex(where: { $0[mergeKey] == id }) {
                if item["$patch"]?.string == "delete" { out.remove(at: idx); continue }
                out[idx] = mergePatch(out[idx], item, strategic: true)
            } else if item["$patch"]?.string != "delete" {
                out.append(mergePatch(.object([:]), item, strategic: true))
            }
        }
        return .array(out)
    }

    /// RFC 6902: add, remove, replace, test, copy, move.
    static func jsonPatch(_ target: JSON, _ patch: JSON) throws(PatchError) -> JSON {
        guard case .array(let ops) = patch else { throw PatchError(description: "a JSON patch must be an array of operations") }
        var doc = target
        for op in ops {
            guard let name = op["op"]?.string, let path = op["path"]?.string else {
                throw PatchError(description: "a JSON patch operation needs op and path")
            }
            let tokens = try pointer(path)
            switch name {
            case "add", "replace":
                guard let value = op["value"] else { throw PatchError(description: "\(name) needs a value") }
                doc = try set(doc, tokens[...], value, insert: name == "add")
            case "remove":
                doc = try remove(doc, tokens[...])
            case "test":
                guard get(doc, tokens[...]) == op["value"] else { throw PatchError(description: "test failed at \(path)") }
            case "copy", "move":
                guard let from = op["from"]?.string, let value = get(doc, try pointer(from)[...]) else {
                    throw PatchError(description: "\(name) needs an existing from")
                }
                if name == "move" { doc = try remove(doc, try pointer(from)[...]) }
                doc = try set(doc, tokens[...], value, insert: true)
            default:
                throw PatchError(description: "unknown JSON patch operation \(name)")
            }
        }
        return doc
    }

    static func pointer(_ path: String) throws(PatchError) -> [String] {
        if path.isEmpty { return [] }
        guard path.hasPrefix("/") else { throw PatchError(description: "bad JSON pointer \(path)") }
        return path.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map {
            $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
        }
    }

    static func get(_ doc: JSON, _ tokens: ArraySlice<String>) -> JSON? {
        guard let t = tokens.first else { return doc }
        switch doc {
        case .object(let o): return o[t].flatMap { get($0, tokens.dropFirst()) }
        case .array(let a): return Int(t).flatMap { $0 >= 0 && $0 < a.count ? get(a[$0], tokens.dropFirst()) : nil }
        default: return nil
        }
    }

    static func set(_ doc: JSON, _ tokens: ArraySlice<String>, _ value: JSON, insert: Bool) throws(PatchError) -> JSON {
        guard let t = tokens.first else { return value }
        let last = tokens.count == 1
        switch doc {
        case .object(var o):
            if last { o[t] = value; return .object(o) }
            guard let child = o[t] else { throw PatchError(description: "no such path: \(t)") }
            o[t] = try set(child, tokens.dropFirst(), value, insert: insert)
            return .object(o)
        case .array(var a):
            if last && t == "-" { a.append(value); return .array(a) }
            guard let i = Int(t), i >= 0, i <= a.count else { throw PatchError(description: "bad array index \(t)") }
            if last {
                if insert { a.insert(value, at: i) } else if i < a.count { a[i] = value } else { throw PatchError(description: "bad array index \(t)") }
                return .array(a)
            }
            guard i < a.count else { throw PatchError(description: "bad array index \(t)") }
            a[i] = try set(a[i], tokens.dropFirst(), value, insert: insert)
            return .array(a)
        default:
            throw PatchError(description: "no such path: \(t)")
        }
    }

    static func remove(_ doc: JSON, _ tokens: ArraySlice<String>) throws(PatchError) -> JSON {
        guard let t = tokens.first else { return .null }
        let last = tokens.count == 1
        switch doc {
        case .object(var o):
            guard let child = o[t] else { throw PatchError(description: "no such path: \(t)") }
            o[t] = last ? nil : try remove(child, tokens.dropFirst())
            return .object(o)
        case .array(var a):
            guard let i = Int(t), i >= 0, i < a.count else { throw PatchError(description: "bad array index \(t)") }
            if last { a.remove(at: i) } else { a[i] = try remove(a[i], tokens.dropFirst()) }
            return .array(a)
        default:
            throw PatchError(description: "no such path: \(t)")
        }
    }
}
