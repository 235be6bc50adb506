/// The allow-list of the AVI scrubber: what each chunk becomes, by the list it sits in.
///
/// Only what playback needs is kept: `avih`, `LIST strl` with `strh`/`strf`/`indx`/`vprp`, `LIST odml` with `dmlh`,
/// `LIST movi` (and `LIST rec ` inside it) with the video and audio chunks (`##dc ##db ##wb ##pc`) and the OpenDML
/// indexes (`ix##`), `idx1`, and the `RIFF AVIX` parts of files over 1 GiB. Everything else becomes a zeroed `JUNK`
/// chunk of the same size, so no offset in `idx1` or an OpenDML index moves. Motion JPEG frames are kept with their
/// metadata segments zeroed; the chunks of streams that are neither video nor audio keep only their header.
enum AVIChunkRules {
    /// The kind of list a chunk sits in.
    enum Context: Equatable {
        /// After the first `RIFF AVI ` part: further `RIFF AVIX` parts, or chunks a writer left outside the stated size.
        case top
        case riffAVI, riffAVIX, hdrl, strl, odml
        /// `LIST movi`, or a `LIST rec ` inside it; `depth` counts the `rec ` lists.
        case movi(depth: Int)
    }

    /// What becomes of one chunk.
    enum Action: Equatable {
        /// Walk into the list; its 12-byte header is kept.
        case descend(Context)
        /// Keep the header and the first `meaningful` payload bytes (nil: all); zero the rest (reserved fields).
        case keep(meaningful: Int?)
        /// Keep a Motion JPEG frame, its metadata segments zeroed (`MotionJPEGFrameFilter`).
        case keepMotionJPEGFrame
        /// Keep the header, zero the payload: a chunk an index points at, of a stream that is not video or audio.
        case zeroPayload(label: String)
        /// Write `JUNK` with the same size and a zeroed payload; counted under `label`, or for an existing `JUNK`
        /// (label nil) under `hiddenInJunkLabel` when its payload was not already zero.
        case junk(label: String?)
    }

    static let hiddenInJunkLabel = "maker data hidden in JUNK"
    static let reservedBytesLabel = "unused bytes in AVI headers"
    /// `rec ` lists nest no deeper than this; deeper ones are zeroed.
    static let maxRecordDepth = 4
    /// The stream types whose chunks are kept (`iavs`: DV with interleaved audio and video).
    static let mediaStreamTypes: Set<String> = ["vids", "auds", "iavs"]
    static let mediaChunkSuffixes: Set<String> = ["dc", "db", "wb", "pc"]
    /// The `strf` compressions of Motion JPEG video, whose frames are JPEG images.
    static let motionJPEGCompressions: Set<String> = [
        "MJPG", "mjpg", "AVRn", "AVDJ", "dmb1", "JPGL", "jpeg", "JPEG", "IJPG", "QIVG", "SLMJ", "CJPG",
    ]
    static let motionJPEGLabel = "metadata in Motion JPEG frames (APPn, COM)"
    /// The bytes of `avih` (10 fields; 4 reserved follow), `strh` (up to `rcFrame`) and `dmlh` (the total frame
    /// count; 61 reserved fields follow) that players read.
    static let avihFields = 40
    static let strhFields = 56
    static let dmlhFields = 4

    /// The action for a chunk of `type` (`listType` for a `LIST`) in `context`, given the streams declared so far.
    static func action(type: String, listType: String?, in context: Context, streams: AVIStreamTable) -> Action {
        if type == "JUNK" { return .junk(label: nil) }
        switch context {
        case .top:
            if type == "RIFF" && listType == "AVIX" { return .descend(.riffAVIX) }
            return action(type: type, listType: listType, in: .riffAVI, streams: streams)
        case .riffAVI:
            switch (type, listType) {
            case ("LIST", "hdrl"): return .descend(.hdrl)
            case ("LIST", "movi"): return .descend(.movi(depth: 0))
            case ("idx1", _): return .keep(meaningful: nil)
            default: return .junk(label: label(type: type, listType: listType))
            }
        case .riffAVIX:
            if type == "LIST" && listType == "movi" { return .descend(.movi(depth: 0)) }
            return .junk(label: label(type: type, listType: listType))
        case .hdrl:
            switch (type, listType) {
            case ("avih", _): return .keep(meaningful: avihFields)
            case ("LIST", "strl"): return .descend(.strl)
            case ("LIST", "odml"): return .descend(.odml)
            default: return .junk(label: label(type: type, listType: listType))
            }
        case .strl:
            switch type {
            case "strh": return .keep(meaningful: strhFields)
            case "strf":
                if let current = streams.current, mediaStreamTypes.contains(current) { return .keep(meaningful: nil) }
                return .zeroPayload(label: streamLabel(streams.current ?? "none"))
            case "indx", "vprp": return .keep(meaningful: nil)
            default: return .junk(label: label(type: type, listType: listType))
            }
        case .odml:
            if type == "dmlh" { return .keep(meaningful: dmlhFields) }
            return .junk(label: label(type: type, listType: listType))
        case .movi(let depth):
            if type == "LIST" && listType == "rec " {
                return depth < maxRecordDepth ? .descend(.movi(depth: depth + 1)) : .junk(label: "AVI rec lists nested too deep")
            }
            return moviAction(type: type, listType: listType, streams: streams)
        }
    }

    /// A chunk inside `LIST movi`: media of a video or audio stream and indexes are kept; the chunks of other
    /// streams (subtitles, GPS, sensor data) keep their header, which the indexes name, and lose their payload.
    static func moviAction(type: String, listType: String?, streams: AVIStreamTable) -> Action {
        let characters = Array(type.utf8)
        guard characters.count == 4 else { return .junk(label: label(type: type, listType: listType)) }
        if type.hasPrefix("ix") && streamNumber(characters[2], characters[3]) != nil { return .keep(meaningful: nil) }
        guard let stream = streamNumber(characters[0], characters[1]) else {
            return .junk(label: label(type: type, listType: listType))
        }
        let suffix = String(type.dropFirst(2))
        if suffix == "ix" { return .keep(meaningful: nil) }
        guard let streamType = streams.type(of: stream) else { return .zeroPayload(label: "chunks of an undeclared AVI stream") }
        guard mediaStreamTypes.contains(streamType) else { return .zeroPayload(label: streamLabel(streamType)) }
        guard mediaChunkSuffixes.contains(suffix) else { return .zeroPayload(label: "GPS or text chunk (##\(suffix))") }
        return streams.isMotionJPEG(stream) && (suffix == "dc" || suffix == "db") ? .keepMotionJPEGFrame : .keep(meaningful: nil)
    }

    /// The stream number written as two decimal digits, or nil.
    static func streamNumber(_ tens: UInt8, _ units: UInt8) -> Int? {
        let digits = UInt8(ascii: "0")...UInt8(ascii: "9")
        guard digits.contains(tens), digits.contains(units) else { return nil }
        return Int(tens - UInt8(ascii: "0")) * 10 + Int(units - UInt8(ascii: "0"))
    }

    /// The report label of the chunks of a stream that is neither video nor audio.
    static func streamLabel(_ streamType: String) -> String {
        "GPS or text stream (\(streamType))"
    }

    /// The report label of a chunk that becomes `JUNK`.
    static func label(type: String, listType: String?) -> String {
        if type == "LIST", let listType {
            switch listType {
            case "INFO": return "AVI info list (LIST INFO)"
            case "exif": return "Exif list (LIST exif)"
            case "Tdat": return "Adobe metadata list (LIST Tdat)"
            case "hydt", "pntx": return "Pentax maker data (LIST \(listType))"
            case "ncdt": return "Nikon maker data (LIST ncdt)"
            default: return "AVI list LIST \(listType)"
            }
        }
        switch type {
        case "IDIT": return "date (IDIT)"
        case "ISMP": return "timecode (ISMP)"
        case "strd": return "maker data (strd)"
        case "strn": return "stream name (strn)"
        case "_PMX", "JUNQ": return "XMP (\(type))"
        case "gps0", "GPS ", "gpsa", "gsen", "SLLT", "SGLT": return "GPS or sensor chunk (\(type))"
        default: return "AVI chunk \(type)"
        }
    }
}
