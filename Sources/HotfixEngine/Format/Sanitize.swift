import HotfixLogs

/// Minimal text cleaning for values echoed back in messages and on screen.
public enum Sanitize {
    /// One printable line: control characters (C0, DEL, C1) and escape sequences become nothing,
    /// line breaks and tabs become spaces, invalid UTF-8 becomes U+FFFD.
    public static func inline(_ text: String) -> String {
        DisplaySanitizer.inline.line(text)
    }

    /// A log line for display: like `inline`, with tabs expanded and a 16 KiB cap.
    public static func display(_ text: String) -> String {
        DisplaySanitizer.display.line(text)
    }
}
