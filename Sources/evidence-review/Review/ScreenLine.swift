/// One row of the review screen: pieces of text that are already safe (`SafeText`), some coloured, cut to the
/// terminal's width when drawn so that a long line never wraps into the next row.
struct ScreenLine {
    private(set) var pieces: [(text: String, colour: Terminal.Colour?)]

    init(_ text: String = "", _ colour: Terminal.Colour? = nil) {
        pieces = [(text, colour)]
    }

    static func + (line: ScreenLine, other: ScreenLine) -> ScreenLine {
        var joined = line
        joined.pieces += other.pieces
        return joined
    }

    /// Columns the line takes on screen.
    var columns: Int { pieces.reduce(0) { $0 + ScreenLine.columns(of: $1.text) } }

    /// The line's text as the terminal should print it, at most `width` columns, ending in "…" when cut.
    func rendered(width: Int) -> String {
        let isCut = columns > width
        var left = isCut ? width - 1 : width
        var out = ""
        for piece in pieces {
            let text = Self.prefix(of: piece.text, columns: left)
            if !text.isEmpty { out += piece.colour.map { Terminal.paint(text, $0) } ?? text }
            left -= Self.columns(of: text)
            if text.count < piece.text.count { break }
        }
        return isCut ? out + "…" : out
    }

    /// `text` broken at spaces into lines of at most `width` columns (a word longer than a line is cut), each line
    /// after `indent`, or after `continuation` when it carries on a line of `text`. Line feeds in `text` start new
    /// lines; tabs become spaces.
    static func wrapping(
        _ text: String, width: Int, indent: String = "", continuation: String? = nil, colour: Terminal.Colour? = nil
    ) -> [ScreenLine] {
        var lines: [ScreenLine] = []
        for paragraph in text.replacingOccurrences(of: "\t", with: "    ").split(separator: "\n", omittingEmptySubsequences: false) {
            var current = ""
            var lead = indent
            // Never narrower than a few words, so a tiny terminal still shows something readable.
            var room: Int { max(8, width - columns(of: lead)) }
            func finish(_ text: String) {
                lines.append(ScreenLine(lead) + ScreenLine(text, colour))
                lead = continuation ?? indent
            }
            for word in paragraph.split(separator: " ", omittingEmptySubsequences: false) {
                var word = String(word)
                let candidate = current.isEmpty ? word : current + " " + word
                if columns(of: candidate) <= room {
                    current = candidate
                    continue
                }
                if !current.isEmpty { finish(current) }
                while columns(of: word) > room {
                    let head = prefix(of: word, columns: room)
                    finish(head)
                    word.removeFirst(head.count)
                }
                current = word
            }
            finish(current)
        }
        return lines
    }

    /// Columns `text` takes: East Asian wide characters and most emoji take two.
    static func columns(of text: String) -> Int {
        text.reduce(0) { $0 + columns(of: $1) }
    }

    static func columns(of character: Character) -> Int {
        guard let scalar = character.unicodeScalars.first?.value else { return 0 }
        switch scalar {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
            0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x1F300...0x1F64F,
            0x1F900...0x1F9FF, 0x20000...0x3FFFD:
            return 2
        default:
            return 1
        }
    }

    /// The longest start of `text` that fits in `columns`.
    static func prefix(of text: String, columns: Int) -> String {
        var out = ""
        var used = 0
        for character in text {
            let width = Self.columns(of: character)
            if used + width > columns { break }
            out.append(character)
            used += width
        }
        return out
    }
}
