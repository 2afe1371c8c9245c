// HotfixTerminal: the only code that touches ncurses. Starts and restores the terminal (on
// every way out, signals included), maps theme roles to colour pairs (256, 8 or none), decodes
// keys and resizes, and presents a cell buffer by writing only the cells that changed. One
// thread owns it: the console's event loop.

import CNcurses
import Foundation
import HotfixEngine
import HotfixScreen

/// What the terminal delivers besides keys.
public enum TerminalInput: Equatable, Sendable {
    case key(Key)
    case resize(Size)
}

/// The only code that touches ncurses: start and restore the terminal, colours, keys, resize,
/// and presenting a cell buffer (only the cells that changed since the last frame).
/// ncurses is not thread-safe: create, use and stop a `Terminal` on one thread.
public final class Terminal {
    /// The ncurses version linked into this binary, e.g. `ncurses 6.4.20221231`.
    public static var libraryVersion: String { String(cString: curses_version()) }

    public private(set) var size: Size
    public let depth: ColorDepth
    private var palette: Palette
    private var previous: CellBuffer?
    private var active = true

    /// Takes over the terminal: locale, raw keys, no echo, hidden cursor, colours.
    /// `noColor` (from `NO_COLOR`) and a monochrome theme leave only bold/underline/reverse.
    public init(theme: Theme, noColor: Bool) throws(HotfixError) {
        setlocale(LC_ALL, "")
        hf_restore_at_exit()
        guard hf_newterm() != nil else {
            throw HotfixError.environment("cannot start the terminal (TERM=\(ProcessInfo.processInfo.environment["TERM"] ?? "unset"))",
                                          next: "set TERM to your terminal type (e.g. xterm-256color), or use hotfix status")
        }
        raw()
        noecho()
        nonl()
        keypad(hf_stdscr(), true)
        nodelay(hf_stdscr(), true)
        set_escdelay(25)
        curs_set(0)
        var colors = 0
        if has_colors(), !noColor, !theme.monochrome {
            start_color()
            use_default_colors()
            colors = Int(hf_colors())
        }
        depth = ColorDepth.of(colors: colors, noColor: noColor || theme.monochrome)
        palette = Palette(theme: Self.effective(theme, depth), depth: depth)
        size = Size(width: Int(hf_cols()), height: Int(hf_lines()))
        wclear(hf_stdscr())
    }

    deinit { stop() }

    /// Gives the terminal back: normal screen, echo, cursor. Safe to call more than once.
    public func stop() {
        guard active else { return }
        active = false
        curs_set(1)
        endwin()
    }

    /// Makes stdout line-buffered also into a pipe, so a reader (the console's log pane) sees
    /// each line as it is printed rather than when the program exits.
    public static func lineBufferStandardOutput() { hf_line_buffer_stdout() }

    /// Steps aside for another full-screen program (the editor): the normal screen and modes
    /// come back for `body`, then the console takes the terminal again and redraws everything.
    public func suspend(_ body: () -> Void) {
        guard active else { body(); return }
        def_prog_mode()
        curs_set(1)
        endwin()
        body()
        reset_prog_mode()
        curs_set(0)
        previous = nil
        wclear(hf_stdscr())
        refresh()
    }

    /// Switches theme without restarting (colour pairs are redefined, everything is redrawn).
    public func use(_ theme: Theme) {
        palette = Palette(theme: Self.effective(theme, depth), depth: depth)
        previous = nil
    }

    /// Re-reads the window size after SIGWINCH and tells ncurses about it.
    public func refreshSize() -> Size {
        var rows: Int32 = 0, cols: Int32 = 0
        if hf_window_size(&rows, &cols) == 0 {
            resizeterm(rows, cols)
        }
        size = Size(width: Int(hf_cols()), height: Int(hf_lines()))
        previous = nil
        return size
    }

    /// Every key waiting on stdin, without blocking.
    public func readInput() -> [TerminalInput] {
        var out: [TerminalInput] = []
        var ch: wint_t = 0
        while true {
            let r = wget_wch(hf_stdscr(), &ch)
            if r == ERR { break }
            if r == hf_key_code_yes() {
                if Int32(ch) == hf_key_resize() {
                    // resizeterm() (ours, after SIGWINCH) queues KEY_RESIZE: read the size it set.
                    size = Size(width: Int(hf_cols()), height: Int(hf_lines()))
                    previous = nil
                    out.append(.resize(size))
                } else if let key = KeyDecoder.function(Int32(ch)) {
                    out.append(.key(key))
                }
            } else if let key = KeyDecoder.character(UInt32(ch)) {
                out.append(.key(key))
            }
        }
        return out
    }

    /// Draws `buffer`, writing only the cells that differ from the last frame.
    public func present(_ buffer: CellBuffer) {
        let full = previous.map { $0.width != buffer.width || $0.height != buffer.height } ?? true
        if full { werase(hf_stdscr()) }
        let screen = hf_stdscr()
        var cc = cchar_t()
        for y in 0..<buffer.height {
            for x in 0..<buffer.width {
                let cell = buffer[x, y]
                if cell.isContinuation { continue }
                if !full, let previous, previous[x, y] == cell,
                   previous[x + 1, y].isContinuation == buffer[x + 1, y].isContinuation { continue }
                let look = palette.look(cell.role)
                var wide = Array(cell.text.unicodeScalars.prefix(4).map { wchar_t(bitPattern: $0.value) })
                if wide.isEmpty { wide = [wchar_t(32)] }
                wide.append(0)
                setcchar(&cc, wide, look.attributes, look.pair, nil)
                mvwadd_wch(screen, Int32(y), Int32(x), &cc)
            }
        }
        wnoutrefresh(screen)
        doupdate()
        previous = buffer
    }

    /// Without colours a colour theme gives way to an attribute-only one (a monochrome theme keeps its own).
    static func effective(_ theme: Theme, _ depth: ColorDepth) -> Theme {
        depth == .none && !theme.monochrome ? .noColor : theme
    }

    /// Sends every signal in `signals` to `fd` as one byte (its number) instead of its default action.
    public static func routeSignals(_ signals: [Int32], to fd: Int32) {
        for s in signals { hf_route_signal(s, fd) }
    }

    public static func defaultSignals(_ signals: [Int32]) {
        for s in signals { hf_default_signal(s) }
    }
}
