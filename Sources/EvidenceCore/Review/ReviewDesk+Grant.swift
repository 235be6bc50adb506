import EvidenceCrypto
import Foundation

extension ReviewDesk {
    /// Re-wraps a file's sealed copies (the cleaned file and its kept original) to `recipient` without re-encrypting
    /// them, and the sealed messages and notes of its submission, so the new key's holder can work on it.
    ///
    /// Never loses the file: the new copies are written and made durable under their own content address first;
    /// the record moves to them in one transaction with the custody and log entries; only then are the old copies
    /// deleted. If anything fails before the commit the new copies are removed and the old record still holds.
    /// Throws `.alreadyGranted` or `.purged` when there is nothing to do.
    func grant(fileID: Int64, to recipient: X25519PublicKey, identity: X25519PrivateKey, actor: String) throws {
        let file = try store.file(id: fileID)
        guard file.purgedHour == nil else { throw ReviewerKeyError.purged(fileID: fileID) }
        var written: [StoredBlob] = []
        do {
            let cleaned = try rewrap(
                file.blobKey, recordedSHA256: file.sealedSHA256, what: "file \(fileID)", identity: identity, recipient: recipient)
            if let cleaned { written.append(cleaned) }
            var original: StoredBlob?
            if let key = file.originalBlobKey, let sealed = file.originalSealedSHA256 {
                original = try rewrap(
                    key, recordedSHA256: sealed, what: "the kept original of file \(fileID)", identity: identity, recipient: recipient)
                if let original { written.append(original) }
            }
            guard !written.isEmpty else { throw ReviewerKeyError.alreadyGranted(fileID: fileID, fingerprint: recipient.fingerprint) }
            let texts = try store.sealedTexts(submissionID: file.submissionID, fileID: fileID).compactMap { text, sealed in
                try rewrap(text: sealed, what: text.description, identity: identity, recipient: recipient).map { (text, Data($0)) }
            }
            try store.recordGrant(
                FileGrant(
                    fileID: fileID, recipient: recipient.fingerprint, previousBlobKey: file.blobKey,
                    previousOriginalBlobKey: file.originalBlobKey, cleaned: cleaned, original: original, texts: texts),
                actor: actor)
            // Unreferenced from here on. A copy that cannot be deleted is only a stray blob: the file is not at risk.
            if cleaned != nil { try? blobs.delete(file.blobKey) }
            if original != nil, let key = file.originalBlobKey { try? blobs.delete(key) }
        } catch {
            for blob in written { try? blobs.delete(blob.key) }
            throw error
        }
    }

    /// Streams one sealed blob through a grant into a new blob, checking the old bytes against `recordedSHA256`.
    /// Returns nil when the blob is already sealed to `recipient`.
    private func rewrap(
        _ key: String, recordedSHA256: String, what: String, identity: X25519PrivateKey, recipient: X25519PublicKey
    ) throws -> StoredBlob? {
        let input = try blobs.openReader(key)
        let writer = try blobs.makeWriter()
        do {
            let grant = SealedFileGrant(identity: identity, adding: recipient)
            let hasher = SHA256Hasher()
            while true {
                let block = try input.read(maxLength: 256 * 1024)
                if block.isEmpty { break }
                hasher.update(block)
                let granted = try grant.update(block)
                if !granted.isEmpty { try writer.write(granted) }
            }
            try grant.finish()
            // Rewriting a damaged or replaced copy would record its hash as if it were sound.
            let actual = Hex.encode(hasher.finalize())
            guard actual == recordedSHA256 else {
                throw ReviewerKeyError.sealedCopyDiffers(what: what, recorded: recordedSHA256, actual: actual)
            }
            return try writer.commit()
        } catch SealedFileError.alreadyRecipient {
            writer.abort()
            return nil
        } catch SealedFileError.noMatchingRecipient {
            writer.abort()
            throw ReviewerKeyError.cannotOpen(what: what, fingerprint: identity.publicKey.fingerprint)
        } catch {
            writer.abort()
            throw error
        }
    }

    /// A message or note re-wrapped in memory (they are small); nil when it is already sealed to `recipient`.
    private func rewrap(text sealed: Data, what: String, identity: X25519PrivateKey, recipient: X25519PublicKey) throws -> [UInt8]? {
        let grant = SealedFileGrant(identity: identity, adding: recipient)
        do {
            let granted = try grant.update([UInt8](sealed))
            try grant.finish()
            return granted
        } catch SealedFileError.alreadyRecipient {
            return nil
        } catch SealedFileError.noMatchingRecipient {
            throw ReviewerKeyError.cannotOpen(what: what, fingerprint: identity.publicKey.fingerprint)
        }
    }
}
