import CNcurses

/// The only code that touches ncurses.
public enum Terminal {
    /// The ncurses version linked into this binary, e.g. `ncurses 6.4.20221231`.
    public static var libraryVersion: String { String(cString: curses_version()) }
}
