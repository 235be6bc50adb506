import EvidenceCrypto
import Foundation
import GRDB

/// What the store remembers of a reviewer key: its name, and who added and revoked it when.
/// A key copied into recipients/ by hand has no record until it is revoked; its added hour and adder stay unknown.
public struct ReviewerKeyRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "reviewer_key"
    public var fingerprint: String
    public var name: String
    /// The raw 32-byte X25519 public key, so a key stays identifiable after its file left recipients/.
    public var publicKey: Data
    public var addedHour: String?
    public var addedBy: String?
    public var revokedHour: String?
    public var revokedBy: String?

    enum CodingKeys: String, CodingKey {
        case fingerprint, name, publicKey = "public_key", addedHour = "added_hour", addedBy = "added_by"
        case revokedHour = "revoked_hour", revokedBy = "revoked_by"
    }

    /// The stored public key; throws only if the row was damaged.
    var key: X25519PublicKey {
        get throws { try X25519PublicKey(rawRepresentation: [UInt8](publicKey)) }
    }
}
