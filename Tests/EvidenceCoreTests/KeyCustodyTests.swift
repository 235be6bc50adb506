import EvidenceCore
import EvidenceCrypto
import Foundation
import MediaScrub
import TestCorpus
import Testing

/// The server seals to the reviewers' public keys and holds no private key: whoever takes the data folder cannot
/// open a sealed file, a file's sealed facts or a message with anything in it.
@Suite(.enabled(if: Corpus.isPresent, "../shared/corpus is absent"))
struct KeyCustodyTests {
    /// Every 32-byte value a file could hold as an X25519 private key: the file itself when it is 32 bytes, and the
    /// last 32 bytes of each PEM block (where PKCS#8 puts a raw key) and of the file.
    static func candidateKeys(in file: URL) throws -> [[UInt8]] {
        let bytes = try [UInt8](Data(contentsOf: file))
        var candidates: [[UInt8]] = bytes.count >= 32 ? [Array(bytes.suffix(32))] : []
        let text = String(decoding: bytes, as: UTF8.self)
        for block in text.components(separatedBy: "-----BEGIN ").dropFirst() {
            let body = block.split(separator: "\n").dropFirst().prefix { !$0.hasPrefix("-----END") }.joined()
            if let der = Data(base64Encoded: body), der.count >= 32 { candidates.append(Array(der.suffix(32))) }
        }
        return candidates
    }

    @Test("no file in the data folder is a key that opens what the server sealed")
    func noPrivateKeyInTheDataFolder() throws {
        let fixture = try CoreFixture()
        let pipeline = try fixture.pipeline()
        _ = try pipeline.ingest([fixture.spool(Corpus.bytes("exiftool/t/images/GPS.jpg"))], message: "at the bridge", keepOriginals: true)
        let file = try pipeline.store.file(id: 1)
        let blob = try [UInt8](Data(contentsOf: fixture.folder.blobs.appendingPathComponent(file.blobKey)))
        // The reviewer's own key opens all three, so the check below can fail.
        #expect(try file.opened(with: fixture.identity).facts != nil)
        let opener = SealedFileReader(identity: fixture.identity)
        #expect(!(try opener.update(blob) + opener.finish()).isEmpty)

        var tried = 0
        // The database's files are SQLite's alone (a read here would drop its locks: Tests/LockGuard); the store holds
        // reviewers' public keys only, and what it seals is checked above.
        for path in fixture.files(under: fixture.folder.root) where !path.hasPrefix("evidence.sqlite") {
            for candidate in try Self.candidateKeys(in: fixture.folder.root.appendingPathComponent(path)) {
                guard let key = try? X25519PrivateKey(rawRepresentation: candidate) else { continue }
                tried += 1
                #expect(throws: (any Error).self, "\(path) opens the sealed facts") { try file.opened(with: key) }
                let reader = SealedFileReader(identity: key)
                #expect(throws: (any Error).self, "\(path) opens the sealed file") { _ = try reader.update(blob) + reader.finish() }
            }
        }
        #expect(tried >= 3, "the log key, the receipt key and the recipients' files were tried")
        // What recipients/ holds is public keys only.
        for path in fixture.files(under: fixture.folder.recipients) {
            let text = try String(contentsOf: fixture.folder.recipients.appendingPathComponent(path), encoding: .utf8)
            #expect(text.contains("PUBLIC KEY") && !text.contains("PRIVATE KEY"), "\(path)")
        }
    }
}

/// A file's sealed facts are as long for a short removal report as for a long one.
struct SealedFactsSizeTests {
    @Test("sealed facts of files with short and long removal reports have one size")
    func oneSize() throws {
        let key = X25519PrivateKey.generate()
        let sizes = try [0, 1, 10, 40].map { kinds -> Int in
            let report = RemovalReport(
                mediaType: .jpeg, removed: (0..<kinds).map { RemovedItem(what: "structure \($0) of a camera", count: 1, bytes: 100 * $0) })
            let facts = FileFacts(
                opening: FileCommitment.newOpening(), originalSHA256: String(repeating: "a", count: 64), originalSize: 3_000_000,
                cleanedSHA256: String(repeating: "b", count: 64), cleanedSize: 2_999_000, removalReport: report)
            let sealed = try facts.sealed(to: [key.publicKey])
            #expect(try FileFacts(opening: sealed, with: key) == facts)
            return sealed.count
        }
        #expect(Set(sizes).count == 1, "\(sizes)")
    }
}
