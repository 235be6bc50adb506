/// A file type MediaScrub can recognise and clean.
public enum MediaType: String, Sendable, Codable, CaseIterable {
    case jpeg, png

    /// The IANA media type, e.g. "image/jpeg".
    public var mimeType: String {
        switch self {
        case .jpeg: "image/jpeg"
        case .png: "image/png"
        }
    }

    /// The usual file name extension, without the dot.
    public var fileExtension: String {
        switch self {
        case .jpeg: "jpg"
        case .png: "png"
        }
    }

    /// A short name for people, e.g. "JPEG image".
    public var displayName: String {
        switch self {
        case .jpeg: "JPEG image"
        case .png: "PNG image"
        }
    }
}
