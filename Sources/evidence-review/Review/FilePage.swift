import EvidenceCore
import EvidenceCrypto

/// Everything the review screen shows of one file, read from the store and, with the reviewer's key, decrypted.
/// Read once when the file comes on screen or changes, not at every redraw.
struct FilePage {
    /// Text that only the reviewer's key opens.
    enum Sealed<Value> {
        case noKey
        case readable(Value)
        case unreadable(String)
    }

    let file: FileRecord
    let duplicates: [Int64]
    let tags: [String]
    let custody: [CustodyRecord]
    let message: Sealed<String?>
    let notes: Sealed<[Note]>
    /// Notes there are, readable or not.
    let noteCount: Int

    var id: Int64 { file.id! }

    /// `groups`: the duplicate groups found when the review began (`FileAnnotations.withDuplicates`), nil without a key.
    init(fileID: Int64, desk: ReviewDesk, identity: X25519PrivateKey?, groups: FileAnnotations?) throws {
        file = try desk.file(id: fileID, identity: identity)
        let annotations = try desk.store.annotations(of: file)
        duplicates = groups?.duplicates(of: file) ?? []
        tags = annotations.tags(of: file)
        custody = try desk.store.custody(fileID: fileID)
        let thisFile = file.id
        let onThisFile = { (fileID: Int64?) in fileID == nil || fileID == thisFile }
        noteCount = try desk.store.notes(submissionID: file.submissionID).filter { onThisFile($0.fileID) }.count
        guard let identity else {
            message = .noKey
            notes = .noKey
            return
        }
        do {
            message = .readable(try desk.message(submissionID: file.submissionID, identity: identity))
        } catch {
            message = .unreadable("\(error)")
        }
        do {
            notes = .readable(try desk.notes(submissionID: file.submissionID, identity: identity).filter { onThisFile($0.fileID) })
        } catch {
            notes = .unreadable("\(error)")
        }
    }
}
