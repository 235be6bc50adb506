import EvidenceCrypto

/// One sealed copy to re-read, with what the database recorded for it.
struct SealedBlobCheck: Sendable {
    let subject: String
    let key: String
    let sealedSHA256: String
    /// nil only for kept originals recorded before their sealed size was.
    let sealedSize: Int64?
    /// What the plaintext's SHA-256 must be, from the file's opened facts; nil without a key.
    let plainSHA256: String?
}

/// Re-reads sealed blobs and checks each one's SHA-256 and size (and with a key, its plaintext's SHA-256). It holds
/// no state between blobs, so several run at once, one per core.
struct SealedBlobChecker: Sendable {
    /// What one blob's check found.
    struct Outcome: Sendable {
        var problems: [VerificationProblem] = []
        var decrypted = false
    }

    let blobs: any BlobStore
    let identity: X25519PrivateKey?

    /// Reads this large: blocks are hashed as they come, so a bigger one only costs memory.
    private static let blockSize = 64 * 1024

    /// An unreadable blob is a finding like any other, not a reason to stop checking the rest.
    func check(_ blob: SealedBlobCheck) -> Outcome {
        var outcome = Outcome()
        do {
            try checkReadable(blob, into: &outcome)
        } catch CoreError.blobMissing {
            outcome.problems.append(.init(subject: blob.subject, problem: "its sealed blob \(blob.key) is missing"))
        } catch {
            outcome.problems.append(.init(subject: blob.subject, problem: "its sealed blob \(blob.key) cannot be read: \(error)"))
        }
        return outcome
    }

    private func checkReadable(_ blob: SealedBlobCheck, into outcome: inout Outcome) throws {
        let reader = try blobs.openReader(blob.key)
        let hasher = SHA256Hasher()
        let decryptor = identity.map { SealedFileReader(identity: $0) }
        let plainHasher = SHA256Hasher()
        var decryptionError: (any Error)?
        var size: Int64 = 0
        // One uninitialised block per blob, read into in place: no zeroing, no array per read.
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.blockSize, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let count = try reader.read(into: buffer)
            if count == 0 { break }
            let block = UnsafeRawBufferPointer(rebasing: buffer[..<count])
            size += Int64(count)
            hasher.update(block)
            if let decryptor, decryptionError == nil {
                do { try decryptor.update(block) { plainHasher.update($0) } } catch { decryptionError = error }
            }
        }
        let sealed = Hex.encode(hasher.finalize())
        if sealed != blob.sealedSHA256 {
            outcome.problems.append(.init(subject: blob.subject, problem: "its sealed blob's SHA-256 is \(sealed), but \(blob.sealedSHA256) was recorded"))
        }
        if let recorded = blob.sealedSize, size != recorded {
            outcome.problems.append(.init(subject: blob.subject, problem: "its sealed blob is \(size) bytes, but \(recorded) were recorded"))
        }
        guard let decryptor else { return }
        if decryptionError == nil {
            do { try decryptor.finish { plainHasher.update($0) } } catch { decryptionError = error }
        }
        outcome.decrypted = true
        if let decryptionError {
            outcome.problems.append(.init(subject: blob.subject, problem: "does not decrypt: \(decryptionError)"))
            return
        }
        let plain = Hex.encode(plainHasher.finalize())
        if let recorded = blob.plainSHA256, plain != recorded {
            outcome.problems.append(.init(subject: blob.subject, problem: "decrypts to SHA-256 \(plain), but \(recorded) was recorded"))
        }
    }
}
