/// Recognises a file's real type from its first bytes, never from its name.
public enum MediaSniffer {
    /// How many leading bytes `sniff` needs to decide.
    public static let prefixLength = 64

    static let jpegMagic: [UInt8] = [0xFF, 0xD8, 0xFF]
    static let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// The type whose magic bytes start `prefix`, or nil when none matches.
    public static func sniff(_ prefix: some Collection<UInt8>) -> MediaType? {
        if prefix.starts(with: jpegMagic) { return .jpeg }
        if prefix.starts(with: pngSignature) { return .png }
        if prefix.starts(with: Array("GIF87a".utf8)) || prefix.starts(with: Array("GIF89a".utf8)) { return .gif }
        if prefix.count >= 12 {
            let magic = Array(prefix.prefix(4))
            let form = Array(prefix.dropFirst(8).prefix(4))
            if magic == Array("RIFF".utf8) && form == Array("WEBP".utf8) { return .webp }
            if magic == Array("RIFF".utf8) && form == Array("WAVE".utf8) { return .wav }
            if magic == Array("FORM".utf8) && (form == Array("AIFF".utf8) || form == Array("AIFC".utf8)) { return .aiff }
        }
        return nil
    }
}
