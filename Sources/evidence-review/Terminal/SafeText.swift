/// Text from submitters (messages, and anything read from their files) and from other reviewers is hostile input
/// for a terminal: an escape sequence in it could move the cursor, rewrite the screen, set the window title or
/// worse. Everything such is passed through `neutralise` before it is printed.
enum SafeText {
    /// `text` with every control character and line separator shown as a visible escape (`\e`, `\x07`, `\u{9B}`,
    /// `\u{2028}`) and bidirectional overrides removed (they can make text read differently from what it is). Line
    /// feeds and tabs are kept only when `multiline` is true; then a carriage return just before a line feed (a line
    /// end typed in a browser) is dropped.
    static func neutralise(_ text: String, multiline: Bool = false) -> String {
        var out = ""
        out.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        // A carriage return is held until the next scalar says whether it ends a line.
        var heldReturn = false
        for scalar in text.unicodeScalars {
            if heldReturn {
                heldReturn = false
                if scalar != "\n" { out += "\\x0D" }
            }
            switch scalar.value {
            case 0x0A where multiline, 0x09 where multiline:
                out.unicodeScalars.append(scalar)
            case 0x0D where multiline:
                heldReturn = true
            case 0x1B:
                out += "\\e"
            case 0x00...0x1F, 0x7F:
                out += "\\x" + hex(scalar.value, digits: 2)
            case 0x80...0x9F:
                out += "\\u{" + hex(scalar.value, digits: 2) + "}"
            case 0x2028, 0x2029:
                // Line and paragraph separators: some terminals and viewers break the line at them.
                out += "\\u{" + hex(scalar.value, digits: 4) + "}"
            case 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C:
                continue
            default:
                out.unicodeScalars.append(scalar)
            }
        }
        if heldReturn { out += "\\x0D" }
        return out
    }

    private static func hex(_ value: UInt32, digits: Int) -> String {
        let text = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
