import Foundation
import HotfixEngine

/// What DEPLOY needs to know about a Deployment (the baseline before `set image`, and after).
public struct DeploymentInfo: Sendable, Equatable {
    public var name: String
    public var namespace: String
    /// `deployment.kubernetes.io/revision`.
    public var revision: Int
    /// Container name → image.
    public var images: [String: String]
    /// `spec.selector.matchLabels`.
    public var matchLabels: [String: String]
    public var replicas: Int
    public var generation: Int
    public var observedGeneration: Int
    public var updatedReplicas: Int
    public var readyReplicas: Int
    public var availableReplicas: Int
    /// The `pod-template-hash` of the ReplicaSet of the current revision, when it was looked up.
    public var templateHash: String?
    /// The Progressing condition's reason: `ProgressDeadlineExceeded` means the rollout is stuck.
    public var progressingReason: String?
    /// `spec.progressDeadlineSeconds`: how long a rollout may make no progress before the API
    /// server marks it failed (the API server's default, 600, when absent).
    public var progressDeadlineSeconds: Int

    public var rolloutStuck: Bool { progressingReason == "ProgressDeadlineExceeded" }

    /// `a=b,c=d`, for `-l`.
    public var selector: String { matchLabels.keys.sorted().map { "\($0)=\(matchLabels[$0]!)" }.joined(separator: ",") }

    init(json o: [String: Any]) {
        let meta = o["metadata"] as? [String: Any] ?? [:]
        let spec = o["spec"] as? [String: Any] ?? [:]
        let status = o["status"] as? [String: Any] ?? [:]
        name = meta["name"] as? String ?? ""
        namespace = meta["namespace"] as? String ?? ""
        revision = Int((meta["annotations"] as? [String: Any])?["deployment.kubernetes.io/revision"] as? String ?? "") ?? 0
        matchLabels = ((spec["selector"] as? [String: Any])?["matchLabels"] as? [String: String]) ?? [:]
        let containers = ((spec["template"] as? [String: Any])?["spec"] as? [String: Any])?["containers"] as? [[String: Any]] ?? []
        var images: [String: String] = [:]
        for c in containers { if let n = c["name"] as? String { images[n] = c["image"] as? String ?? "" } }
        self.images = images
        replicas = KubeJSON.int(spec["replicas"]) ?? 1
        progressDeadlineSeconds = KubeJSON.int(spec["progressDeadlineSeconds"]) ?? 600
        generation = KubeJSON.int(meta["generation"]) ?? 0
        observedGeneration = KubeJSON.int(status["observedGeneration"]) ?? 0
        updatedReplicas = KubeJSON.int(status["updatedReplicas"]) ?? 0
        readyReplicas = KubeJSON.int(status["readyReplicas"]) ?? 0
        availableReplicas = KubeJSON.int(status["availableReplicas"]) ?? 0
        templateHash = nil
        let conditions = status["conditions"] as? [[String: Any]] ?? []
        progressingReason = conditions.first { $0["type"] as? String == "Progressing" }?["reason"] as? String
    }
}

/// One pod as the watch reports it.
public struct PodState: Sendable, Equatable {
    public struct Container: Sendable, Equatable {
        public var name: String
        public var running: Bool
        public var ready: Bool
        public var restarts: Int
        /// CrashLoopBackOff, ContainerCreating, ImagePullBackOff, ErrImagePull…
        public var waitingReason: String?
        /// The last termination's reason (Error, OOMKilled…).
        public var lastTerminationReason: String?
    }

    public var name: String
    public var templateHash: String
    public var phase: String
    public var deleting: Bool
    /// `metadata.creationTimestamp`, seconds since 1970.
    public var created: Double?
    public var containers: [Container]

    public var restarts: Int { containers.map(\.restarts).reduce(0, +) }
    public var ready: Bool { !containers.isEmpty && containers.allSatisfy(\.ready) }

    init?(json o: [String: Any]) {
        let meta = o["metadata"] as? [String: Any] ?? [:]
        guard let name = meta["name"] as? String else { return nil }
        self.name = name
        templateHash = (meta["labels"] as? [String: Any])?["pod-template-hash"] as? String ?? ""
        deleting = meta["deletionTimestamp"] != nil
        created = (meta["creationTimestamp"] as? String).flatMap(Durations.parseISO)?.timeIntervalSince1970
        let status = o["status"] as? [String: Any] ?? [:]
        phase = status["phase"] as? String ?? ""
        let specContainers = ((o["spec"] as? [String: Any])?["containers"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        let statuses = status["containerStatuses"] as? [[String: Any]] ?? []
        var out: [Container] = []
        for n in specContainers {
            let s = statuses.first { $0["name"] as? String == n } ?? [:]
            let state = s["state"] as? [String: Any] ?? [:]
            let waiting = state["waiting"] as? [String: Any]
            let last = (s["lastState"] as? [String: Any])?["terminated"] as? [String: Any]
            out.append(Container(name: n, running: state["running"] != nil, ready: s["ready"] as? Bool ?? false,
                                 restarts: KubeJSON.int(s["restartCount"]) ?? 0, waitingReason: waiting?["reason"] as? String,
                                 lastTerminationReason: last?["reason"] as? String))
        }
        containers = out
    }
}

enum KubeJSON {
    static func int(_ v: Any?) -> Int? {
        if let i = v as? Int { return i }
        if let d = v as? Double { return Int(d) }
        if let n = v as? NSNumber { return n.intValue }
        return nil
    }

    static func object(_ text: String) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
    }
}

/// One ReplicaSet of a deployment: a pod template and the revision it was rolled out as.
public struct ReplicaSetInfo: Sendable, Equatable {
    public var name: String
    /// `pod-template-hash`.
    public var templateHash: String
    /// `deployment.kubernetes.io/revision` (rollout undo gives an old ReplicaSet a new one).
    public var revision: Int
    /// Container name → image.
    public var images: [String: String]

    public init(name: String, templateHash: String, revision: Int, images: [String: String]) {
        self.name = name; self.templateHash = templateHash; self.revision = revision; self.images = images
    }

    init?(json o: [String: Any]) {
        let meta = o["metadata"] as? [String: Any] ?? [:]
        guard let name = meta["name"] as? String else { return nil }
        self.name = name
        templateHash = (meta["labels"] as? [String: Any])?["pod-template-hash"] as? String ?? ""
        revision = Int((meta["annotations"] as? [String: Any])?["deployment.kubernetes.io/revision"] as? String ?? "") ?? 0
        let containers = (((o["spec"] as? [String: Any])?["template"] as? [String: Any])?["spec"] as? [String: Any])?["containers"] as? [[String: Any]] ?? []
        var images: [String: String] = [:]
        for c in containers { if let n = c["name"] as? String { images[n] = c["image"] as? String ?? "" } }
        self.images = images
    }

    /// The image of `container` (else the first container's).
    public func image(_ container: String) -> String { images[container] ?? images.keys.sorted().first.flatMap { images[$0] } ?? "" }
}
