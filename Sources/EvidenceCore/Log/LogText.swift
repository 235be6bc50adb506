/// The canonical escaping of free-text values in log entries: one escaped form per string, so the encoding stays injective.
enum LogText {
    /// Escapes backslash, control characters and a final space; everything else stays literal UTF-8.
    static func escape(_ text: String) -> String {
        var out = ""
        let scalars = Array(text.unicodeScalars)
        for (position, scalar) in scalars.enumerated() {
            switch scalar {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case " " where position == scalars.count - 1: out += "\\x20"
            case _ where scalar.value < 0x20 || scalar.value == 0x7f:
                out += "\\x" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Reverses `escape`; nil unless `escaped` is exactly the canonical escape of some string.
    static func unescape(_ escaped: String) -> String? {
        var out = String.UnicodeScalarView()
        var iterator = escaped.unicodeScalars.makeIterator()
        while let scalar = iterator.next() {
            guard scalar == "\\" else {
                out.append(scalar)
                continue
            }
            switch iterator.next() {
            case "\\": out.append("\\")
            case "n": out.append("\n")
            case "r": out.append("\r")
            case "t": out.append("\t")
            case "x":
                guard let high = iterator.next(), let low = iterator.next(),
                    let value = UInt8(String(high) + String(low), radix: 16)
                else { return nil }
                out.append(Unicode.Scalar(value))
            default: return nil
            }
        }
        let text = String(out)
        return escape(text) == escaped ? text : nil
    }
}
