/// The headers of one multipart part that we use: the form field name, and whether it carries a file.
/// The client's filename is read only to tell a file part from a text field; it is never kept.
public struct MultipartPartHeaders: Sendable {
    public let name: String
    public let isFile: Bool

    init(parsing bytes: ArraySlice<UInt8>) throws {
        let text = String(decoding: bytes, as: UTF8.self)
        var name: String?
        var isFile = false
        for line in text.split(separator: "\r\n") {
            guard let colon = line.firstIndex(of: ":") else { throw MultipartError.malformed("a part header has no colon") }
            guard line[..<colon].trimmingSpaces().lowercased() == "content-disposition" else { continue }
            for parameter in line[line.index(after: colon)...].split(separator: ";").dropFirst() {
                let pair = parameter.split(separator: "=", maxSplits: 1)
                guard pair.count == 2 else { continue }
                let key = pair[0].trimmingSpaces().lowercased()
                let value = pair[1].trimmingSpaces().trimmingQuotes()
                if key == "name" { name = value }
                if key == "filename" || key == "filename*" { isFile = true }
            }
        }
        guard let name else { throw MultipartError.malformed("a part has no form field name") }
        self.name = name
        self.isFile = isFile
    }
}

public enum MultipartError: Error, CustomStringConvertible {
    case truncated
    case malformed(String)
    case notMultipart

    public var description: String {
        switch self {
        case .truncated: return "the upload ended before it was complete; please send it again"
        case .malformed(let why): return "the upload is not a well-formed form submission: \(why)"
        case .notMultipart: return "send the form as multipart/form-data"
        }
    }
}

extension StringProtocol {
    func trimmingSpaces() -> String {
        String(drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
    }

    func trimmingQuotes() -> String {
        guard count >= 2, first == "\"", last == "\"" else { return String(self) }
        return String(dropFirst().dropLast())
    }
}
