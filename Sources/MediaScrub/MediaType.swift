/// A file type MediaScrub can recognise and clean.
public enum MediaType: String, Sendable, Codable, CaseIterable {
    case jpeg, png, gif, webp, wav, aiff
    case mp3, flac, ogg, opus
    case heif, avif, mp4, mov, m4a, threeGPP
    case avi

    /// The IANA media type, e.g. "image/jpeg".
    public var mimeType: String {
        switch self {
        case .jpeg: "image/jpeg"
        case .png: "image/png"
        case .gif: "image/gif"
        case .webp: "image/webp"
        case .wav: "audio/wav"
        case .aiff: "audio/aiff"
        case .mp3: "audio/mpeg"
        case .flac: "audio/flac"
        case .ogg: "audio/ogg"
        case .opus: "audio/ogg; codecs=opus"
        case .heif: "image/heic"
        case .avif: "image/avif"
        case .mp4: "video/mp4"
        case .mov: "video/quicktime"
        case .m4a: "audio/mp4"
        case .threeGPP: "video/3gpp"
        case .avi: "video/x-msvideo"
        }
    }

    /// The usual file name extension, without the dot.
    public var fileExtension: String {
        switch self {
        case .jpeg: "jpg"
        case .png: "png"
        case .gif: "gif"
        case .webp: "webp"
        case .wav: "wav"
        case .aiff: "aiff"
        case .mp3: "mp3"
        case .flac: "flac"
        case .ogg: "ogg"
        case .opus: "opus"
        case .heif: "heic"
        case .avif: "avif"
        case .mp4: "mp4"
        case .mov: "mov"
        case .m4a: "m4a"
        case .threeGPP: "3gp"
        case .avi: "avi"
        }
    }

    /// A short name for people, e.g. "JPEG image".
    public var displayName: String {
        switch self {
        case .jpeg: "JPEG image"
        case .png: "PNG image"
        case .gif: "GIF image"
        case .webp: "WebP image"
        case .wav: "WAV audio"
        case .aiff: "AIFF audio"
        case .mp3: "MP3 audio"
        case .flac: "FLAC audio"
        case .ogg: "Ogg Vorbis audio"
        case .opus: "Ogg Opus audio"
        case .heif: "HEIC/HEIF image"
        case .avif: "AVIF image"
        case .mp4: "MP4 video"
        case .mov: "QuickTime movie"
        case .m4a: "M4A audio"
        case .threeGPP: "3GP video"
        case .avi: "AVI video"
        }
    }
}
