/// The text encoding of log entries (docs/TRANSPARENCY-LOG.md): a version line, then one "name value" line per
/// field, in a fixed order. Version 2 commits to a file's hashes where version 1 wrote them out; every other kind
/// has the same fields in both.
extension LogEntry {
    /// The version entries are written in now.
    public static let currentVersion = 2

    /// The first line of an entry of this version.
    static func header(version: Int) -> String { "evidence-drop log entry v\(version)" }

    /// The version of the entry's encoding: 1 only for the read-only kinds of version 1 entries.
    public var version: Int {
        switch self {
        case .receivedV1, .originalKeptV1: 1
        default: Self.currentVersion
        }
    }

    /// The canonical UTF-8 bytes of the entry, each line ending in LF.
    public func encode() -> [UInt8] {
        encode(version: version)
    }

    private func encode(version: Int) -> [UInt8] {
        var w = LogEntryWriter(version: version)
        switch self {
        case .received(let e):
            w.plain("kind", "received")
            w.number("submission", e.submissionID)
            w.number("file", e.fileID)
            w.plain("original-commitment", e.originalCommitment)
            w.plain("cleaned-commitment", e.cleanedCommitment)
            w.plain("sealed-sha256", e.sealedSHA256)
            w.number("sealed-size", e.sealedSize)
            w.text("media-type", e.mediaType)
            w.plain("hour", e.hour)
        case .receivedV1(let e):
            w.plain("kind", "received")
            w.number("submission", e.submissionID)
            w.number("file", e.fileID)
            w.plain("original-sha256", e.originalSHA256)
            w.number("original-size", e.originalSize)
            w.plain("cleaned-sha256", e.cleanedSHA256)
            w.number("cleaned-size", e.cleanedSize)
            w.plain("sealed-sha256", e.sealedSHA256)
            w.number("sealed-size", e.sealedSize)
            w.text("media-type", e.mediaType)
            w.plain("hour", e.hour)
        case .reviewed(let e):
            w.plain("kind", "reviewed")
            w.number("file", e.fileID)
            w.plain("decision", e.decision.rawValue)
            w.text("reason", e.reason)
            w.text("actor", e.actor)
            w.plain("hour", e.hour)
        case .exported(let e):
            w.plain("kind", "exported")
            w.number("file", e.fileID)
            w.text("actor", e.actor)
            w.plain("hour", e.hour)
        case .noteAdded(let e):
            w.plain("kind", "note")
            w.number("file", e.fileID)
            w.plain("note-sha256", e.noteSHA256)
            w.text("actor", e.actor)
            w.plain("hour", e.hour)
        case .originalKept(let e):
            w.plain("kind", "original-kept")
            w.number("file", e.fileID)
            w.plain("original-commitment", e.originalCommitment)
            w.plain("sealed-sha256", e.sealedSHA256)
            w.number("sealed-size", e.sealedSize)
            w.plain("hour", e.hour)
        case .originalKeptV1(let e):
            w.plain("kind", "original-kept")
            w.number("file", e.fileID)
            w.plain("original-sha256", e.originalSHA256)
            w.plain("sealed-sha256", e.sealedSHA256)
            w.number("sealed-size", e.sealedSize)
            w.plain("hour", e.hour)
        case .granted(let e):
            w.plain("kind", "granted")
            w.number("file", e.fileID)
            w.plain("copy", e.copy.rawValue)
            w.plain("previous-sealed-sha256", e.previousSealedSHA256)
            w.plain("sealed-sha256", e.sealedSHA256)
            w.number("sealed-size", e.sealedSize)
            w.plain("recipient", e.recipient)
            w.text("actor", e.actor)
            w.plain("hour", e.hour)
        case .deleted(let e):
            w.plain("kind", "deleted")
            w.number("file", e.fileID)
            w.text("reason", e.reason)
            w.text("actor", e.actor)
            w.plain("hour", e.hour)
        }
        return w.bytes
    }

    /// Reads canonical entry bytes of either version; anything `encode()` would not produce byte for byte is refused.
    public init(decoding bytes: [UInt8]) throws(LogEntryError) {
        var r = try LogEntryReader(bytes)
        let kind = try r.plain("kind")
        switch (kind, r.version) {
        case ("received", 1):
            self = .receivedV1(
                try ReceivedV1(
                    submissionID: r.number("submission"), fileID: r.number("file"),
                    originalSHA256: r.plain("original-sha256"), originalSize: r.number("original-size"),
                    cleanedSHA256: r.plain("cleaned-sha256"), cleanedSize: r.number("cleaned-size"),
                    sealedSHA256: r.plain("sealed-sha256"), sealedSize: r.number("sealed-size"),
                    mediaType: r.text("media-type"), hour: r.plain("hour")))
        case ("received", _):
            self = .received(
                try Received(
                    submissionID: r.number("submission"), fileID: r.number("file"),
                    originalCommitment: r.plain("original-commitment"), cleanedCommitment: r.plain("cleaned-commitment"),
                    sealedSHA256: r.plain("sealed-sha256"), sealedSize: r.number("sealed-size"),
                    mediaType: r.text("media-type"), hour: r.plain("hour")))
        case ("reviewed", _):
            let fileID = try r.number("file")
            let decisionText = try r.plain("decision")
            guard let decision = Decision(rawValue: decisionText) else {
                throw .malformed(line: r.line, reason: "decision is \"\(decisionText)\", not approve or reject")
            }
            self = .reviewed(
                try Reviewed(fileID: fileID, decision: decision, reason: r.text("reason"), actor: r.text("actor"), hour: r.plain("hour")))
        case ("exported", _):
            self = .exported(try Exported(fileID: r.number("file"), actor: r.text("actor"), hour: r.plain("hour")))
        case ("note", _):
            self = .noteAdded(
                try NoteAdded(fileID: r.number("file"), noteSHA256: r.plain("note-sha256"), actor: r.text("actor"), hour: r.plain("hour")))
        case ("deleted", _):
            self = .deleted(try Deleted(fileID: r.number("file"), reason: r.text("reason"), actor: r.text("actor"), hour: r.plain("hour")))
        case ("original-kept", 1):
            self = .originalKeptV1(
                try OriginalKeptV1(
                    fileID: r.number("file"), originalSHA256: r.plain("original-sha256"), sealedSHA256: r.plain("sealed-sha256"),
                    sealedSize: r.number("sealed-size"), hour: r.plain("hour")))
        case ("original-kept", _):
            self = .originalKept(
                try OriginalKept(
                    fileID: r.number("file"), originalCommitment: r.plain("original-commitment"),
                    sealedSHA256: r.plain("sealed-sha256"), sealedSize: r.number("sealed-size"), hour: r.plain("hour")))
        case ("granted", _):
            let fileID = try r.number("file")
            let copyText = try r.plain("copy")
            guard let copy = Granted.Copy(rawValue: copyText) else {
                throw .malformed(line: r.line, reason: "copy is \"\(copyText)\", not cleaned or original")
            }
            self = .granted(
                try Granted(
                    fileID: fileID, copy: copy, previousSealedSHA256: r.plain("previous-sealed-sha256"),
                    sealedSHA256: r.plain("sealed-sha256"), sealedSize: r.number("sealed-size"), recipient: r.plain("recipient"),
                    actor: r.text("actor"), hour: r.plain("hour")))
        default:
            throw .malformed(line: r.line, reason: "unknown kind \"\(kind)\"")
        }
        try r.finish()
        guard encode(version: r.version) == bytes else { throw .malformed(line: r.line, reason: "the entry is not in canonical form") }
    }
}

/// Builds entry bytes line by line.
private struct LogEntryWriter {
    private(set) var bytes: [UInt8]

    init(version: Int) {
        bytes = Array((LogEntry.header(version: version) + "\n").utf8)
    }

    /// A value that needs no escaping: a kind, decision, hash or hour.
    mutating func plain(_ name: String, _ value: String) {
        bytes += Array((value.isEmpty ? name : name + " " + value).utf8)
        bytes.append(0x0a)
    }

    mutating func number(_ name: String, _ value: Int64) {
        plain(name, String(value))
    }

    mutating func text(_ name: String, _ value: String) {
        plain(name, LogText.escape(value))
    }
}

/// Reads entry lines in order, checking each field name. Lines and fields are split on their bytes (line feed,
/// then the first space), as the writer joins them: a field value that starts with a combining mark stays a value.
private struct LogEntryReader {
    private let bytes: [UInt8]
    /// Each line's bytes, without its line feed.
    private let lines: [Range<Int>]
    /// The 1-based number of the line read last.
    private(set) var line = 1
    /// The version its first line names.
    let version: Int

    init(_ bytes: [UInt8]) throws(LogEntryError) {
        guard String(validating: bytes, as: UTF8.self) != nil else { throw .malformed(line: 1, reason: "the bytes are not UTF-8") }
        var lines: [Range<Int>] = []
        var start = 0
        for index in bytes.indices where bytes[index] == 0x0a {
            lines.append(start..<index)
            start = index + 1
        }
        guard start == bytes.count else { throw .malformed(line: lines.count + 1, reason: "the last line does not end with a line feed") }
        guard let first = lines.first,
            let version = [1, LogEntry.currentVersion].first(where: { bytes[first].elementsEqual(LogEntry.header(version: $0).utf8) })
        else {
            throw .malformed(line: 1, reason: "the first line is not \"\(LogEntry.header(version: LogEntry.currentVersion))\" nor version 1's")
        }
        self.version = version
        self.bytes = bytes
        self.lines = lines
    }

    mutating func plain(_ name: String) throws(LogEntryError) -> String {
        guard line < lines.count else { throw .malformed(line: line + 1, reason: "field \"\(name)\" is missing") }
        let current = bytes[lines[line]]
        line += 1
        let space = current.firstIndex(of: 0x20) ?? current.endIndex
        guard current[..<space].elementsEqual(name.utf8) else {
            throw .malformed(line: line, reason: "expected field \"\(name)\" but found \"\(String(decoding: current[..<space], as: UTF8.self))\"")
        }
        return space == current.endIndex ? "" : String(decoding: current[(space + 1)...], as: UTF8.self)
    }

    mutating func number(_ name: String) throws(LogEntryError) -> Int64 {
        let value = try plain(name)
        guard let number = Int64(value), String(number) == value else {
            throw .malformed(line: line, reason: "\(name) is \"\(value)\", not a decimal number")
        }
        return number
    }

    mutating func text(_ name: String) throws(LogEntryError) -> String {
        let value = try plain(name)
        guard let text = LogText.unescape(value) else {
            throw .malformed(line: line, reason: "\(name) has an escape sequence that is not canonical")
        }
        return text
    }

    func finish() throws(LogEntryError) {
        guard line == lines.count else { throw .malformed(line: line + 1, reason: "unexpected line after the last field") }
    }
}
