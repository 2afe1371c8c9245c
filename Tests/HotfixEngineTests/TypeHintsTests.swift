import Foundation
import Testing
@testable import HotfixEngine

/// The type-hints judgement on what the fix touched, given the functions Python's parser found and
/// a type checker's output.
@Suite struct TypeHintsTests {
    static let getUser = TouchedFunction(path: "app/users.py", name: "get_user", line: 8, end: 12)
    static let untyped = TouchedFunction(path: "app/users.py", name: "get_user", line: 8, end: 12, missing: ["id"], returnMissing: true)

    func mypy(_ lines: [String], exit: Int32 = 1) -> TypeCheckerRun { TypeCheckerRun(tool: "mypy", exitCode: exit, output: lines, root: "/repo") }

    @Test func mypyAndPyrightErrorLinesAreReadWithTheirFileAndLine() throws {
        let mypy = try #require(TypeFinding(line: "app/users.py:18: error: Function is missing a type annotation  [no-untyped-def]", root: "/repo"))
        #expect(mypy.path == "app/users.py" && mypy.line == 18)
        let column = try #require(TypeFinding(line: "app/users.py:18:5: error: Name \"x\" is not defined  [name-defined]", root: "/repo"))
        #expect(column.path == "app/users.py" && column.line == 18)
        let pyright = try #require(TypeFinding(line: "  /repo/app/users.py:21:12 - error: \"id\" is not a known attribute of \"None\" (reportOptionalMemberAccess)", root: "/repo"))
        #expect(pyright.path == "app/users.py" && pyright.line == 21)
        #expect(pyright.text.hasPrefix("app/users.py:21:12 - error:"), "paths are shown relative to the repository")
        #expect(TypeFinding(line: "app/users.py:18: note: Use \"-> None\" if function does not return a value", root: "/repo") == nil)
        #expect(TypeFinding(line: "app/users.py:3: note: see https://x/error: here", root: "/repo") == nil)
        #expect(TypeFinding(line: "Found 2 errors in 1 file (checked 1 source file)", root: "/repo") == nil)
        #expect(TypeFinding(line: "  /repo/app/users.py:4:1 - warning: Import \"flask\" could not be resolved", root: "/repo") == nil)
    }

    @Test func findingsOutsideTheTouchedFunctionsAreContextNotFailure() {
        let scan = FunctionScan(functions: [Self.getUser], changedLines: ["app/users.py": [9, 10, 11]])
        let run = mypy(["app/users.py:18: error: Function is missing a type annotation  [no-untyped-def]",
                        "app/other.py:3: error: Function is missing a type annotation  [no-untyped-def]"])
        let outcome = AutoChecks.typeHints(changedFiles: ["app/users.py"], scan: scan, checker: run)
        #expect(outcome.result == .passed)
        #expect(outcome.evidence == "mypy passed on the 1 changed function, fully annotated: get_user (app/users.py:8); not judged, outside the fix: 1 finding (app/users.py:18: error: Function is missing a type annotation  [no-untyped-def])")
    }

    @Test func anErrorInsideATouchedFunctionOrOnAChangedLineFails() {
        let scan = FunctionScan(functions: [Self.getUser], changedLines: ["app/users.py": [9, 30]])
        let inside = AutoChecks.typeHints(changedFiles: ["app/users.py"], scan: scan,
                                          checker: mypy(["app/users.py:11: error: Incompatible return value type (got \"str | None\", expected \"str\")  [return-value]"]))
        #expect(inside.result == .failed)
        #expect(inside.evidence == "mypy: app/users.py:11: error: Incompatible return value type (got \"str | None\", expected \"str\")  [return-value] — rule: type hints required")
        let moduleLevel = AutoChecks.typeHints(changedFiles: ["app/users.py"], scan: scan,
                                               checker: mypy(["app/users.py:30: error: Need type annotation for \"CACHE\"  [var-annotated]"]))
        #expect(moduleLevel.result == .failed, "a changed line outside any function is the fix's too")
    }

    @Test func anUnannotatedTouchedFunctionFailsEvenWhenTheCheckerSaysNothing() {
        // pyright's default rules do not ask for annotations: the built-in check still does.
        let scan = FunctionScan(functions: [Self.untyped], changedLines: ["app/users.py": [9]])
        let pyright = TypeCheckerRun(tool: "pyright", exitCode: 0, output: ["0 errors, 0 warnings, 0 informations"], root: "/repo")
        let outcome = AutoChecks.typeHints(changedFiles: ["app/users.py"], scan: scan, checker: pyright)
        #expect(outcome.result == .failed)
        #expect(outcome.evidence == "pyright: app/users.py:8 get_user(): no type for id, no return type — rule: type hints required")
        // mypy names the function itself: it is not named twice.
        let named = AutoChecks.typeHints(changedFiles: ["app/users.py"], scan: scan,
                                         checker: mypy(["app/users.py:8: error: Function is missing a type annotation  [no-untyped-def]"]))
        #expect(named.evidence == "mypy: app/users.py:8: error: Function is missing a type annotation  [no-untyped-def] — rule: type hints required")
    }

    @Test func aCheckerThatCrashedIsIgnoredAndSaidSo() {
        let scan = FunctionScan(functions: [Self.getUser], changedLines: ["app/users.py": [9]])
        let outcome = AutoChecks.typeHints(changedFiles: ["app/users.py"], scan: scan, checker: mypy(["mypy: error: invalid config"], exit: 2))
        #expect(outcome.result == .passed)
        #expect(outcome.evidence == "1 changed function fully annotated: get_user (app/users.py:8) (checked by hotfix; mypy failed to run (exit 2))")
    }

    @Test func withoutAFunctionChangedOrWithoutAParseTheItemSaysSo() {
        let none = AutoChecks.typeHints(changedFiles: ["app/settings.py"], scan: FunctionScan(changedLines: ["app/settings.py": [3]]), checker: nil)
        #expect(none.result == .passed)
        #expect(none.evidence == "no Python function added or changed (app/settings.py)")
        let unparsed = AutoChecks.typeHints(changedFiles: ["app/users.py"], scan: FunctionScan(problems: ["app/users.py: python 3.11 cannot parse it: line 8: '(' was never closed"]), checker: nil)
        #expect(unparsed.result == .unknown, "unknown keeps the item open for a person; the gate still holds")
        #expect(unparsed.evidence.hasPrefix("the changed functions cannot be found: app/users.py: python 3.11 cannot parse it"))
        let swift = AutoChecks.typeHints(changedFiles: ["Sources/App/Users.swift"], scan: FunctionScan(), checker: nil)
        #expect(swift.evidence == "statically typed: Swift (Sources/App/Users.swift)")
    }

    @Test func longCheckerOutputStaysShortEnoughToRecord() throws {
        let functions = (0..<10).map { TouchedFunction(path: "app/users.py", name: "f\($0)", line: $0 * 10 + 1, end: $0 * 10 + 9) }
        let lines = (0..<10).map { "app/users.py:\($0 * 10 + 2): error: " + String(repeating: "x", count: 500) }
        let outcome = AutoChecks.typeHints(changedFiles: ["app/users.py"], scan: FunctionScan(functions: functions), checker: mypy(lines))
        #expect(outcome.result == .failed)
        #expect(outcome.evidence.hasSuffix("and 7 more — rule: type hints required"))
        #expect(outcome.evidence.count < Engine.maxText, "the journal takes it")
        let check = try #require(outcome.record(over: CheckEntry()))
        #expect(throws: Never.self) { try Engine.decide(.check(check), state: Scripted().state) }
    }
}
