import HotfixLogs
import Testing

/// Log lines are attacker-controlled text: nothing in them may drive the terminal.
@Suite struct LogsSanitizerTests {
    let s = DisplaySanitizer.display

    /// No C0 control, DEL or C1 control survives (tabs are expanded, so none remain either).
    func assertSafe(_ out: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let bad = out.unicodeScalars.filter { $0.value < 0x20 || $0.value == 0x7F || (0x80...0x9F).contains($0.value) }
        #expect(bad.isEmpty, "control characters left: \(bad.map { String($0.value, radix: 16) })", sourceLocation: sourceLocation)
    }

    func clean(_ bytes: [UInt8]) -> String {
        let out = s.line(bytes)
        assertSafe(out)
        return out
    }

    func clean(_ text: String) -> String { clean(Array(text.utf8)) }

    @Test func clearScreenAndCursorMovesDisappear() {
        #expect(clean("\u{1B}[2J\u{1B}[Hhello \u{1B}[10;20Hworld\u{1B}[5A!") == "hello world!")
        #expect(clean("\u{1B}[31mred\u{1B}[0m plain \u{1B}[?25l") == "red plain ")
    }

    @Test func clipboardWritesAndTitleChangesDisappear() {
        #expect(clean("copy\u{1B}]52;c;cm0gLXJmIH4K\u{07} me") == "copy me")
        #expect(clean("copy\u{1B}]52;c;cm0gLXJmIH4K\u{1B}\\ me") == "copy me")
        #expect(clean("\u{1B}]0;you have been pwned\u{07}title") == "title")
        #expect(clean("\u{1B}]2;x\u{1B}\\a\u{1B}]8;;http://evil.invalid\u{1B}\\link\u{1B}]8;;\u{1B}\\") == "alink")
        // An OSC never terminated swallows the rest of the line, never the terminal.
        #expect(clean("ok \u{1B}]52;c;AAAA") == "ok ")
    }

    @Test func dcsAndOtherStringsDisappear() {
        #expect(clean("a\u{1B}P1$r0m\u{1B}\\b\u{1B}_apc\u{1B}\\c\u{1B}^pm\u{1B}\\d") == "abcd")
    }

    @Test func belBackspaceAndBareEscapesDisappear() {
        #expect(clean("ding\u{07}\u{07} done") == "ding done")
        #expect(clean("secret\u{08}\u{08}\u{08}\u{08}\u{08}\u{08}public") == "secretpublic")
        #expect(clean("a\u{1B}cb\u{1B}7c\u{1B}(0d\u{1B}") == "abcd")
        #expect(clean("nul\u{0}\u{7F}ok") == "nulok")
    }

    @Test func c1ControlsDisappear() {
        // U+009B is a one-character CSI; U+009D a one-character OSC ended by U+009C.
        #expect(clean("a\u{9B}31mb\u{9D}0;title\u{9C}c\u{85}d") == "abcd")
        // Raw C1 bytes are not UTF-8: they become U+FFFD, which no terminal acts on.
        #expect(clean([0x61, 0x9B, 0x33, 0x31, 0x6D, 0x62]) == "a\u{FFFD}31mb")
    }

    @Test func invalidUTF8IsReplacedAndValidTextKept() {
        #expect(clean([0x61, 0xFF, 0x62, 0xC3]) == "a\u{FFFD}b\u{FFFD}")
        #expect(clean("héllo wörld ✓ 日本") == "héllo wörld ✓ 日本")
    }

    @Test func aOneMegabyteLineIsCutWithAVisibleMarker() {
        let line = String(repeating: "x", count: 1 << 20)
        let out = clean(line)
        #expect(out.hasPrefix(String(repeating: "x", count: 16 * 1024)))
        #expect(out.contains("line truncated, \((1 << 20) - 16 * 1024) more bytes"))
        #expect(out.utf8.count < 16 * 1024 + 100)
        // The cap holds when the line is full of escapes too.
        let noisy = String(repeating: "\u{1B}[2Jab", count: 200_000)
        let cut = clean(noisy)
        #expect(cut.utf8.count < 16 * 1024 + 100)
        #expect(cut.hasPrefix("abab"))
    }

    @Test func lineEndingsTabsAndEmptyLines() {
        #expect(clean("hello\r\n") == "hello")
        #expect(clean("hello\r") == "hello")
        #expect(clean("over\rwrite") == "over write")
        #expect(clean("a\tb") == "a       b")
        #expect(clean("abcdefgh\tx") == "abcdefgh        x")
        #expect(clean("\tat com.acme.Api.handle(Api.java:17)") == "        at com.acme.Api.handle(Api.java:17)")
        #expect(clean("") == "")
        #expect(clean("\r\n") == "")
    }

    @Test func inlineKeepsItsPromise() {
        #expect(DisplaySanitizer.inline.line("a\tb\nc\u{1B}[31m!") == "a b c!")
        #expect(DisplaySanitizer.inline.line("\u{1B}]52;c;AAAA\u{07}x") == "x")
    }
}
