import Foundation
import Testing

/// What a seized disk or log must not give away: plaintext, the client's address, browser or file names.
@Suite(.enabled(if: Paths.hasCorpus, "../shared/corpus is absent"), .serialized)
struct AnonymityTests {
    /// A real JPEG with `marker` written into its scan data, which the scrubber keeps byte for byte.
    static func jpeg(withMarker marker: String) throws -> [UInt8] {
        let bytes = try [UInt8](Data(contentsOf: Paths.corpusFile(EndToEndTests.gpsJPEG)))
        let scan = try #require(ImageData.jpegScanData(bytes))
        let scanStart = try #require(bytes.firstRange(of: scan)).lowerBound
        let headerLength = Int(bytes[scanStart + 2]) << 8 | Int(bytes[scanStart + 3])
        let insertAt = scanStart + 2 + headerLength
        return Array(bytes[..<insertAt]) + Array(marker.utf8) + Array(bytes[insertAt...])
    }

    @Test("plaintext never reaches the disk: a marker in the image is found in no file of the data or temp folder")
    func noPlaintextOnDisk() async throws {
        let server = try TestServer()
        let marker = "PLAINTEXT-MARKER-\(UUID().uuidString)"
        let upload = server.folder.path("upload.jpg")
        try Data(try Self.jpeg(withMarker: marker)).write(to: upload)
        let answer = try await server.run { port in try await Upload.send(port: port, files: [upload]) }
        #expect(answer.status == 201, "\(answer.text)")

        #expect(try await filesContaining(marker, under: server.data.root).isEmpty)
        let temporary = FileManager.default.temporaryDirectory
        #expect(try await filesContaining(marker, under: temporary).filter { !$0.hasPrefix(server.folder.url.path) }.isEmpty)

        // The marker did go through: the reviewer's decrypted copy has it, so the search above could have found it.
        let exported = server.folder.path("export")
        #expect(try await server.review(["export", "1", "--key", server.keyFile.path, "--to", exported.path]).status == 0)
        #expect(try await filesContaining(marker, under: exported).count == 1)
    }

    @Test("no client address, User-Agent or file name in the data folder or the server's log")
    func nothingIdentifiesTheSubmitter() async throws {
        let server = try TestServer()
        let agent = "Mozilla/5.0 (UniqueTestAgent-\(UUID().uuidString))"
        let clientAddress = "127.0.0.\(Int.random(in: 20...250))"
        let name = "my-name-is-\(UUID().uuidString).jpg"
        let upload = server.folder.path(name)
        try FileManager.default.copyItem(at: Paths.corpusFile(EndToEndTests.gpsJPEG), to: upload)
        let answer = try await server.run { port in
            try await Upload.send(port: port, files: [upload], message: "hello", json: false, userAgent: agent, from: clientAddress)
        }
        #expect(answer.status == 201)
        #expect(answer.text.contains("SHA-256"))

        for secret in [agent, "UniqueTestAgent", clientAddress, name, "my-name-is"] {
            #expect(try await filesContaining(secret, under: server.data.root).isEmpty, "\(secret) is stored")
            #expect(!server.logs.text.contains(secret), "\(secret) is in the log")
        }
        // Nothing per submission is written; the start-up line shows the log was captured.
        #expect(server.logs.text.contains("Serving files from"), "the log was not captured")
        #expect(!server.logs.text.contains("submission"), "\(server.logs.text)")

        // Folder and file modification times say nothing about when anything arrived.
        for folder in [server.data.spool, server.data.blobs] {
            let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)!
            for case let url as URL in walker.allObjects + [folder] {
                let modified = try FileManager.default.attributesOfItem(atPath: url.path)[.modificationDate] as? Date
                #expect(modified == Date(timeIntervalSince1970: 946_684_800), "\(url.path) has modification time \(String(describing: modified))")
            }
        }
    }
}
