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
    let pages: PageRenderer

    func register(on router: Router<EvidenceRequestContext>) {
        router.get("/verify") { request, _ in
            let language = Language.of(request)
            guard let sha = request.uri.queryParameters.get("sha256") else { return VerifyPage.response(pages, language, outcome: .none) }
            return try await page(for: sha.trimmingCharacters(in: .whitespaces).lowercased(), in: language)
        }
        router.post("/verify") { request, _ in
            let language = Language.of(request)
            guard let boundary = SubmissionController.boundary(of: request.headers[.contentType]) else {
                return VerifyPage.response(pages, language, outcome: .invalid(key: "verify_pick_file"), status: .badRequest)
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
                let refusal = Refusal(error)
                return VerifyPage.response(pages, language, outcome: .invalid(key: refusal.messageKey), status: refusal.status)
            }
            guard sawFile, size > 0 else { return VerifyPage.response(pages, language, outcome: .invalid(key: "verify_pick_file"), status: .badRequest) }
            return try await page(for: Hex.encode(hasher.finalize()), in: language)
        }
    }

    private func page(for sha: String, in language: Language) async throws -> Response {
        guard LogController.isSHA256(sha) else {
            return VerifyPage.response(pages, language, outcome: .invalid(key: "verify_bad_sha"), status: .badRequest)
        }
        return try await LogController.offload { [log, pages] in
            guard let proof = try log.inclusionProof(sha256: sha) else { return VerifyPage.response(pages, language, outcome: .notFound(sha256: sha)) }
            return VerifyPage.response(pages, language, outcome: .found(proof))
        }
    }
}
