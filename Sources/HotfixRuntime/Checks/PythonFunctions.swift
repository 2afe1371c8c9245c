import Foundation
import HotfixEngine

/// Finds the Python functions a diff touches with Python's own parser (`ast`), run as a `python3`
/// process: a function is touched when its `def` line or a decorator changed, or a line of its body
/// was added or removed (a removed line is placed with the old file's parse, by the function's
/// qualified name). A line belongs to the innermost function around it; a class is not a function.
public struct PythonFunctions: Sendable {
    public var root: String
    public var runner: ProcessRunner

    public init(root: String, runner: ProcessRunner = ProcessRunner(environment: GitClient.environment)) {
        self.root = root
        self.runner = runner
    }

    /// One changed file as the script reads it.
    struct Input: Encodable {
        var path: String
        var old: String?
        var new: String
        var added: [Int]
        var removed: [Int]
    }

    struct Output: Decodable {
        struct File: Decodable {
            var path: String
            var problem: String?
            var functions: [TouchedFunction]?
        }
        var files: [File]
    }

    /// The functions the change from `base` to `head` touches in `paths` (Python files);
    /// `head` nil means the work tree, new untracked files included.
    public func touched(base: String, head: String?, paths: [String]) async -> FunctionScan {
        guard !paths.isEmpty else { return FunctionScan() }
        let range = head.map { [base, $0] } ?? [base]
        let patch = await git(["diff", "-U0", "--no-color", "--no-ext-diff", "--no-renames"] + range + ["--"] + paths) ?? ""
        let (added, removed) = CheckRunner.parsePatch(patch)
        var inputs: [Input] = []
        var problems: [String] = []
        for path in paths {
            let text: String?
            if let head { text = await git(["show", "\(head):\(path)"]) } else { text = try? String(contentsOfFile: root + "/" + path, encoding: .utf8) }
            guard let new = text else { continue }  // deleted: nothing left to judge
            let old = await git(["show", "\(base):\(path)"])
            var lines = added.filter { $0.path == path }.map(\.line)
            if old == nil, lines.isEmpty { lines = Array(1...max(1, new.split(separator: "\n", omittingEmptySubsequences: false).count)) }  // untracked
            inputs.append(Input(path: path, old: old, new: new, added: lines, removed: removed.filter { $0.path == path }.map(\.line)))
        }
        var scan = FunctionScan(changedLines: Dictionary(inputs.map { ($0.path, Set($0.added)) }) { a, _ in a })
        guard !inputs.isEmpty else { return scan }
        let json = (try? JSONEncoder().encode(inputs)).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
        let result: ProcessResult
        do {
            // -I: no user site, no environment, and not the repository's folder on sys.path (its own ast.py or json.py).
            result = try await runner.run(["python3", "-I", "-c", Self.script], in: root, input: json)
        } catch {
            scan.problems = ["python3 is needed to find the functions the fix touched: \(error.message)"]
            return scan
        }
        guard result.succeeded, let output = try? JSONDecoder().decode(Output.self, from: Data(result.stdout.utf8)) else {
            scan.problems = ["python3 could not read the changed files (exit \(result.exitCode)): \(result.tail(2).joined(separator: " / "))"]
            return scan
        }
        for file in output.files {
            if let problem = file.problem { problems.append("\(file.path): \(problem)") }
            scan.functions += file.functions ?? []
        }
        scan.problems = problems
        return scan
    }

    func git(_ args: [String]) async -> String? {
        guard let r = try? await runner.run(["git"] + args, in: root), r.succeeded else { return nil }
        return r.stdout
    }

    /// Reads `[{path, old, new, added, removed}]` on stdin; prints `{"files": [{path, problem, functions}]}`.
    static let script = #"""
import ast, json, sys

def name_of(node):
    if isinstance(node, ast.Name): return node.id
    if isinstance(node, ast.Attribute): return node.attr
    if isinstance(node, ast.Call): return name_of(node.func)
    return ""

def functions(tree):
    found = []  # (node, qualified name, is a method), outer before inner
    def visit(node, prefix, in_class):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                qualified = prefix + child.name
                found.append((child, qualified, in_class))
                visit(child, qualified + ".<locals>.", False)
            elif isinstance(child, ast.ClassDef):
                visit(child, prefix + child.name + ".", True)
            else:
                visit(child, prefix, in_class)
    visit(tree, "", False)
    return found

def span(fn):
    return min([d.lineno for d in fn.decorator_list] + [fn.lineno]), fn.end_lineno

def innermost(found, line):
    best = None
    for entry in found:
        start, end = span(entry[0])
        if start <= line <= end and (best is None or start >= span(best[0])[0]):
            best = entry
    return best

def signature(fn, is_method):
    args = fn.args
    typed = fn.type_comment is not None
    static = any(name_of(d) == "staticmethod" for d in fn.decorator_list)
    missing, annotated = [], False
    for i, p in enumerate(list(args.posonlyargs) + list(args.args)):
        if i == 0 and is_method and not static:
            continue
        if p.annotation is None and p.type_comment is None and not typed:
            missing.append(p.arg)
        else:
            annotated = True
    for p in args.kwonlyargs:
        if p.annotation is None and not typed: missing.append(p.arg)
        else: annotated = True
    for star, p in (("*", args.vararg), ("**", args.kwarg)):
        if p is None: continue
        if p.annotation is None and not typed: missing.append(star + p.arg)
        else: annotated = True
    returns_missing = fn.returns is None and not typed
    # As mypy: __init__ with an annotated argument returns None implicitly.
    if returns_missing and is_method and fn.name == "__init__" and annotated:
        returns_missing = False
    return missing, returns_missing

def parse(text, path):
    return ast.parse(text, filename=path, type_comments=True)

out = []
for f in json.load(sys.stdin):
    entry = {"path": f["path"]}
    try:
        new = functions(parse(f["new"], f["path"]))
    except SyntaxError as e:
        entry["problem"] = "python %d.%d cannot parse it: line %s: %s" % (sys.version_info[0], sys.version_info[1], e.lineno, e.msg)
        out.append(entry)
        continue
    touched = set()
    for line in f["added"]:
        hit = innermost(new, line)
        if hit: touched.add(hit[1])
    if f.get("old") is not None and f["removed"]:
        try:
            old = functions(parse(f["old"], f["path"]))
        except SyntaxError:
            old = []
        for line in f["removed"]:
            hit = innermost(old, line)
            if hit: touched.add(hit[1])
    entry["functions"] = []
    for fn, qualified, is_method in new:
        if qualified not in touched: continue
        missing, returns_missing = signature(fn, is_method)
        start, end = span(fn)
        entry["functions"].append({"path": f["path"], "name": qualified, "line": fn.lineno, "start": start, "end": end,
                                   "missing": missing, "returnMissing": returns_missing})
    out.append(entry)
json.dump({"files": out}, sys.stdout)
"""#
}
