/// How a live view names a pod in front of each of its lines, stern-style: short, and in a
/// colour that stays the pod's for the whole session (the console and `hotfix logs follow`
/// name and colour a pod the same way).
public enum LiveTag {
    /// The pod's short tag: the random suffix a ReplicaSet gives its pods (`users-api-7d9f8c6b5-x1k2p`
    /// → `x1k2p`), a StatefulSet's ordinal name's end (`postgres-primary-0` → `primary-0`), else the name's last
    /// eight characters. A ReplicaSet's suffix can be all digits (`…-7d9f8c6b5-24567`: its alphabet
    /// has seven digits); after a pod-template-hash it is still the suffix, not an ordinal.
    public static func short(_ pod: String) -> String {
        let parts = pod.split(separator: "-", omittingEmptySubsequences: false)
        if parts.count >= 3, let last = parts.last, (4...6).contains(last.count),
           !last.allSatisfy(\.isNumber) || isReplicaSetSuffix(last, after: parts[parts.count - 2]) {
            return String(last)
        }
        if parts.count >= 2, let last = parts.last, last.allSatisfy(\.isNumber), !last.isEmpty {
            return parts[parts.count - 2].suffix(8) + "-" + last
        }
        return String(pod.suffix(8))
    }

    /// Kubernetes names a ReplicaSet's pods `RS-XXXXX`: five characters of `bcdfghjklmnpqrstvwxz2456789`,
    /// where RS ends in the pod-template-hash (6 to 10 lowercase letters and digits).
    private static func isReplicaSetSuffix(_ last: Substring, after hash: Substring) -> Bool {
        last.count == 5 && last.allSatisfy { safeAlphabet.contains($0) }
            && (6...10).contains(hash.count) && hash.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber) }
    }

    private static let safeAlphabet = Set("bcdfghjklmnpqrstvwxz2456789")

    /// The pod's colour among `count` (0..<count): a hash of its name, so the same pod has the
    /// same colour in every run and every view.
    public static func colour(_ pod: String, count: Int) -> Int {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in pod.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return Int(h % UInt64(max(1, count)))
    }

    /// `+` for a new pod (the hotfix), `-` for an old one (the baseline): diff's signs.
    public static func side(isNew: Bool) -> String { isNew ? "+" : "-" }
}
