import EvidenceCore
import EvidenceCrypto

/// What a visitor asks `/verify` about: a SHA-256 (typed, or of a file hashed as it streamed) with the opening from
/// their receipt, or their receipt itself. Only those holding the opening can find a file: a hash alone gets the
/// answer a hash never received gets.
struct VerifyRequest {
    var sha256: String?
    var opening: String?
    var receipt: ReceiptOpenings?

    /// The (hash, opening) pairs to look up, or the catalogue key saying what is wrong with the request.
    func lookups() -> Result<[(sha256: String, opening: String?)], VerifyRefusal> {
        let sha = sha256.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.flatMap { $0.isEmpty ? nil : $0 }
        let opening = opening.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.flatMap { $0.isEmpty ? nil : $0 }
        if let sha, !LogController.isSHA256(sha) { return .failure(.init(key: "verify_bad_sha")) }
        if let opening, !LogController.isSHA256(opening) { return .failure(.init(key: "verify_bad_opening")) }
        if let receipt {
            guard let sha else { return .success(receipt.files.map { ($0.cleanedSHA256.lowercased(), $0.opening) }) }
            let named = receipt.files.first { $0.originalSHA256.lowercased() == sha || $0.cleanedSHA256.lowercased() == sha }
            return .success([(sha, named?.opening ?? opening)])
        }
        guard let sha else { return .failure(.init(key: "verify_pick_file")) }
        return .success([(sha, opening)])
    }
}

/// A request `/verify` cannot answer, as a catalogue key.
struct VerifyRefusal: Error {
    let key: String
}

/// The parts of a receipt's JSON download (`Receipt`) that prove its files are in the log.
struct ReceiptOpenings: Decodable {
    struct File: Decodable {
        let originalSHA256: String
        let cleanedSHA256: String
        /// Absent in receipts given before commitments.
        let opening: String?
    }

    let files: [File]
}
