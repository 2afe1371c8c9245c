/// Turns untrusted bytes (log lines, command output) into one line of text that is safe to put
/// on a terminal: no escape sequence (CSI, OSC including clipboard writes, DCS/SOS/PM/APC),
/// no C0 or C1 control, no DEL; invalid UTF-8 becomes U+FFFD; tabs are expanded; an overlong
/// line is cut with a visible marker.
public struct DisplaySanitizer: Sendable, Equatable {
    /// The most input bytes kept per line; the rest is replaced by a marker.
    public var maxLineBytes: Int
    /// Tab stops every `tabWidth` columns; 0 turns a tab into one space.
    public var tabWidth: Int

    public init(maxLineBytes: Int = 16 * 1024, tabWidth: Int = 8) {
        self.maxLineBytes = max(1, maxLineBytes)
        self.tabWidth = max(0, tabWidth)
    }

    /// The defaults for log lines: 16 KiB, tab stops of 8.
    public static let display = DisplaySanitizer()
    /// For short values echoed in messages: tabs and line breaks become single spaces.
    public static let inline = DisplaySanitizer(maxLineBytes: 16 * 1024, tabWidth: 0)

    /// The marker appended to a line cut at `maxLineBytes`.
    public static func truncationMarker(droppedBytes: Int) -> String {
        " … [line truncated, \(droppedBytes) more bytes]"
    }

    public func line(_ text: String) -> String {
        var text = text
        return text.withUTF8 { line(UnsafeRawBufferPointer($0)) }
    }

    public func line(_ bytes: [UInt8]) -> String {
        bytes.withUnsafeBytes { line($0) }
    }

    /// Sanitizes one line given as raw bytes.
    public func line(_ input: UnsafeRawBufferPointer) -> String {
        let kept = min(input.count, maxLineBytes)
        // Fast path: plain printable ASCII needs no work.
        var plain = true
        for i in 0..<kept where input[i] < 0x20 || input[i] > 0x7E { plain = false; break }
        var text: String
        if plain {
            text = String(decoding: UnsafeRawBufferPointer(rebasing: input[0..<kept]), as: UTF8.self)
        } else {
            var out: [UInt8] = []
            out.reserveCapacity(kept + 16)
            strip(UnsafeRawBufferPointer(rebasing: input[0..<kept]), into: &out)
            text = String(decoding: out, as: UTF8.self)
        }
        if kept < input.count {
            text += Self.truncationMarker(droppedBytes: input.count - kept)
        }
        return text
    }

    /// What the byte scanner is inside of.
    private enum Mode { case text, csi, string }

    /// Removes sequences and controls byte by byte and expands tabs; UTF-8 validity is left to
    /// the decoder, which replaces what is invalid.
    private func strip(_ input: UnsafeRawBufferPointer, into out: inout [UInt8]) {
        var mode = Mode.text
        var column = 0
        var i = 0
        // Trailing line breaks (LF, CRLF) disappear; one inside the line becomes a space.
        var n = input.count
        while n > 0 && (input[n - 1] == 0x0A || input[n - 1] == 0x0D) { n -= 1 }
        while i < n {
            let b = input[i]
            switch mode {
            case .csi:
                // Parameters and intermediates run 0x20...0x3F; a final byte ends the sequence.
                // A control inside a CSI is dropped with it.
                if b >= 0x40 && b <= 0x7E { mode = .text }
                else if b == 0x1B { mode = .text; continue }
                i += 1
                continue
            case .string:
                // OSC, DCS, SOS, PM and APC run to BEL, ESC \ or the C1 ST (U+009C).
                if b == 0x07 { mode = .text; i += 1; continue }
                if b == 0x1B {
                    mode = .text
                    i += (i + 1 < n && input[i + 1] == 0x5C) ? 2 : 1
                    continue
                }
                if b == 0xC2 && i + 1 < n && input[i + 1] == 0x9C { mode = .text; i += 2; continue }
                i += 1
                continue
            case .text:
                break
            }
            switch b {
            case 0x1B:
                guard i + 1 < n else { i += 1; continue }
                let next = input[i + 1]
                switch next {
                case 0x5B: mode = .csi; i += 2  // ESC [
                case 0x5D, 0x50, 0x58, 0x5E, 0x5F: mode = .string; i += 2  // ESC ] P X ^ _
                case 0x20...0x2F:
                    // ESC, intermediates, one final byte (charset designations and the like).
                    var j = i + 1
                    while j < n && input[j] >= 0x20 && input[j] <= 0x2F { j += 1 }
                    i = j < n && input[j] >= 0x30 && input[j] <= 0x7E ? j + 1 : j
                case 0x30...0x7E: i += 2  // two-byte escapes: ESC c (reset), ESC 7, ESC M ...
                default: i += 1  // a bare ESC
                }
            case 0x09:
                if tabWidth == 0 {
                    out.append(0x20); column += 1
                } else {
                    let spaces = tabWidth - column % tabWidth
                    for _ in 0..<spaces { out.append(0x20) }
                    column += spaces
                }
                i += 1
            case 0x0A, 0x0D:
                out.append(0x20); column += 1
                i += 1
            case 0x00...0x1F, 0x7F:
                i += 1  // BEL, backspace, NUL and the other C0 controls, DEL
            case 0xC2 where i + 1 < n && input[i + 1] >= 0x80 && input[i + 1] <= 0x9F:
                // A C1 control encoded in UTF-8; CSI, OSC and the string introducers start sequences.
                switch input[i + 1] {
                case 0x9B: mode = .csi
                case 0x9D, 0x90, 0x98, 0x9E, 0x9F: mode = .string
                default: break
                }
                i += 2
            default:
                out.append(b)
                // Count columns by scalar starts (continuation bytes do not advance).
                if b & 0xC0 != 0x80 { column += 1 }
                i += 1
            }
        }
    }
}
