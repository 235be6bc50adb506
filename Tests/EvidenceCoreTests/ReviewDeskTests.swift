import EvidenceCore
import EvidenceCrypto
import Foundation
import TestCorpus
import Testing

@Suite(.enabled(if: Corpus.isPresent, "../shared/corpus is absent"))
struct ReviewDeskTests {
    static func stored(_ backend: StoreBackend) throws -> (CoreFixture, ReviewDesk, FileRecord) {
        let fixture = try CoreFixture(backend)
        let pipeline = try fixture.pipeline()
        _ = try pipeline.ingest([fixture.spool(Corpus.bytes("exiftool/t/images/PNG.png"))], message: nil)
        let desk = ReviewDesk(store: pipeline.store, blobs: pipeline.blobs)
        return (fixture, desk, try #require(try desk.store.files(status: nil).first))
    }

    @Test("decisions change the status once and each leaves a custody entry with the reviewer's name", arguments: StoreBackend.all)
    func decisions(backend: StoreBackend) throws {
        let (_, desk, file) = try Self.stored(backend)
        try desk.approve(fileID: file.id!, note: "clear", actor: "alice")
        #expect(throws: CoreError.self) { try desk.approve(fileID: file.id!, note: nil, actor: "alice") }
        #expect(throws: CoreError.self) { try desk.reject(fileID: file.id!, reason: "  ", actor: "bob") }
        try desk.reject(fileID: file.id!, reason: "staged", actor: "bob")
        #expect(try desk.store.file(id: file.id!).status == .rejected)
        let custody = try desk.store.custody(fileID: file.id!)
        #expect(custody.map(\.action) == ["received", "approved", "rejected"])
        #expect(custody.map(\.actor) == ["server", "alice", "bob"])
        #expect(custody.last?.detail == "staged")
        #expect(throws: CoreError.unknownFile(999)) { try desk.approve(fileID: 999, note: nil, actor: "alice") }
    }

    @Test("export with someone else's key fails and leaves no file", arguments: StoreBackend.all)
    func wrongKey(backend: StoreBackend) throws {
        let (fixture, desk, file) = try Self.stored(backend)
        let out = fixture.root.appendingPathComponent("out")
        #expect(throws: SealedFileError.noMatchingRecipient) {
            try desk.export(fileID: file.id!, identity: X25519PrivateKey.generate(), to: out, actor: "eve")
        }
        #expect(fixture.files(under: out).isEmpty)
    }

    @Test("export notices when the decrypted bytes do not match the recorded hash, and keeps nothing", arguments: StoreBackend.all)
    func hashMismatch(backend: StoreBackend) throws {
        let (fixture, desk, file) = try Self.stored(backend)
        // Facts sealed to the reviewer's public key, as anyone could, with another cleaned hash.
        var forged = try #require(try file.opened(with: fixture.identity).facts)
        forged.cleanedSHA256 = String(repeating: "0", count: 64)
        try fixture.sql("UPDATE file SET sealed_facts = ? WHERE id = ?", [try forged.sealed(to: [fixture.identity.publicKey]), file.id])
        let out = fixture.root.appendingPathComponent("out")
        #expect(throws: CoreError.self) {
            try desk.export(fileID: file.id!, identity: fixture.identity, to: out, actor: "alice")
        }
        #expect(fixture.files(under: out).isEmpty)
        #expect(try desk.store.custody(fileID: file.id!).map(\.action) == ["received"])
    }

    @Test("export writes the file and a manifest line that sha256sum accepts", arguments: StoreBackend.all)
    func export(backend: StoreBackend) throws {
        let (fixture, desk, file) = try Self.stored(backend)
        let out = fixture.root.appendingPathComponent("out")
        let written = try desk.export(fileID: file.id!, identity: fixture.identity, to: out, actor: "alice")
        #expect(written.lastPathComponent == "\(file.id!).png")
        let manifest = try String(contentsOf: out.appendingPathComponent("manifest.sha256"), encoding: .utf8)
        let facts = try #require(try file.opened(with: fixture.identity).facts)
        #expect(manifest == "\(facts.cleanedSHA256)  \(file.id!).png\n")
        // A second export of the same file replaces its line rather than adding one.
        try desk.export(fileID: file.id!, identity: fixture.identity, to: out, actor: "alice")
        #expect(try String(contentsOf: out.appendingPathComponent("manifest.sha256"), encoding: .utf8) == manifest)
        #expect(try desk.store.custody(fileID: file.id!).map(\.action) == ["received", "exported", "exported"])
    }
}
