import EvidenceCrypto
import Foundation
import MediaScrub

/// What a file gives away about itself, and so is kept only sealed to the reviewers (`FileRecord.sealedFacts`):
/// its hashes, exact sizes and removal report, and the opening of its log commitments. A seized store shows none
/// of it; a reviewer's key opens it.
public struct FileFacts: Codable, Sendable, Equatable {
    /// The opening of the file's commitments in the log (`FileCommitment`); nil for a file received before
    /// commitments, whose log entry names its hashes in the clear.
    public var opening: String?
    public var originalSHA256: String
    public var originalSize: Int64
    public var cleanedSHA256: String
    public var cleanedSize: Int64
    /// nil for a file of an unknown type, stored uncleaned.
    public var removalReport: RemovalReport?

    public init(
        opening: String?, originalSHA256: String, originalSize: Int64, cleanedSHA256: String, cleanedSize: Int64,
        removalReport: RemovalReport?
    ) {
        self.opening = opening
        self.originalSHA256 = originalSHA256
        self.originalSize = originalSize
        self.cleanedSHA256 = cleanedSHA256
        self.cleanedSize = cleanedSize
        self.removalReport = removalReport
    }

    enum CodingKeys: String, CodingKey {
        case opening, originalSHA256 = "original_sha256", originalSize = "original_size"
        case cleanedSHA256 = "cleaned_sha256", cleanedSize = "cleaned_size", removalReport = "removal_report"
    }

    /// The log's commitment to the original's or the cleaned file's hash; nil without an opening.
    public func commitment(_ kind: FileCommitment.Kind) -> String? {
        opening.flatMap { FileCommitment.commitment(kind, opening: $0, sha256: kind == .original ? originalSHA256 : cleanedSHA256) }
    }

    /// The JSON is filled with spaces to a whole number of these before it is sealed, so the sealed size does not
    /// follow the removal report's length (which the file decides) as Padmé's finer classes would.
    static let sealedBlock = 4096

    /// The facts as a sealed file (docs/FORMAT.md) to `recipients`.
    package func sealed(to recipients: [X25519PublicKey]) throws -> Data {
        var json = [UInt8](try JSONEncoder.sorted.encode(self))
        json += [UInt8](repeating: 0x20, count: (Self.sealedBlock - json.count % Self.sealedBlock) % Self.sealedBlock)
        let writer = try SealedFileWriter(recipients: recipients)
        return Data(try writer.update(json) + writer.finish())
    }

    /// Opens facts sealed by `sealed(to:)`.
    public init(opening sealed: Data, with identity: X25519PrivateKey) throws {
        let reader = SealedFileReader(identity: identity)
        let json = try reader.update(Array(sealed)) + reader.finish()
        self = try JSONDecoder().decode(FileFacts.self, from: Data(json))
    }
}
