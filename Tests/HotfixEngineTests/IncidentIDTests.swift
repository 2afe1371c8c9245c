import Testing
@testable import HotfixEngine

@Suite struct IncidentIDTests {
    @Test(arguments: ["001-api-500", "a", "9", "x-y-z", String(repeating: "a", count: 63)])
    func acceptsValidIDs(_ raw: String) throws {
        #expect(try IncidentID(raw).rawValue == raw)
    }

    @Test(arguments: ["../x", "a b", "$(rm -rf ~)", "UPPER", String(repeating: "a", count: 200), "", "-lead", "a/b", "é", "a\u{1B}[2J"])
    func refusesInvalidIDsWithTheRule(_ raw: String) {
        #expect(throws: HotfixError.self) { try IncidentID(raw) }
        do { _ = try IncidentID(raw) } catch {
            #expect(error.kind == .usage)
            #expect(error.message.contains("lowercase letters, digits and '-'"))
            #expect(!error.message.contains("\u{1B}"), "escape sequences are never echoed back")
        }
    }

    @Test func generatesTheWorkflowsOwnExample() {
        let id = IncidentID.generate(title: "API returns 500 on /users endpoint", existing: [])
        #expect(id.rawValue == "001-api-500")
    }

    @Test func generatedSequenceFollowsExistingIncidents() throws {
        let existing = [try IncidentID("001-api-500"), try IncidentID("007-db"), try IncidentID("custom")]
        #expect(IncidentID.generate(title: "Checkout fails for EU", existing: existing).rawValue == "008-checkout-fails")
    }

    @Test func generatedIDsAreAlwaysValid() {
        for title in ["!!!", "日本語のタイトル", String(repeating: "word ", count: 100), "UPPER CASE Title", "$(rm -rf ~)"] {
            let id = IncidentID.generate(title: title, existing: [])
            #expect(IncidentID.isValid(id.rawValue), "\(title) → \(id)")
        }
    }
}
