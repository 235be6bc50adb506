/// Why a file could not be cleaned.
public enum ScrubError: Error, Equatable, CustomStringConvertible {
    /// The content is none of the types in `MediaType.allCases`.
    case unsupportedType
    /// The input ended early; the payload says where.
    case truncated(String)
    /// A structure makes no sense; the payload says which.
    case malformed(String)
    /// A header structure is bigger than any sane limit; the payload says which.
    case tooLarge(String)
    /// Other scrubbings hold the memory this one needs (`ScrubMemory`); the payload says for what. The file may be
    /// fine: sending it again later can succeed.
    case busy(String)

    /// A sentence a person can act on.
    public var description: String {
        switch self {
        case .unsupportedType:
            let accepted = MediaType.allCases.map { "\($0.displayName) (.\($0.fileExtension))" }
            return "unsupported file type; accepted types are: " + accepted.joined(separator: ", ")
        case .truncated(let place):
            return "the file is cut short: it ends \(place)"
        case .malformed(let problem):
            return "the file is damaged: \(problem)"
        case .tooLarge(let structure):
            return "the file has an implausibly large header structure: \(structure)"
        case .busy(let what):
            return "the server is cleaning too many large files at once (\(what)); send the file again in a few minutes"
        }
    }
}
