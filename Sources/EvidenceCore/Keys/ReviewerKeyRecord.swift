import EvidenceCrypto
import Foundation

/// What the store remembers of a reviewer key: its name, and who added and revoked it when.
/// A key copied into recipients/ by hand has no record until it is revoked; its added hour and adder stay unknown.
public struct ReviewerKeyRecord: Codable, Sendable, Equatable {
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

extension ReviewerKeyRecord {
    static let columns = "fingerprint, name, public_key, added_hour, added_by, revoked_hour, revoked_by"

    init(row: SQLRow) throws {
        fingerprint = try row.string(0)
        name = try row.string(1)
        publicKey = try row.data(2)
        addedHour = try row.optionalString(3)
        addedBy = try row.optionalString(4)
        revokedHour = try row.optionalString(5)
        revokedBy = try row.optionalString(6)
    }

    /// Inserts the record, or replaces the stored one with the same fingerprint.
    func save(_ session: any SQLSession) throws {
        try session.execute(
            """
            INSERT INTO reviewer_key (\(Self.columns)) VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (fingerprint) DO UPDATE SET name = excluded.name, public_key = excluded.public_key,
                added_hour = excluded.added_hour, added_by = excluded.added_by,
                revoked_hour = excluded.revoked_hour, revoked_by = excluded.revoked_by
            """,
            [fingerprint, name, publicKey, addedHour, addedBy, revokedHour, revokedBy])
    }
}
