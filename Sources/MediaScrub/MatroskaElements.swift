/// The Matroska and WebM element IDs the scrubber acts on (RFC 8794 for EBML, RFC 9559 for Matroska), and what
/// it does with the children of the elements it rewrites: keep them, or void them under a report label.
enum MatroskaElements {
    static let ebmlHeader: UInt32 = 0x1A45_DFA3
    static let docType: UInt32 = 0x4282
    static let segment: UInt32 = 0x1853_8067
    static let void = EBMLElement.voidID
    static let crc32: UInt32 = 0xBF

    static let seekHead: UInt32 = 0x114D_9B74
    static let info: UInt32 = 0x1549_A966
    static let tracks: UInt32 = 0x1654_AE6B
    static let cluster: UInt32 = 0x1F43_B675
    static let cues: UInt32 = 0x1C53_BB6B
    static let attachments: UInt32 = 0x1941_A469
    static let chapters: UInt32 = 0x1043_A770
    static let tags: UInt32 = 0x1254_C367

    static let seek: UInt32 = 0x4DBB
    static let seekID: UInt32 = 0x53AB
    static let trackEntry: UInt32 = 0xAE
    static let codecPrivate: UInt32 = 0x63A2
    static let contentEncodings: UInt32 = 0x6D80
    static let trackNumber: UInt32 = 0xD7
    static let trackType: UInt32 = 0x83
    static let simpleBlock: UInt32 = 0xA3
    static let blockGroup: UInt32 = 0xA0
    static let block: UInt32 = 0xA1
    static let blockAdditions: UInt32 = 0x75A1

    /// Track types whose frames are text or data rather than pictures and sound: logo, subtitle, buttons, control,
    /// metadata. A drone or dashcam writes its position and settings per frame as subtitles; a person writes them.
    static let textTrackTypes: Set<UInt64> = [0x10, 0x11, 0x12, 0x20, 0x21]

    /// The children of a Segment: an unknown-size Cluster ends where one of these (or a new EBML header or
    /// Segment) begins.
    static let levelOne: Set<UInt32> = [seekHead, info, tracks, cluster, cues, attachments, chapters, tags]

    /// Level-1 elements the cleaned file keeps, so the only ones a SeekHead may still point at.
    static let keptLevelOne: Set<UInt32> = [seekHead, info, tracks, cluster, cues]

    /// The level-1 elements removed whole, by label: every one of them is free text or a file.
    static let removedLevelOne: [UInt32: String] = [
        tags: "Matroska tags (Tags)",
        attachments: "attached files (Attachments)",
        chapters: "chapters (Chapters)",
    ]

    /// EBML header children: versions and the DocType, nothing else.
    static let keptHeaderChildren: Set<UInt32> = [0x4286, 0x42F7, 0x42F2, 0x42F3, docType, 0x4287, 0x4285, 0x4281]

    /// Info children playback needs: TimestampScale and Duration.
    static let keptInfoChildren: Set<UInt32> = [0x2AD7B1, 0x4489]

    /// Labels of the Info children that are removed. Unique IDs are random, but link a file to the other parts of a
    /// recording and to copies kept elsewhere.
    static let infoLabels: [UInt32: String] = [
        0x7BA9: "segment title and dates (Info)",
        0x4461: "segment title and dates (Info)",
        0x4D80: "muxing and writing application (Info)",
        0x5741: "muxing and writing application (Info)",
        0x7384: "segment file names (Info)",
        0x3C83AB: "segment file names (Info)",
        0x3E83BB: "segment file names (Info)",
        0x73A4: "segment identifiers and links (Info)",
        0x3CB923: "segment identifiers and links (Info)",
        0x3EB923: "segment identifiers and links (Info)",
        0x4444: "segment identifiers and links (Info)",
        0x6924: "segment identifiers and links (Info)",
    ]

    /// TrackEntry children playback needs (RFC 9559 §5.1.4.1), kept whole with their own children.
    static let keptTrackEntryChildren: Set<UInt32> = [
        0xD7, 0x73C5, 0x83, 0xB9, 0x88, 0x55AA, 0x55AB, 0x55AC, 0x55AD, 0x55AE, 0x55AF, 0x9C, 0x6DE7, 0x6DF8, 0x23E383,
        0x234E7A, 0x23314F, 0x537F, 0x55EE, 0x41E4, 0x22B59C, 0x22B59D, 0x86, 0x63A2, 0xAA, 0x6FAB, 0x56AA, 0x56BB,
        0x6624, 0xE0, 0xE1, 0xE2, 0xC0, 0xC1, 0xC6, 0xC7, 0xC4, contentEncodings,
    ]

    /// Labels of the TrackEntry children that are removed: free text a person or a program wrote.
    static let trackEntryLabels: [UInt32: String] = [
        0x536E: "track name (Name)",
        0x258688: "codec name and settings (TrackEntry)",
        0x3A9697: "codec name and settings (TrackEntry)",
        0x3B4040: "codec name and settings (TrackEntry)",
        0x26B240: "codec name and settings (TrackEntry)",
        0x7446: "attachment link (AttachmentLink)",
    ]

    /// A short name for messages.
    static func name(_ id: UInt32) -> String {
        switch id {
        case ebmlHeader: "EBML header"
        case segment: "Segment"
        case seekHead: "SeekHead"
        case info: "Info"
        case tracks: "Tracks"
        case cluster: "Cluster"
        case cues: "Cues"
        case attachments: "Attachments"
        case chapters: "Chapters"
        case tags: "Tags"
        case void: "Void"
        case crc32: "CRC-32"
        default: "element " + EBMLElement.idName(id)
        }
    }
}
