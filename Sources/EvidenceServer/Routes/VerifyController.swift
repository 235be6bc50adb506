import EvidenceCore
import EvidenceCrypto
import Foundation
import Hummingbird
import NIOCore
import NIOPosix

/// `GET /verify` (a SHA-256 in the query) and `POST /verify` (a file, hashed as it streams and never stored).
struct VerifyController: Sendable {
    let log: TransparencyLog
    let maxFileBytes: Int64

    func register(on router: Router<BasicRequestContext>) {
        router.get("/verify") { request, _ in
            guard let sha = request.uri.queryParameters.get("sha256") else { return Response.html(VerifyPage.render(.none)) }
            return try await page(for: sha.trimmingCharacters(in: .whitespaces).lowercased())
        }
        router.post("/verify") { request, _ in
            guard let boundary = SubmissionController.boundary(of: request.headers[.contentType]) else {
                return Response.html(VerifyPage.render(.invalid("Pick a file to check.")), status: .badRequest)
            }
            var parser = MultipartStreamParser(boundary: boundary)
            let hasher = SHA256Hasher()
            var inFile = false
            var sawFile = false
            var size: Int64 = 0
            do {
                for try await buffer in request.body {
                    try buffer.withUnsafeReadableBytes { bytes in
                        try parser.feed(bytes) { event in
                            switch event {
                            case .partBegin(let headers):
                                inFile = headers.name == "file" && headers.isFile && !sawFile
                            case .body(let slice):
                                guard inFile else { return }
                                size += Int64(slice.count)
                                guard size <= maxFileBytes else { throw CoreError.fileTooLarge(limit: maxFileBytes) }
                                slice.withUnsafeBytes { hasher.update($0) }
                            case .partEnd:
                                if inFile { sawFile = true }
                                inFile = false
                            }
                        }
                    }
                }
                try parser.finish()
            } catch {
                let (status, _, message) = RefusalResponse.classify(error)
                return Response.html(VerifyPage.render(.invalid(message)), status: status)
            }
            guard sawFile, size > 0 else { return Response.html(VerifyPage.render(.invalid("Pick a file to check.")), status: .badRequest) }
            return try await page(for: Hex.encode(hasher.finalize()))
        }
    }

    private func page(for sha: String) async throws -> Response {
        guard LogController.isSHA256(sha) else {
            return Response.html(VerifyPage.render(.invalid("A SHA-256 is 64 characters, 0–9 and a–f.")), status: .badRequest)
        }
        return try await LogController.offload { [log] in
            guard let proof = try log.inclusionProof(sha256: sha) else { return Response.html(VerifyPage.render(.notFound(sha256: sha))) }
            return Response.html(VerifyPage.render(.found(proof)))
        }
    }
}
