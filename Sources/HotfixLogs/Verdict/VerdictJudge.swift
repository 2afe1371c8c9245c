import Foundation

/// Compares the hotfix pods' logs with the baseline and decides (DESIGN §8): the targeted error
/// must drop by half (one-sided, p < 0.05); the error rate may not rise 1.2× (p < 0.02); a
/// template never seen in the baseline, 3+ times or on 2+ pods, is a new error; p99 stays under
/// max(500 ms, 1.2 × baseline); too little traffic means "no data"; pod problems fail at once.
public enum VerdictJudge {
    public static func judge(baseline: VerdictSide, hotfix: VerdictSide, target: String? = nil,
                             problems: [PodProblem] = [], policy: VerdictPolicy = VerdictPolicy()) -> Verdict {
        let traffic = trafficShortfall(baseline, hotfix, policy)
        let ranked = baseline.templates.ranked
        let (targetID, signal) = targeted(baseline, hotfix, ranked, target, traffic, policy)
        var targetSignal = signal
        let tied = target == nil ? ties(ranked) : []
        if let top = ranked.first, !tied.isEmpty { targetSignal.reason += tieNote(top, tied) }
        let (newTemplates, newSignal) = newErrors(baseline, hotfix, policy)
        var signals = [targetSignal, errorRate(baseline, hotfix, traffic, policy), newSignal, latency(baseline, hotfix, policy)]
        if !problems.isEmpty {
            let words = problems.map { p in [p.kind.rawValue, p.pod, p.detail].compactMap { $0 }.joined(separator: " ") }
            signals.append(VerdictSignal(name: "pods", status: .fail, reason: words.joined(separator: "; "),
                                         numbers: ["problems": Double(problems.count)]))
        }
        let outcome: VerdictOutcome
        if signals.contains(where: { $0.status == .fail }) {
            outcome = .fail
        } else if 2 * signals.filter({ $0.status == .noData }).count >= signals.count {
            outcome = .inconclusive
        } else if signals.contains(where: { $0.status == .marginal }) {
            outcome = .marginal
        } else {
            outcome = .pass
        }
        return Verdict(outcome: outcome, signals: signals, newTemplates: newTemplates,
                       targetTemplate: targetID.map { baseline.templates.clusters[$0].template }, targetTies: tied.map(\.template))
    }

    static func percent(_ x: Double) -> String { String(format: "%.2g%%", x * 100) }
    static func pText(_ p: Double) -> String { p < 0.001 ? "p<0.001" : String(format: "p=%.3f", p) }
    static func ms(_ x: Double) -> String { x >= 1000 ? String(format: "%.2f s", x / 1000) : String(format: "%.0f ms", x) }

    /// Why the new pods' traffic is too little to judge rates, or nil when it suffices.
    static func trafficShortfall(_ b: VerdictSide, _ h: VerdictSide, _ policy: VerdictPolicy) -> String? {
        let podsB = max(1, b.entriesPerPod.count), podsH = max(1, h.entriesPerPod.count)
        var perPodB = Double(b.counters.entries) / Double(podsB)
        var perPodH = Double(h.counters.entries) / Double(podsH)
        var unit = "entries per pod"
        if let sb = b.seconds, let sh = h.seconds, sb >= 1, sh >= 1 {
            perPodB = perPodB / sb * 60; perPodH = perPodH / sh * 60; unit = "entries per pod per minute"
        }
        if h.counters.entries == 0 { return "no entries from the new pods" }
        if b.counters.entries == 0 { return "no baseline entries to compare with" }
        if perPodH < policy.minTrafficShare * perPodB {
            return String(format: "too little traffic on the new pods: %.1f %@ against %.1f in the baseline (under %.0f%%)",
                          perPodH, unit, perPodB, policy.minTrafficShare * 100)
        }
        return nil
    }

    static func targeted(_ b: VerdictSide, _ h: VerdictSide, _ ranked: [TemplateMiner.Cluster], _ target: String?, _ traffic: String?,
                         _ policy: VerdictPolicy) -> (Int?, VerdictSignal) {
        let name = "targeted error"
        let id: Int?
        if let target {
            // A whole message matches its template; a fragment ("Database timeout") the most
            // frequent template whose text or example holds it.
            id = b.templates.match(target) ?? ranked.first {
                $0.template.localizedCaseInsensitiveContains(target) || $0.example.localizedCaseInsensitiveContains(target)
            }?.id
        } else {
            id = ranked.first?.id
        }
        guard let id else {
            let why = target == nil ? "the baseline has no error to target" : "the chosen error does not appear in the baseline"
            return (nil, VerdictSignal(name: name, status: .noData, reason: why, numbers: [:]))
        }
        let template = b.templates.clusters[id].template
        let k1 = b.templates.clusters[id].count, n1 = b.counters.entries
        let k2 = h.templates.clusters.filter { b.templates.match(tokens: $0.tokens) == id }.reduce(0) { $0 + $1.count }
        let n2 = h.counters.entries
        let r1 = Double(k1) / Double(max(1, n1)), r2 = Double(k2) / Double(max(1, n2))
        var numbers = ["baselineCount": Double(k1), "baselineRate": r1, "hotfixCount": Double(k2), "hotfixRate": r2]
        if let traffic {
            return (id, VerdictSignal(name: name, status: .noData, reason: "\"\(template)\": \(traffic)", numbers: numbers))
        }
        let expected = r1 * Double(n2)
        numbers["expectedWithoutFix"] = expected
        if expected < policy.minExpectedTargetErrors {
            let reason = String(format: "\"%@\": too few entries to see a drop (%.1f expected without a fix, %d seen)", template, expected, k2)
            return (id, VerdictSignal(name: name, status: .noData, reason: reason, numbers: numbers))
        }
        let pHalf = RateTests.pBelow(ratio: policy.targetDropRatio, before: k1, of: n1, after: k2, of: n2)
        let pAny = RateTests.pBelow(ratio: 1, before: k1, of: n1, after: k2, of: n2)
        numbers["pDropByHalf"] = pHalf
        numbers["pDrop"] = pAny
        let rates = "\(percent(r1)) of entries before, \(percent(r2)) after (\(k1) → \(k2))"
        if pHalf < policy.targetDropP {
            return (id, VerdictSignal(name: name, status: .pass, reason: "\"\(template)\" dropped by more than half: \(rates), \(pText(pHalf))", numbers: numbers))
        }
        if pAny < policy.targetDropP {
            return (id, VerdictSignal(name: name, status: .marginal,
                                      reason: "\"\(template)\" dropped, but not clearly by half: \(rates), \(pText(pHalf)) for half", numbers: numbers))
        }
        return (id, VerdictSignal(name: name, status: .fail, reason: "\"\(template)\" did not drop: \(rates), \(pText(pAny)) for any drop", numbers: numbers))
    }

    /// The baseline errors as frequent as the top one (the same count, or within chance of it:
    /// 2σ of the difference of two Poisson counts): when the target was not named, the choice
    /// between them is the tie-break's (count, then pods, then text), and a person should say
    /// which error the incident is about (`--target`).
    static func ties(_ ranked: [TemplateMiner.Cluster]) -> [TemplateMiner.Cluster] {
        guard let top = ranked.first else { return [] }
        return Array(ranked.dropFirst().prefix(3).filter { c in
            Double(top.count - c.count) <= 2 * Double(top.count + c.count).squareRoot()
        })
    }

    /// The words saying the target was a close call, after the targeted signal's reason.
    static func tieNote(_ top: TemplateMiner.Cluster, _ ties: [TemplateMiner.Cluster]) -> String {
        func seen(_ c: TemplateMiner.Cluster) -> String { "\(c.count)× on \(c.pods.count) pod\(c.pods.count == 1 ? "" : "s")" }
        let names = ties.map { "\"\($0.template)\" (\(seen($0)))" }.joined(separator: ", ")
        return "; as frequent in the baseline as the target (\(seen(top))): \(names); chosen by count, then pods, then text"
            + " (name the incident's error with --target TEXT)"
    }

    static func errorRate(_ b: VerdictSide, _ h: VerdictSide, _ traffic: String?, _ policy: VerdictPolicy) -> VerdictSignal {
        let name = "error rate"
        let k1 = b.counters.errors, n1 = b.counters.entries, k2 = h.counters.errors, n2 = h.counters.entries
        let r1 = Double(k1) / Double(max(1, n1)), r2 = Double(k2) / Double(max(1, n2))
        var numbers = ["baselineRate": r1, "hotfixRate": r2, "baselineErrors": Double(k1), "hotfixErrors": Double(k2)]
        if let traffic { return VerdictSignal(name: name, status: .noData, reason: traffic, numbers: numbers) }
        let p = RateTests.pAbove(ratio: policy.errorRiseRatio, before: k1, of: n1, after: k2, of: n2)
        numbers["pRise"] = p
        let rates = "\(percent(r1)) before, \(percent(r2)) after"
        if p < policy.errorRiseP {
            return VerdictSignal(name: name, status: .fail,
                                 reason: String(format: "rose %.1f× or more: %@, %@", policy.errorRiseRatio, rates, pText(p)), numbers: numbers)
        }
        return VerdictSignal(name: name, status: .pass, reason: "\(rates) (no rise of \(policy.errorRiseRatio)×, \(pText(p)))", numbers: numbers)
    }

    static func newErrors(_ b: VerdictSide, _ h: VerdictSide, _ policy: VerdictPolicy) -> ([NewTemplate], VerdictSignal) {
        let name = "new errors"
        let fresh = h.templates.ranked.filter { b.templates.match(tokens: $0.tokens) == nil }.map { c in
            NewTemplate(template: c.template, count: c.count, pods: c.pods, example: c.example,
                        counts: c.count >= policy.newErrorMinCount || c.pods.count >= policy.newErrorMinPods)
        }
        let counting = fresh.filter(\.counts)
        let numbers = ["newTemplates": Double(fresh.count), "failing": Double(counting.count)]
        if let first = counting.first {
            let more = counting.count > 1 ? " and \(counting.count - 1) more" : ""
            let reason = "\"\(first.template)\" never seen in the baseline, \(first.count)× on \(first.pods.count) pod\(first.pods.count == 1 ? "" : "s")\(more)"
            return (fresh, VerdictSignal(name: name, status: .fail, reason: reason, numbers: numbers))
        }
        if h.counters.entries == 0 {
            return (fresh, VerdictSignal(name: name, status: .noData, reason: "no entries from the new pods", numbers: numbers))
        }
        if let first = fresh.first {
            let reason = "\(fresh.count) new template\(fresh.count == 1 ? "" : "s"), each under \(policy.newErrorMinCount)× on one pod, e.g. \"\(first.template)\""
            return (fresh, VerdictSignal(name: name, status: .pass, reason: reason, numbers: numbers))
        }
        return (fresh, VerdictSignal(name: name, status: .pass, reason: "none", numbers: numbers))
    }

    static func latency(_ b: VerdictSide, _ h: VerdictSide, _ policy: VerdictPolicy) -> VerdictSignal {
        let name = "latency"
        guard h.counters.latency.count >= policy.minLatencySamples, let p99 = h.counters.latency.quantileMs(0.99) else {
            return VerdictSignal(name: name, status: .noData,
                                 reason: "\(h.counters.latency.count) latency samples from the new pods (need \(policy.minLatencySamples))",
                                 numbers: ["hotfixSamples": Double(h.counters.latency.count)])
        }
        var numbers = ["hotfixP99Ms": p99, "hotfixSamples": Double(h.counters.latency.count)]
        var limit = policy.latencyFloorMs
        var basis = "the \(ms(policy.latencyFloorMs)) floor"
        if b.counters.latency.count >= policy.minLatencySamples, let base = b.counters.latency.quantileMs(0.99) {
            numbers["baselineP99Ms"] = base
            if policy.latencyRatio * base > limit { limit = policy.latencyRatio * base; basis = "\(policy.latencyRatio)× the baseline p99 of \(ms(base))" }
            else { basis += " (baseline p99 \(ms(base)))" }
        }
        numbers["limitMs"] = limit
        if p99 > limit {
            return VerdictSignal(name: name, status: .fail, reason: "p99 \(ms(p99)) is over \(ms(limit)), \(basis)", numbers: numbers)
        }
        return VerdictSignal(name: name, status: .pass, reason: "p99 \(ms(p99)) within \(ms(limit)), \(basis)", numbers: numbers)
    }
}
