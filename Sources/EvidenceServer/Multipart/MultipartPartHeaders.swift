import Foundation

/// The headers of one multipart part that we use: the form field name, and whether it carries a file.
/// The client's filename tells a file part from a text field, and names the file in the answer; it is never kept.
public struct MultipartPartHeaders: Sendable {
    public let name: String
    public let isFile: Bool
    /// The file's name as sent (`filename*`, RFC 5987, over `filename`), or "" for a text field.
    public let filename: String

    init(parsing bytes: ArraySlice<UInt8>) throws {
        let text = String(decoding: bytes, as: UTF8.self)
        var name: String?
        var isFile = false
        var plainFilename: String?
        var encodedFilename: String?
        for line in text.split(separator: "\r\n") {
            guard let colon = line.firstIndex(of: ":") else { throw MultipartError.malformed("a part header has no colon") }
            guard line[..<colon].trimmingSpaces().lowercased() == "content-disposition" else { continue }
            for parameter in line[line.index(after: colon)...].split(separator: ";").dropFirst() {
                let pair = parameter.split(separator: "=", maxSplits: 1)
                guard pair.count == 2 else { continue }
                let key = pair[0].trimmingSpaces().lowercased()
                let value = pair[1].trimmingSpaces().trimmingQuotes()
                if key == "name" { name = value }
                if key == "filename" { isFile = true; plainFilename = value }
                if key == "filename*" { isFile = true; encodedFilename = Self.decodeExtended(value) }
            }
        }
        guard let name else { throw MultipartError.malformed("a part has no form field name") }
        self.name = name
        self.isFile = isFile
        filename = encodedFilename ?? plainFilename ?? ""
    }

    /// An RFC 5987 value (`UTF-8''caf%C3%A9.jpg`), or nil when it is not one in UTF-8.
    static func decodeExtended(_ value: String) -> String? {
        let parts = value.split(separator: "'", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].lowercased() == "utf-8" else { return nil }
        return String(parts[2]).removingPercentEncoding
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
