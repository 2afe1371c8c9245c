/// Drain-style online template mining (He et al., 2017; as in Drain3): messages are masked,
/// routed by token count and their first tokens through a fixed-depth tree, and joined to the
/// most similar cluster at that leaf if similar enough, generalising differing tokens to `<*>`.
/// Bounded: at most `maxClusters` templates; later newcomers are counted as "other".
public struct TemplateMiner: Sendable {
    /// One template and what was seen of it.
    public struct Cluster: Sendable, Equatable {
        public var id: Int
        public var tokens: [String]
        public var count: Int
        /// Pods it was seen on (at most `maxPodsPerCluster` names kept).
        public var pods: [String]
        /// The first message that made it, for display.
        public var example: String

        public var template: String { tokens.joined(separator: " ") }
    }

    public let depth: Int
    public let similarity: Double
    public let maxChildren: Int
    public let maxClusters: Int
    static let maxPodsPerCluster = 16

    public private(set) var clusters: [Cluster] = []
    /// Messages that matched no template after the table was full.
    public private(set) var overflow = 0

    private struct Node: Sendable {
        var children: [String: Int] = [:]
        var clusterIDs: [Int] = []
    }
    private var nodes: [Node] = [Node()]
    /// Recent messages' shapes (digits ignored) to their cluster: most error floods repeat.
    private var recent: [UInt64: Int] = [:]

    public init(depth: Int = 4, similarity: Double = 0.4, maxChildren: Int = 100, maxClusters: Int = 1000) {
        self.depth = max(3, depth)
        self.similarity = similarity
        self.maxChildren = maxChildren
        self.maxClusters = maxClusters
    }

    /// Learn mode: adds a message, returns its cluster id (nil if the table is full).
    @discardableResult
    public mutating func learn(_ message: String, pod: String? = nil, count: Int = 1) -> Int? {
        let shape = Self.shape(message)
        if let id = recent[shape] {
            note(id, pod: pod, count: count)
            return id
        }
        let tokens = Masking.tokens(message)
        let id = learn(tokens: tokens, example: message, pod: pod, count: count)
        if let id {
            if recent.count >= 4096 { recent.removeAll(keepingCapacity: true) }
            recent[shape] = id
        }
        return id
    }

    /// Judge mode: the cluster a message belongs to, without changing anything.
    public func match(_ message: String) -> Int? {
        match(tokens: Masking.tokens(message))
    }

    public func match(tokens: [String]) -> Int? {
        guard let leaf = leaf(for: tokens) else { return nil }
        return best(in: nodes[leaf].clusterIDs, tokens)
    }

    /// Clusters by count, most first; equal counts by the number of pods they were seen on
    /// (more first), then by the template's text. The order never depends on which line arrived
    /// first, so the same logs rank the same every run.
    public var ranked: [Cluster] {
        clusters.map { ($0, $0.template) }.sorted { a, b in
            if a.0.count != b.0.count { return a.0.count > b.0.count }
            if a.0.pods.count != b.0.pods.count { return a.0.pods.count > b.0.pods.count }
            if a.1 != b.1 { return a.1 < b.1 }
            return a.0.id < b.0.id
        }.map(\.0)
    }

    /// Adds another miner's clusters (from a parallel part of the same input).
    public mutating func merge(_ other: TemplateMiner) {
        for c in other.clusters {
            guard let id = learn(tokens: c.tokens, example: c.example, pod: nil, count: c.count) else { continue }
            for pod in c.pods { addPod(id, pod) }
        }
        overflow += other.overflow
    }

    // MARK: - Drain

    private mutating func learn(tokens: [String], example: String, pod: String?, count: Int) -> Int? {
        if let leaf = leaf(for: tokens), let id = best(in: nodes[leaf].clusterIDs, tokens) {
            let merged = zip(clusters[id].tokens, tokens).map { $0 == $1 ? $0 : "<*>" }
            if merged != clusters[id].tokens { clusters[id].tokens = merged }
            note(id, pod: pod, count: count)
            return id
        }
        guard clusters.count < maxClusters else { overflow += count; return nil }
        let id = clusters.count
        clusters.append(Cluster(id: id, tokens: tokens, count: 0, pods: [], example: String(example.prefix(300))))
        insert(id, tokens)
        note(id, pod: pod, count: count)
        return id
    }

    private mutating func note(_ id: Int, pod: String?, count: Int) {
        clusters[id].count += count
        if let pod { addPod(id, pod) }
    }

    private mutating func addPod(_ id: Int, _ pod: String) {
        if clusters[id].pods.count < Self.maxPodsPerCluster && !clusters[id].pods.contains(pod) { clusters[id].pods.append(pod) }
    }

    /// Below the token-count node, `depth - 3` leading tokens route (Drain3: depth 4 routes on
    /// the first token), never all of them.
    private func prefixCount(_ tokens: [String]) -> Int { min(depth - 3, max(0, tokens.count - 1)) }

    private func leaf(for tokens: [String]) -> Int? {
        guard var node = nodes[0].children[String(tokens.count)] else { return nil }
        for token in tokens.prefix(prefixCount(tokens)) {
            guard let next = nodes[node].children[token] ?? nodes[node].children["<*>"] else { return nil }
            node = next
        }
        return node
    }

    private mutating func insert(_ id: Int, _ tokens: [String]) {
        let lengthKey = String(tokens.count)
        var node: Int
        if let existing = nodes[0].children[lengthKey] { node = existing } else {
            node = newNode(); nodes[0].children[lengthKey] = node
        }
        for token in tokens.prefix(prefixCount(tokens)) {
            if let next = nodes[node].children[token] { node = next; continue }
            let wild = token.contains(where: \.isNumber) || token.hasPrefix("<")
            let key: String
            if wild {
                key = "<*>"
            } else if nodes[node].children.count + 1 < maxChildren {
                key = token
            } else {
                key = "<*>"
            }
            if let next = nodes[node].children[key] { node = next } else {
                let child = newNode(); nodes[node].children[key] = child; node = child
            }
        }
        nodes[node].clusterIDs.append(id)
    }

    private mutating func newNode() -> Int {
        nodes.append(Node())
        return nodes.count - 1
    }

    /// The most similar cluster at a leaf if its similarity reaches the threshold (ties: the one
    /// with more wildcards, as in Drain).
    private func best(in ids: [Int], _ tokens: [String]) -> Int? {
        var bestID: Int?
        var bestSim = -1.0
        var bestParams = -1
        for id in ids {
            let t = clusters[id].tokens
            guard t.count == tokens.count else { continue }
            var same = 0, params = 0
            for (a, b) in zip(t, tokens) {
                if a == "<*>" { params += 1 } else if a == b { same += 1 }
            }
            let sim = t.isEmpty ? 1 : Double(same) / Double(t.count)
            if sim > bestSim || (sim == bestSim && params > bestParams) {
                bestSim = sim; bestParams = params; bestID = id
            }
        }
        return bestSim >= similarity ? bestID : nil
    }

    /// A hash of the message with digits left out (FNV-1a over its other bytes).
    static func shape(_ message: String) -> UInt64 {
        var h = shapeSeed
        for b in message.utf8 { h = shape(h, b) }
        return h
    }

    static let shapeSeed: UInt64 = 0xcbf2_9ce4_8422_2325

    /// The shape so far, `h`, with one more byte of the message.
    @inline(__always)
    static func shape(_ h: UInt64, _ b: UInt8) -> UInt64 {
        b &- 0x30 <= 9 ? h : (h ^ UInt64(b)) &* 0x100_0000_01b3
    }

    /// Learn mode for a message known only by its shape (`shape(_:)` of its text): when a
    /// message of that shape joined a template lately, counts this one there too and returns
    /// true (as `learn(_:)` would); false otherwise, and then the text must be learned.
    mutating func learnRecent(shape: UInt64, pod: String?) -> Bool {
        guard let id = recent[shape] else { return false }
        note(id, pod: pod, count: 1)
        return true
    }
}
