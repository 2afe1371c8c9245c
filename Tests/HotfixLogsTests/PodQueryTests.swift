import Foundation
import HotfixLogs
import Testing

/// `hotfix logs follow --pod` / `--pod-regex`: which pods a query names.
@Suite struct PodQueryTests {
    @Test func aPodIsAWholeNameOrItsTagNeverAPartOfAName() throws {
        let q = try #require(PodQuery(names: ["api-1", "x1k2p"]))
        #expect(q.matches("api-1"))
        #expect(!q.matches("api-12") && !q.matches("api-13") && !q.matches("web-api-1x"), "a part of a name is no name")
        #expect(q.matches("users-api-7d9f8c6b5-x1k2p"), "the short tag printed in front of the pod's lines")
        #expect(!q.matches("users-api-7d9f8c6b5-x1k2q"))
        #expect(try #require(PodQuery(names: ["primary-0"])).matches("postgres-primary-0"), "a StatefulSet pod's tag")
        #expect(PodQuery(names: []) == nil, "no --pod: every pod")
        #expect(q.flag == "--pod api-1 --pod x1k2p")
    }

    @Test func aRegexIsSearchedInTheWholeNameAsSternDoes() throws {
        let q = try PodQuery(regex: "^users-api-(?!7d9f8c6b5-)")
        #expect(!q.matches("users-api-7d9f8c6b5-x1k2p"))
        #expect(q.matches("users-api-5c4b3a2d1-q8zr4"), "a pod a rollout starts later")
        #expect(try PodQuery(regex: "x1k2p|q8zr4").matches("users-api-5c4b3a2d1-q8zr4"))
        #expect(q.flag == "--pod-regex '^users-api-(?!7d9f8c6b5-)'")
        #expect(throws: (any Error).self) { try PodQuery(regex: "api-(") }
    }

    @Test func aListOfPodsNamesEachWithItsTagAndCountsTheRest() {
        let pods = (1...8).map { "app-5d8f-pod\($0)" }
        #expect(PodQuery.list(Array(pods.prefix(2))) == "app-5d8f-pod1 (pod1), app-5d8f-pod2 (pod2)")
        #expect(PodQuery.list(pods).hasSuffix(", and 2 more"))
        #expect(PodQuery.list([]) == "none")
    }
}
