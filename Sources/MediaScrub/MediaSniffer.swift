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
        if let type = isobmffType(Array(prefix)) { return type }
        if prefix.starts(with: Array("GIF87a".utf8)) || prefix.starts(with: Array("GIF89a".utf8)) { return .gif }
        if prefix.count >= 12 {
            let magic = Array(prefix.prefix(4))
            let form = Array(prefix.dropFirst(8).prefix(4))
            if magic == Array("RIFF".utf8) && form == Array("WEBP".utf8) { return .webp }
            if magic == Array("RIFF".utf8) && form == Array("WAVE".utf8) { return .wav }
            if magic == Array("RIFF".utf8) && form == Array("AVI ".utf8) { return .avi }
            if magic == Array("FORM".utf8) && (form == Array("AIFF".utf8) || form == Array("AIFC".utf8)) { return .aiff }
        }
        if let audio = sniffAudio(Array(prefix)) { return audio }
        return nil
    }

    /// MP3 (an ID3v2 tag or a valid MPEG audio frame header; the scrubber confirms it by the next frame),
    /// FLAC, and Ogg Vorbis or Opus by the first packet of the first page.
    static func sniffAudio(_ prefix: [UInt8]) -> MediaType? {
        if prefix.starts(with: Array("fLaC".utf8)) { return .flac }
        if prefix.count >= 10, prefix.starts(with: Array("ID3".utf8)), (2...4).contains(prefix[3]), prefix[6..<10].allSatisfy({ $0 < 0x80 }) {
            return .mp3
        }
        if prefix.starts(with: Array("OggS".utf8)), prefix.count > 27 {
            let packet = prefix.dropFirst(27 + Int(prefix[26]))
            if packet.starts(with: [0x01] + Array("vorbis".utf8)) { return .ogg }
            if packet.starts(with: Array("OpusHead".utf8)) { return .opus }
            return nil
        }
        if prefix.count >= 4, prefix[0] == 0xFF, prefix[1] & 0xE0 == 0xE0, (prefix[1] >> 3) & 3 != 1, (prefix[1] >> 1) & 3 != 0,
           (1...14).contains(prefix[2] >> 4), (prefix[2] >> 2) & 3 != 3, prefix[3] & 3 != 2
        {
            return .mp3
        }
        return nil
    }
}
