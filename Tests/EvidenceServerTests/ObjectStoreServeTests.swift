import Foundation
import S3TestSupport
import Testing

/// `evidence-drop serve` with EVIDENCE_BLOBS naming a bucket on a live S3 server: the sealed files go there, and
/// `evidence-review verify --blobs` reads them back.
@Suite(
    .enabled(if: S3TestServer.isAvailable, Comment(rawValue: S3TestServer.unavailableReason)),
    .enabled(if: Paths.hasCorpus, "../shared/corpus is absent"))
struct ObjectStoreServeTests {
    @Test func uploadSealedIntoTheBucketVerifies() async throws {
        let store = try TestServer()
        let bucket = try await S3TestServer.s3URL()
        let secret = try await S3TestServer.configuration().secretAccessKey
        let server = try await ServerProcess(data: store.data.root, environment: ["EVIDENCE_BLOBS": bucket])
        let upload = try await Upload.send(port: server.port, files: [Paths.corpusFile(EndToEndTests.gpsJPEG)])
        server.signal(SIGTERM)
        _ = try await server.waitForExit(seconds: 15)
        #expect(upload.status == 201, "\(upload.text)")
        #expect(server.text.contains("sealed files in S3Configuration("), "\(server.text)")
        #expect(!server.text.contains(secret), "the server printed the S3 secret")

        let sealedInFolder = (FileManager.default.enumerator(atPath: store.data.blobs.path)?.compactMap { $0 as? String } ?? [])
            .filter { $0.split(separator: "/").count == 2 && $0.split(separator: "/").first?.count == 2 }
        #expect(sealedInFolder.isEmpty, "sealed files in the data folder: \(sealedInFolder)")

        let verified = try await store.review(["verify", "--key", store.keyFile.path, "--blobs", bucket])
        #expect(verified.status == 0, "\(verified.stdoutText) \(verified.stderr)")
        #expect(!(verified.stdoutText + verified.stderr).contains(secret))
        // Without --blobs the reviewer looks in the data folder, where the sealed file is not.
        let local = try await store.review(["verify", "--key", store.keyFile.path])
        #expect(local.status == 1, "\(local.stdoutText) \(local.stderr)")
    }
}
