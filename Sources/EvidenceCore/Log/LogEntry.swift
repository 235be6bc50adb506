import EvidenceCrypto

/// One event in the transparency log; its canonical bytes (`encode()`) are the Merkle leaf.
public enum LogEntry: Sendable, Equatable {
    /// A file was received, cleaned and sealed.
    case received(Received)
    /// A file was received (a version 1 entry, with plain hashes).
    case receivedV1(ReceivedV1)
    /// A reviewer approved or rejected a file.
    case reviewed(Reviewed)
    /// A reviewer exported (decrypted) a file.
    case exported(Exported)
    /// A reviewer added a note to a file; only the note's SHA-256 is logged, since notes may be sensitive.
    case noteAdded(NoteAdded)
    /// A file's sealed copy was deleted.
    case deleted(Deleted)
    case originalKept(OriginalKept)
    case originalKeptV1(OriginalKeptV1)
    /// A reviewer added another reviewer's key to a sealed copy of the file; the payload bytes stayed as they were.
    case granted(Granted)

    /// The file the event is about.
    public var fileID: Int64 {
        switch self {
        case .received(let e): return e.fileID
        case .receivedV1(let e): return e.fileID
        case .reviewed(let e): return e.fileID
        case .exported(let e): return e.fileID
        case .noteAdded(let e): return e.fileID
        case .deleted(let e): return e.fileID
        case .originalKept(let e): return e.fileID
        case .originalKeptV1(let e): return e.fileID
        case .granted(let e): return e.fileID
        }
    }

    /// The hour of the event, e.g. "2026-11-25T09:00Z".
    public var hour: String {
        switch self {
        case .received(let e): return e.hour
        case .receivedV1(let e): return e.hour
        case .reviewed(let e): return e.hour
        case .exported(let e): return e.hour
        case .noteAdded(let e): return e.hour
        case .deleted(let e): return e.hour
        case .originalKept(let e): return e.hour
        case .originalKeptV1(let e): return e.hour
        case .granted(let e): return e.hour
        }
    }

    /// A review decision.
    public enum Decision: String, Sendable, Equatable {
        case approve, reject
    }
}
