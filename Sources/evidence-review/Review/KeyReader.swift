/// One key press, as the review loop understands it.
enum Key: Equatable {
    case character(Character)
    case left, right
    case enter, escape, backspace
    /// Ctrl-C.
    case interrupt
    /// The terminal changed size: redraw.
    case resize
    /// The terminal is gone.
    case endOfInput
    /// Anything else: other arrows, function keys, Alt combinations, other control keys.
    case other
}

/// Turns terminal bytes into keys: UTF-8 characters (reasons and notes are written in any language), control keys,
/// and the arrow keys' escape sequences, `ESC [ C` or, in a terminal's application mode, `ESC O C`. A lone Esc is
/// told from the start of a sequence by a short wait: a terminal sends a sequence in one burst.
struct KeyReader {
    static let sequenceWaitMilliseconds: Int32 = 50

    /// Waits up to the given milliseconds (-1: for ever) for one byte.
    let input: (Int32) -> TerminalInput

    func next() -> Key {
        switch input(-1) {
        case .byte(let byte): return key(startingWith: byte)
        case .interrupted, .timeout: return .resize
        case .closed: return .endOfInput
        }
    }

    private func key(startingWith byte: UInt8) -> Key {
        switch byte {
        case 0x1B: return escapeSequence()
        case 0x0D, 0x0A: return .enter
        case 0x7F, 0x08: return .backspace
        case 0x03: return .interrupt
        case 0x20..<0x7F: return .character(Character(Unicode.Scalar(byte)))
        case 0xC2...0xF4: return character(lead: byte)
        default: return .other
        }
    }

    /// After ESC: nothing (a lone Esc), or a CSI/SS3 sequence whose final byte names the key. Parameters such as
    /// the modifier in `ESC [ 1 ; 5 C` (Ctrl-→) are read and dropped.
    private func escapeSequence() -> Key {
        guard case .byte(let introducer) = input(Self.sequenceWaitMilliseconds) else { return .escape }
        guard introducer == UInt8(ascii: "[") || introducer == UInt8(ascii: "O") else { return .other }
        while case .byte(let byte) = input(Self.sequenceWaitMilliseconds) {
            if (0x20...0x3F).contains(byte) { continue }
            switch byte {
            case UInt8(ascii: "C"): return .right
            case UInt8(ascii: "D"): return .left
            default: return .other
            }
        }
        return .other
    }

    /// The rest of a multi-byte UTF-8 character.
    private func character(lead: UInt8) -> Key {
        let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
        var bytes = [lead]
        while bytes.count < length, case .byte(let byte) = input(Self.sequenceWaitMilliseconds), byte & 0xC0 == 0x80 {
            bytes.append(byte)
        }
        guard bytes.count == length, let text = String(validating: bytes, as: UTF8.self), let character = text.first else {
            return .other
        }
        return .character(character)
    }
}
