import Foundation

/// One-sided tests on two Poisson rates (errors per entry before and after), conditioned on the
/// total: given k₁ + k₂ events, k₂ is binomial with π = r·n₂ / (r·n₂ + n₁) when the after-rate
/// is r times the before-rate.
public enum RateTests {
    /// p-value for "the after-rate is below `ratio` × the before-rate": P(X ≤ k₂).
    public static func pBelow(ratio: Double, before k1: Int, of n1: Int, after k2: Int, of n2: Int) -> Double {
        guard n1 > 0, n2 > 0 else { return 1 }
        let pi = ratio * Double(n2) / (ratio * Double(n2) + Double(n1))
        return binomialCDF(k2, n: k1 + k2, p: pi)
    }

    /// p-value for "the after-rate is above `ratio` × the before-rate": P(X ≥ k₂).
    public static func pAbove(ratio: Double, before k1: Int, of n1: Int, after k2: Int, of n2: Int) -> Double {
        guard n1 > 0, n2 > 0 else { return 1 }
        guard k2 > 0 else { return 1 }
        let pi = ratio * Double(n2) / (ratio * Double(n2) + Double(n1))
        return 1 - binomialCDF(k2 - 1, n: k1 + k2, p: pi)
    }

    /// P(X ≤ k) for X ~ Binomial(n, p): exact sum in log space, normal approximation past 200,000 trials.
    public static func binomialCDF(_ k: Int, n: Int, p: Double) -> Double {
        if k < 0 { return 0 }
        if k >= n { return 1 }
        if p <= 0 { return 1 }
        if p >= 1 { return 0 }
        if n > 200_000 {
            let mean = Double(n) * p
            let sd = (Double(n) * p * (1 - p)).squareRoot()
            return 0.5 * erfc(-((Double(k) + 0.5 - mean) / sd) / 2.0.squareRoot())
        }
        let lp = log(p), lq = log1p(-p)
        let lnN = logGamma(Double(n + 1))
        var total = 0.0
        for i in 0...k {
            let term = lnN - logGamma(Double(i + 1)) - logGamma(Double(n - i + 1)) + Double(i) * lp + Double(n - i) * lq
            total += exp(term)
        }
        return min(1, max(0, total))
    }

    private static func logGamma(_ x: Double) -> Double { Foundation.lgamma(x) }
}
