/// A message's length as the form's `maxlength` counts it: UTF-16 code units of the text, each line break counted
/// once (a browser counts "\n" and sends "\r\n"). Counting bytes instead refused a Russian message that the browser
/// had let through, after the whole upload.
enum MessageLength {
    static func characters(_ text: String) -> Int {
        let bytes = text.utf8
        let lineBreaksSentAsTwo = zip(bytes, bytes.dropFirst()).count { $0 == 0x0D && $1 == 0x0A }
        return text.utf16.count - lineBreaksSentAsTwo
    }

    /// The most UTF-8 bytes a message of `characters` can take on the wire: a UTF-16 code unit is at most three
    /// bytes, and a line break is one unit sent as two.
    static func maximumBytes(characters: Int) -> Int {
        characters.multipliedReportingOverflow(by: 3).overflow ? Int.max : characters * 3
    }
}
