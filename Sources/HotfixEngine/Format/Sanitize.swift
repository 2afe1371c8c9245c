/// Minimal text cleaning for values echoed back in messages and on screen.
public enum Sanitize {
    /// One printable line: control characters (C0, DEL, C1) and escape sequences become nothing,
    /// line breaks and tabs become spaces.
    public static func inline(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        var inEscape = false
        for s in text.unicodeScalars {
            let v = s.value
            if inEscape {
                // Drop the rest of a CSI/ESC sequence up to its final byte.
                if (0x40...0x7E).contains(v) && v != 0x5B { inEscape = false }
                continue
            }
            if v == 0x1B { inEscape = true; continue }
            if v == 0x09 || v == 0x0A || v == 0x0D { out.append(" "); continue }
            if v < 0x20 || v == 0x7F || (0x80...0x9F).contains(v) { continue }
            out.append(s)
        }
        return String(out)
    }
}
