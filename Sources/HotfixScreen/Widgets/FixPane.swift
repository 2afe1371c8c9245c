import HotfixEngine

/// The FIX pane: where the repository is, the branch and its commits, the files and lines changed
/// against main (live while the incident is in FIX, the recorded change set after), the
/// minimal-change warnings, and in the demo what is wrong. `E` shows the file picker here and `c`
/// the commit's message, both typed in place above the rest.
enum FixPane {
    /// The most files listed one per row; `hotfix diff` lists them all.
    static let shownFiles = 5

    static func rows(_ model: ConsoleView, width: Int) -> [PaneRow] {
        let s = model.incident, context = model.fix
        // Read from git only while in FIX; after it the journal's change set is what stands.
        let live = s.phase == .fix ? context.progress : nil
        let branch = context.progress?.branch ?? "hotfix/\(s.id)"
        let room = width - 3  // the scroll marks' column, the selection marker, the indent
        var rows: [PaneRow] = []
        switch model.prompt {
        case .pickFile(let pick): return picker(pick, editor: context.editor)
        case .commitMessage(let input): rows += commitForm(input, live, branch: branch)
        default: break
        }
        if let plan = context.plan { rows += confirming(plan, room: room) }
        rows += location(context.repository, live, branch: branch, inFix: s.phase == .fix, room: room)
        if let failure = context.failure { rows += self.failure(failure, room: room) }
        // Until the fix is committed the demo says what is wrong; after, one line is enough.
        let committed = live.map { !$0.commits.isEmpty } ?? (s.phase.map { $0.index > Phase.fix.index } ?? true)
        rows += changes(live, s)
        if let drill = context.drill, !committed { rows += self.drill(drill, room: room) }
        if context.drill != nil, committed {
            rows.append(PaneRow(indent: 1, text: "Demo: n, then t in TEST runs the failing tests", role: .title))
        }
        return rows
    }

    /// The repository, the branch and its latest commit, or what keeps git from answering.
    static func location(_ repository: String?, _ live: FixProgress?, branch: String, inFix: Bool, room: Int) -> [PaneRow] {
        // The whole path (a person types it in another terminal): a long one goes on over a second row.
        var rows = (repository.map { Self.path($0, room - 7) } ?? []).enumerated().map { i, part in
            PaneRow(indent: 1, text: (i == 0 ? "repo   " : "       ") + part)
        }
        let at = rows.count
        guard let live else {
            rows.append(PaneRow(indent: 1, text: "branch \(branch)" + (inFix ? " · reading git…" : ""), role: inFix ? .muted : .normal))
            return rows
        }
        if let problem = live.problem {
            rows += wrapped(.failed, "git could not say what \(branch) holds: \(problem)", room: room)
        } else if !live.branchExists {
            rows += wrapped(.failed, "\(branch) does not exist: BRANCH creates it", room: room)
        } else if !live.onBranch {
            rows += wrapped(.warning, "the work tree is on \(live.checkedOut ?? "a detached HEAD"), not on the branch", room: room)
                + [PaneRow(indent: 3, text: "git switch \(branch) (! opens a shell)")]
        }
        guard live.problem == nil, live.branchExists else { return rows }
        let n = live.commits.count
        let ahead = n == 0 ? "no commit yet" : "\(n)\(n >= FixProgress.shownCommits ? "+" : "") commit\(n == 1 ? "" : "s") ahead of \(live.main)"
        rows.insert(PaneRow(indent: 1, text: "branch \(branch) · \(ahead)"), at: at)
        if let latest = live.commits.first {
            rows.append(.step(.done, latest, detail: n > 1 ? "+\(n - 1) earlier" : ""))
        }
        return rows
    }

    /// `path` in pieces of at most `width` columns, each cut after a `/` when one is near enough;
    /// three rows at most (then the end of the path, which says where, is what is kept).
    static func path(_ path: String, _ width: Int) -> [String] {
        guard width > 8, DisplayWidth.of(path) > width else { return [Text.tail(path, max(1, width))] }
        var parts: [String] = [], rest = Substring(path)
        while DisplayWidth.of(String(rest)) > width, parts.count < 2 {
            var cut = rest.startIndex, used = 0, lastSlash: String.Index?
            while cut < rest.endIndex, used + DisplayWidth.of(rest[cut]) <= width {
                used += DisplayWidth.of(rest[cut])
                if rest[cut] == "/" { lastSlash = rest.index(after: cut) }
                cut = rest.index(after: cut)
            }
            if let slash = lastSlash, rest.distance(from: rest.startIndex, to: slash) > width / 2 { cut = slash }
            parts.append(String(rest[..<cut]))
            rest = rest[cut...]
        }
        return parts + [Text.tail(String(rest), width)]
    }

    /// Each file changed against main with its lines (not committed yet, or new), then the warnings.
    static func changes(_ live: FixProgress?, _ s: IncidentState) -> [PaneRow] {
        guard let live else {
            // Past FIX (or not read yet): the change set and warnings the journal holds.
            var rows = (s.changes?.files ?? []).prefix(shownFiles).map {
                PaneRow.step(.done, $0.path, detail: "+\($0.added) −\($0.removed)" + ($0.isNew == true ? " · new" : ""))
            }
            rows += s.warnings.map { PaneRow.step(.warning, $0.warning.message, detail: $0.warning.source.name) }
            return rows
        }
        guard let review = live.changes else { return [] }
        guard !review.files.isEmpty else { return [.step(.pending, "no change against \(live.main) yet", detail: "E opens a file")] }
        var rows: [PaneRow] = review.files.prefix(shownFiles).map { file in
            let open = live.uncommitted.contains { $0 == file.path || ($0.hasSuffix("/") && file.path.hasPrefix($0)) }
            let counts = file.added.map { "+\($0) −\(file.removed ?? 0)" } ?? "binary"
            let state = file.status == .deleted ? " deleted" : (file.isNew ? " new" : "")
            return .step(open ? .warning : .done, file.path, detail: counts + state + (open ? " · uncommitted" : ""))
        }
        if review.files.count > shownFiles {
            rows.append(PaneRow(indent: 3, text: "and \(review.files.count - shownFiles) more (enter: hotfix diff lists them)", role: .muted))
        }
        return rows + review.warnings.map { .step(.warning, $0.message, detail: $0.rule) }
    }

    /// A step's sentence over as many rows as it takes (the pane is 50 columns at 80x24).
    static func wrapped(_ state: StepState, _ text: String, room: Int) -> [PaneRow] {
        Text.wrap(text, room - 2).enumerated().map { i, part in i == 0 ? PaneRow.step(state, part) : PaneRow(indent: 3, text: part) }
    }

    /// What is wrong in the demo's sandbox, until the fix is committed.
    static func drill(_ drill: Drill, room: Int) -> [PaneRow] {
        [PaneRow(indent: 1, text: "What is wrong (demo): \(drill.file)", role: .title)]
            + Text.wrap(drill.problem, room - 2).map { PaneRow(indent: 3, text: $0) }
            + Text.wrap("Failing: " + drill.failing, room - 2).map { PaneRow(indent: 3, text: $0) }
            + (drill.logging.map { Text.wrap("Log it: " + $0, room - 2).map { PaneRow(indent: 3, text: $0) } } ?? [])
    }

    /// `E`: the editor, the path being typed, and the files offered (the highlighted one in view).
    static func picker(_ pick: FilePick, editor: String?) -> [PaneRow] {
        var rows = [
            PaneRow(indent: 1, text: editor.map { "Open a file in \($0)" } ?? "Open a file: no editor found (set $EDITOR)",
                    role: editor == nil ? .warning : .title),
            PaneRow(indent: 1, text: "path ", input: pick.input),
        ]
        let choices = pick.choices
        if choices.isEmpty {
            rows.append(PaneRow(indent: 3, text: "nothing to offer yet: type a path from the repository's root", role: .muted))
        }
        for (i, choice) in choices.enumerated() {
            let selected = i == pick.selected
            rows.append(PaneRow(marker: selected ? "›" : " ", indent: 1, text: choice.path, right: choice.why, selected: selected, focus: selected))
        }
        return rows
    }

    /// The commit's commands while y/n is asked, whole (wrapped, never cut): what runs is what is read.
    static func confirming(_ plan: [String], room: Int) -> [PaneRow] {
        var rows = [PaneRow(indent: 1, text: "y runs these, n or enter cancels:", role: .warning)]
        for line in plan {
            rows += Text.wrap(line, room - 4).enumerated().map { i, part in PaneRow(indent: i == 0 ? 3 : 5, text: part) }
        }
        return rows + [.blank]
    }

    /// The last commit that did not go through: what happened (git's or a hook's words), what was
    /// left, what to do.
    static func failure(_ error: HotfixError, room: Int) -> [PaneRow] {
        var rows = wrapped(.failed, error.message, room: room)
        if let untouched = error.untouched { rows += Text.wrap(untouched, room - 2).map { PaneRow(indent: 3, text: $0, role: .muted) } }
        if let next = error.next { rows += Text.wrap("next: " + next, room - 2).map { PaneRow(indent: 3, text: $0) } }
        return rows
    }

    /// `c`: the message typed in place, and what will be committed.
    static func commitForm(_ input: TextInput, _ live: FixProgress?, branch: String) -> [PaneRow] {
        let files = live?.uncommitted ?? []
        return [
            PaneRow(indent: 1, text: "Commit the fix to \(branch)", role: .title),
            PaneRow(indent: 1, text: "message ", input: input),
            PaneRow(indent: 3, text: files.isEmpty ? "the files to commit are read from git when you press enter"
                                                   : "adds and commits: " + Guardrails.names(files, limit: 3), role: .muted),
            .blank,
        ]
    }
}
