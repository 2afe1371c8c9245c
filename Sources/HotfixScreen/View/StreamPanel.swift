import Foundation

/// The DEPLOY pane's pod-log stream as the screen draws it: words and roles only. The controller
/// (HotfixConsole) picks the rows a frame shows (`StreamView.rowCount(for:)` of them) and what
/// they say; drawing decides nothing.
public struct StreamPanel: Equatable, Sendable {
    /// One pod line: its gutter mark, the pod's tag in the pod's colour, the container when the
    /// pods have more than one, the time, the text.
    public struct Row: Equatable, Sendable {
        /// One cell: `◆` a new error template, `●` the targeted error, `▲` a pod problem, or a space.
        public var mark: String
        public var markRole: Role
        /// `+x1k2p` (new pod) or `-q8w2e` (old pod).
        public var tag: String
        public var tagRole: Role
        public var container: String?
        /// Nil on the rows a wrapped line continues on.
        public var time: Date?
        public var text: String
        public var textRole: Role
        /// Parts of the text the filter matched (highlighted).
        public var highlights: [String]
        /// The line `]`/`[` moved to.
        public var selected: Bool

        public init(mark: String, markRole: Role, tag: String, tagRole: Role, container: String?, time: Date?, text: String, textRole: Role,
                    highlights: [String] = [], selected: Bool = false) {
            self.mark = mark; self.markRole = markRole; self.tag = tag; self.tagRole = tagRole; self.container = container
            self.time = time; self.text = text; self.textRole = textRole; self.highlights = highlights; self.selected = selected
        }
    }

    /// One row of the pod list (the first is "every pod").
    public struct PodRow: Equatable, Sendable {
        public var tag: String
        public var tagRole: Role
        public var name: String
        /// `new`, `old`, or `gone` for a pod that was deleted.
        public var side: String
        public var age: String
        public var restarts: String
        public var lines: String
        public var errors: String
        public var errorsRole: Role

        public init(tag: String, tagRole: Role, name: String, side: String, age: String, restarts: String, lines: String, errors: String,
                    errorsRole: Role) {
            self.tag = tag; self.tagRole = tagRole; self.name = name; self.side = side; self.age = age; self.restarts = restarts
            self.lines = lines; self.errors = errors; self.errorsRole = errorsRole
        }
    }

    /// `following`, `paused · 312 new`, `line 40 of 1,203`.
    public var state: String
    public var stateRole: Role
    /// The filter in words (`/KeyError · errors · new · pod x1k2p`), nil when every line shows.
    public var filter: String?
    /// `42 of 10,000 lines`, or `10,000 lines`.
    public var counts: String
    /// `pods 3 new · 3 old · 0 restarts` for the summary.
    public var pods: String
    public var podsRole: Role
    public var rows: [Row]
    /// Said in place of rows when none shows.
    public var empty: String?
    /// The pod list, when open, and its selected row.
    public var podList: [PodRow]?
    public var podSelection: Int
    /// Lines skipped because more came between two frames than the stream keeps.
    public var skipped: String?
    /// Columns for the pod tags and the containers (0: no container column): the same for every
    /// row, so the text does not jump sideways from frame to frame.
    public var tagWidth: Int
    public var containerWidth: Int

    public init(state: String, stateRole: Role = .muted, filter: String? = nil, counts: String, pods: String, podsRole: Role = .normal,
                rows: [Row], empty: String? = nil, podList: [PodRow]? = nil, podSelection: Int = 0, skipped: String? = nil,
                tagWidth: Int = 6, containerWidth: Int = 0) {
        self.state = state; self.stateRole = stateRole; self.filter = filter; self.counts = counts; self.pods = pods; self.podsRole = podsRole
        self.rows = rows; self.empty = empty; self.podList = podList; self.podSelection = podSelection; self.skipped = skipped
        self.tagWidth = tagWidth; self.containerWidth = containerWidth
    }
}
