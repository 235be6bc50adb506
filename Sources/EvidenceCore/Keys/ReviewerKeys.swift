import EvidenceCrypto
import Foundation

/// A reviewer key as `keys list` shows it: what recipients/ says (active or not) joined with the store's record.
public struct ReviewerKey: Sendable, Equatable {
    public enum Status: String, Sendable {
        /// In recipients/: new files are sealed to it.
        case active
        /// Moved to recipients/revoked/ (or gone from recipients/): nothing new is sealed to it.
        case revoked
    }

    public let publicKey: X25519PublicKey
    public let name: String
    public let status: Status
    public let addedHour: String?
    public let addedBy: String?
    public let revokedHour: String?
    public let revokedBy: String?

    public var fingerprint: String { publicKey.fingerprint }
}

/// Adding, listing, revoking and granting reviewer keys.
///
/// recipients/ decides which keys new files are sealed to (the server re-reads it for every submission); the store
/// keeps each key's name and who added and revoked it when. Every change runs inside a write transaction of the
/// store, so two reviewers changing keys at once are serialised, and a failed file move leaves no record behind.
public struct ReviewerKeys: Sendable {
    public static let maximumNameLength = 64

    public let folder: DataFolder
    public let desk: ReviewDesk

    public init(folder: DataFolder) throws {
        try self.init(folder: folder, blobs: LocalBlobStore(root: folder.blobs))
    }

    /// Keys of a data folder whose sealed files are kept in `blobs` (an object store), which grants rewrite.
    public init(folder: DataFolder, blobs: any BlobStore) throws {
        try self.init(desk: try ReviewDesk(folder: folder, blobs: blobs))
    }

    /// Keys of the desk's data folder, recorded in the desk's store (which may be a shared PostgreSQL database).
    public init(desk: ReviewDesk) throws {
        guard let folder = desk.folder else { throw CoreError.storage("reviewer keys need the data folder that holds recipients/") }
        self.folder = folder
        self.desk = desk
    }

    /// Every key ever known: active ones first, then revoked, each group by name.
    public func list() throws -> [ReviewerKey] {
        let active = try folder.recipientFiles()
        let revoked = try folder.revokedRecipientFiles()
        var records: [String: ReviewerKeyRecord] = [:]
        for record in try desk.store.reviewerKeyRecords() { records[record.fingerprint] = record }
        let activeKeys = Set(active.map(\.key))
        var keys: [String: ReviewerKey] = [:]
        for (name, key) in revoked + active {
            keys[key.fingerprint] = reviewerKey(key, record: records[key.fingerprint], fileName: name, active: activeKeys.contains(key))
        }
        for record in records.values where keys[record.fingerprint] == nil {
            guard let key = try? record.key else { continue }
            keys[record.fingerprint] = reviewerKey(key, record: record, fileName: nil, active: false)
        }
        return keys.values.sorted {
            ($0.status == .active ? 0 : 1, $0.name, $0.fingerprint) < ($1.status == .active ? 0 : 1, $1.name, $1.fingerprint)
        }
    }

    /// The active key with this fingerprint ("sha256:…", or its hex alone); throws if it is unknown or revoked.
    public func activeKey(fingerprint: String) throws -> ReviewerKey {
        let wanted = Self.normalised(fingerprint)
        guard let key = try list().first(where: { $0.fingerprint == wanted }) else { throw ReviewerKeyError.unknownKey(wanted) }
        guard key.status == .active else {
            throw ReviewerKeyError.revoked(fingerprint: wanted, hour: key.revokedHour, by: key.revokedBy)
        }
        return key
    }

    /// Copies `key` into recipients/ under its fingerprint and records its name, the hour and `actor`.
    /// Refuses a key that is already active, and a revoked one (a revoked key is replaced, not taken back).
    @discardableResult
    public func add(_ key: X25519PublicKey, name: String, actor: String) throws -> ReviewerKey {
        let name = name.trimmingCharacters(in: .whitespaces)
        guard (1...Self.maximumNameLength).contains(name.count),
            !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else { throw ReviewerKeyError.invalidName(name) }
        let record = try desk.store.changeReviewerKey(fingerprint: key.fingerprint) { existing in
            if let file = try folder.recipientFiles().first(where: { $0.key == key }) {
                throw ReviewerKeyError.alreadyActive(fingerprint: key.fingerprint, name: existing?.name ?? Self.name(ofFile: file.name, key: key))
            }
            // Known but not in recipients/: revoked, with `keys revoke` or by hand.
            let revokedByHand = try folder.revokedRecipientFiles().contains { $0.key == key }
            if existing != nil || revokedByHand {
                throw ReviewerKeyError.revoked(fingerprint: key.fingerprint, hour: existing?.revokedHour, by: existing?.revokedBy)
            }
            return ReviewerKeyRecord(
                fingerprint: key.fingerprint, name: name, publicKey: Data(key.rawRepresentation), addedHour: HourStamp.now(),
                addedBy: actor)
        } applying: { _ in
            try folder.addRecipient(key)
        }
        return reviewerKey(key, record: record, fileName: nil, active: true)
    }

    /// Moves the key out of recipients/ so no new file is sealed to it, and records the hour and `actor`.
    /// Refuses the last active key. Files already sealed to the key stay readable with it.
    @discardableResult
    public func revoke(fingerprint: String, actor: String) throws -> ReviewerKey {
        let wanted = Self.normalised(fingerprint)
        let record = try desk.store.changeReviewerKey(fingerprint: wanted) { existing in
            // Checked inside the transaction: two reviewers revoking the last two keys at once cannot both succeed.
            let active = try folder.recipientFiles()
            guard let file = active.first(where: { $0.key.fingerprint == wanted }) else {
                let revokedByHand = try folder.revokedRecipientFiles().contains { $0.key.fingerprint == wanted }
                if existing != nil || revokedByHand {
                    throw ReviewerKeyError.revoked(fingerprint: wanted, hour: existing?.revokedHour, by: existing?.revokedBy)
                }
                throw ReviewerKeyError.unknownKey(wanted)
            }
            guard active.contains(where: { $0.key != file.key }) else { throw ReviewerKeyError.lastActiveKey(wanted) }
            var record = existing ?? ReviewerKeyRecord(
                fingerprint: wanted, name: Self.name(ofFile: file.name, key: file.key), publicKey: Data(file.key.rawRepresentation))
            record.revokedHour = HourStamp.now()
            record.revokedBy = actor
            return record
        } applying: { record in
            try folder.moveToRevoked(record.key)
        }
        return reviewerKey(try record.key, record: record, fileName: nil, active: false)
    }

    /// Re-wraps the sealed copies of a file (and the sealed messages and notes of its submission) to an active key.
    /// Throws `.alreadyGranted` or `.purged` when there is nothing to do.
    public func grant(fileID: Int64, to fingerprint: String, identity: X25519PrivateKey, actor: String) throws {
        let recipient = try activeKey(fingerprint: fingerprint)
        try desk.grant(fileID: fileID, to: recipient.publicKey, identity: identity, actor: actor)
    }

    /// "sha256:" and lowercase hex, whether or not the prefix was typed.
    static func normalised(_ fingerprint: String) -> String {
        let text = fingerprint.trimmingCharacters(in: .whitespaces).lowercased()
        return text.hasPrefix("sha256:") ? text : "sha256:" + text
    }

    /// "alice.key.pub" → "alice": keygen names public keys FILE.pub beside FILE.
    public static func name(fromFile file: String) -> String {
        var name = file
        for suffix in [".pub", ".key"] where name.hasSuffix(suffix) { name.removeLast(suffix.count) }
        return name.isEmpty ? file : name
    }

    /// The name of a key copied into recipients/ by hand: from its file's name, or none ("") when the file is named
    /// after the fingerprint, as `serve --recipient` names it.
    private static func name(ofFile file: String, key: X25519PublicKey) -> String {
        file == DataFolder.recipientFileName(for: key) ? "" : name(fromFile: file)
    }

    private func reviewerKey(_ key: X25519PublicKey, record: ReviewerKeyRecord?, fileName: String?, active: Bool) -> ReviewerKey {
        ReviewerKey(
            publicKey: key, name: record?.name ?? fileName.map { Self.name(ofFile: $0, key: key) } ?? "", status: active ? .active : .revoked,
            addedHour: record?.addedHour, addedBy: record?.addedBy, revokedHour: record?.revokedHour, revokedBy: record?.revokedBy)
    }
}
