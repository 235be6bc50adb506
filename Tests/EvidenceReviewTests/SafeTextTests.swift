@testable import evidence_review
import Testing

/// Hostile text must reach the terminal as visible escapes: nothing in it may act on the terminal.
struct SafeTextTests {
    /// True when `text` has no C0 or C1 control character, no DEL, and no line or paragraph separator, except
    /// the line feeds and tabs `allowed` names.
    static func isInert(_ text: String, allowing allowed: Set<Unicode.Scalar> = []) -> Bool {
        text.unicodeScalars.allSatisfy { scalar in
            allowed.contains(scalar) || !(scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0x2028 || scalar.value == 0x2029)
        }
    }

    @Test("escape sequences, the C1 CSI and the other control characters are shown, not sent", arguments: [
        ("\u{1B}]0;pwned\u{07}", "\\e]0;pwned\\x07"),
        ("\u{1B}[2J\u{1B}[H", "\\e[2J\\e[H"),
        ("\u{9B}31m red", "\\u{9B}31m red"),
        ("\u{90}q\u{9C}", "\\u{90}q\\u{9C}"),
        ("over\rwrite", "over\\x0Dwrite"),
        ("nul\u{0}byte", "nul\\x00byte"),
        ("bell\u{07}", "bell\\x07"),
        ("back\u{08}\u{08}space", "back\\x08\\x08space"),
        ("del\u{7F}", "del\\x7F"),
        ("line\u{2028}para\u{2029}end", "line\\u{2028}para\\u{2029}end"),
    ])
    func controls(input: String, expected: String) {
        let output = SafeText.neutralise(input)
        #expect(output == expected)
        #expect(Self.isInert(output))
        #expect(SafeText.neutralise(input, multiline: true) == expected, "multiline keeps only line feeds and tabs")
    }

    @Test("bidirectional overrides and isolates are removed")
    func bidi() {
        let input = "invoice\u{202E}fdp.exe \u{2066}a\u{2067}b\u{2068}c\u{2069} \u{202A}\u{202B}\u{202C}\u{202D}\u{200E}\u{200F}\u{061C}"
        #expect(SafeText.neutralise(input) == "invoicefdp.exe abc ")
    }

    @Test("tabs and line feeds are escaped on one line, kept in multiline text; a CR only as part of CRLF")
    func lines() {
        #expect(SafeText.neutralise("a\tb\nc") == "a\\x09b\\x0Ac")
        #expect(Self.isInert(SafeText.neutralise("a\tb\nc\r\nd")))
        #expect(SafeText.neutralise("a\tb\nc", multiline: true) == "a\tb\nc")
        #expect(SafeText.neutralise("typed\r\nin a browser\r\n", multiline: true) == "typed\nin a browser\n")
        #expect(SafeText.neutralise("a\rb\r", multiline: true) == "a\\x0Db\\x0D")
        #expect(SafeText.neutralise("a\r\r\nb", multiline: true) == "a\\x0D\nb")
        #expect(Self.isInert(SafeText.neutralise("x\r\u{1B}[1A\ny\u{2028}", multiline: true), allowing: ["\n", "\t"]))
    }

    @Test("ordinary text of any script is unchanged")
    func ordinaryText() {
        for text in ["Abay street, 14:05", "Абай көшесі", "قانون", "写真 📷", "tab-free, café"] {
            #expect(SafeText.neutralise(text) == text)
            #expect(SafeText.neutralise(text, multiline: true) == text)
        }
    }
}
