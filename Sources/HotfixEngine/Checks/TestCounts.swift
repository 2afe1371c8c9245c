/// Passed and failed counts read from a test runner's own summary lines.
public struct TestCounts: Sendable, Equatable {
    public var passed: Int
    public var failed: Int

    public init(passed: Int, failed: Int) { self.passed = passed; self.failed = failed }

    /// Reads the counts pytest, unittest, swift test (XCTest and Swift Testing), go test,
    /// jest/vitest and cargo test print; nil when no summary line was recognised.
    public static func parse(_ lines: [String]) -> TestCounts? {
        var found: TestCounts?
        var goPassed = 0, goFailed = 0, sawGo = false
        var cargo: TestCounts?
        var unittestRan: Int?
        for raw in lines {
            let line = raw.trimmingCharacters(in: .whitespaces)
            // unittest: "Ran 12 tests in 0.004s", then "OK" or "FAILED (failures=1, errors=2)"
            if line.hasPrefix("Ran "), line.contains(" test"), let n = number(after: "Ran ", in: line) {
                unittestRan = n
                found = TestCounts(passed: n, failed: 0)
            }
            if let ran = unittestRan, line.hasPrefix("FAILED (") {
                let failed = (number(after: "failures=", in: line) ?? 0) + (number(after: "errors=", in: line) ?? 0)
                found = TestCounts(passed: max(0, ran - failed), failed: failed)
            }
            // pytest: "==== 12 passed, 1 failed, 2 skipped in 0.31s ====" (or "12 passed in 0.1s")
            if line.contains(" in ") && (line.contains(" passed") || line.contains(" failed")) && (line.hasPrefix("=") || line.first?.isNumber == true) {
                let p = number(before: " passed", in: line), f = number(before: " failed", in: line), e = number(before: " error", in: line)
                if p != nil || f != nil { found = TestCounts(passed: p ?? 0, failed: (f ?? 0) + (e ?? 0)) }
            }
            // XCTest: "Executed 12 tests, with 1 failure (0 unexpected) in …"
            if line.hasPrefix("Executed "), let total = number(after: "Executed ", in: line) {
                let failures = number(after: "with ", in: line) ?? 0
                if total > 0 || found == nil { found = TestCounts(passed: total - failures, failed: failures) }
            }
            // Swift Testing: "✔ Test run with 55 tests in 10 suites passed after 1.2 seconds."
            //                "✘ Test run with 55 tests in 10 suites failed after 1.2 seconds with 3 issues."
            if line.contains("Test run with "), let total = number(after: "Test run with ", in: line) {
                let issues = line.contains(" failed ") ? max(1, number(after: " with ", in: String(line[line.range(of: " failed ")!.upperBound...])) ?? 1) : 0
                let failed = min(total, issues)
                let xctest = found ?? TestCounts(passed: 0, failed: 0)
                found = TestCounts(passed: xctest.passed + total - failed, failed: xctest.failed + failed)
            }
            // go test -v: "--- PASS: TestX (0.00s)"; without -v: "ok  pkg 0.1s" / "FAIL pkg"
            if line.hasPrefix("--- PASS:") { goPassed += 1; sawGo = true }
            if line.hasPrefix("--- FAIL:") { goFailed += 1; sawGo = true }
            // jest / vitest: "Tests:       1 failed, 12 passed, 13 total"
            if line.hasPrefix("Tests:") {
                found = TestCounts(passed: number(before: " passed", in: line) ?? 0, failed: number(before: " failed", in: line) ?? 0)
            }
            // cargo: "test result: ok. 12 passed; 0 failed; 0 ignored; …" (one per test binary)
            if line.hasPrefix("test result:") {
                let c = TestCounts(passed: number(before: " passed", in: line) ?? 0, failed: number(before: " failed", in: line) ?? 0)
                cargo = TestCounts(passed: (cargo?.passed ?? 0) + c.passed, failed: (cargo?.failed ?? 0) + c.failed)
            }
        }
        if let cargo { return cargo }
        if sawGo { return TestCounts(passed: goPassed, failed: goFailed) }
        return found
    }

    /// The integer right before `marker`: "12 passed" → 12.
    static func number(before marker: String, in line: String) -> Int? {
        guard let r = line.range(of: marker) else { return nil }
        let digits = line[..<r.lowerBound].reversed().prefix { $0.isNumber }
        return digits.isEmpty ? nil : Int(String(digits.reversed()))
    }

    /// The integer right after `marker`: "Executed 12" → 12.
    static func number(after marker: String, in line: String) -> Int? {
        guard let r = line.range(of: marker) else { return nil }
        let digits = line[r.upperBound...].prefix { $0.isNumber }
        return digits.isEmpty ? nil : Int(String(digits))
    }
}
