import EvidenceCore
import Foundation
import Testing

@Suite(.enabled(if: Paths.hasCorpus, "../shared/corpus is absent"), .serialized)
struct UnknownTypePolicyTests {
    @Test("an operator who accepts unknown types gets them stored uncleaned, with a warning on the receipt")
    func acceptedUncleaned() async throws {
        let server = try TestServer()
        let pdf = Paths.corpusFile("exiftool/t/images/PDF.pdf")
        let (json, html) = try await server.run(acceptingUnknownTypes: true) { port in
            (try await Upload.send(port: port, files: [pdf]), try await Upload.send(port: port, files: [pdf], json: false))
        }
        #expect(json.status == 201, "\(json.text)")
        let file = try #require(json.receipt?.files.first)
        #expect(file.type == "application/octet-stream")
        #expect(file.warning == IngestPipeline.uncleanedWarning)
        #expect(file.originalSHA256 == file.cleanedSHA256, "an unknown type must be stored exactly as received")
        #expect(html.status == 201)
        #expect(html.text.contains("NOT removed"))

        let out = server.folder.path("out")
        let exported = try await server.review(["export", "1", "--key", server.keyFile.path, "--to", out.path])
        #expect(exported.status == 0, "\(exported.stderr)")
        #expect(try Data(contentsOf: out.appendingPathComponent("1.bin")) == Data(contentsOf: pdf))
    }
}
