import EvidenceCore
import EvidenceCrypto
import Foundation
import Hummingbird
import NIOCore
import NIOPosix

/// `GET /verify` (a SHA-256 and an opening in the query) and `POST /verify` (the page's form: a SHA-256 or a file,
/// hashed as it streams and never stored, with the receipt's opening, or the receipt's JSON).
struct VerifyController: Sendable {
    let log: TransparencyLog
    let maxFileBytes: Int64
    let pages: PageRenderer

    /// A receipt's JSON is a few kilobytes; more is not a receipt.
    static let maxReceiptBytes = 1 << 20
    /// A typed hash or opening is 64 characters; room for spaces around them.
    static let maxFieldBytes = 256
    /// What to say of a field longer than it can be.
    static let tooLongKey = ["receipt": "verify_bad_receipt", "sha256": "verify_bad_sha", "opening": "verify_bad_opening"]

    func register(on router: Router<EvidenceRequestContext>) {
        router.get("/verify") { request, _ in
            let language = Language.of(request)
            let query = request.uri.queryParameters
            guard let sha = query.get("sha256") else { return VerifyPage.response(pages, language, outcome: .none) }
            return try await page(for: VerifyRequest(sha256: sha, opening: query.get("opening")), in: language)
        }
        router.post("/verify") { request, _ in
            let language = Language.of(request)
            guard let boundary = SubmissionController.boundary(of: request.headers[.contentType]) else {
                return VerifyPage.response(pages, language, outcome: .invalid(key: "verify_pick_file"), status: .badRequest)
            }
            let asked: VerifyRequest
            do {
                asked = try await read(request.body, boundary: boundary)
            } catch let refusal as VerifyRefusal {
                return VerifyPage.response(pages, language, outcome: .invalid(key: refusal.key), status: .badRequest)
            } catch {
                let refusal = Refusal(error)
                return VerifyPage.response(pages, language, outcome: .invalid(key: refusal.messageKey), status: refusal.status)
            }
            return try await page(for: asked, in: language)
        }
    }

    /// Reads the form: `file` is hashed as it streams and dropped, `receipt` parsed, `sha256` and `opening` kept.
    private func read(_ body: RequestBody, boundary: String) async throws -> VerifyRequest {
        var parser = MultipartStreamParser(boundary: boundary)
        let hasher = SHA256Hasher()
        var field: String?
        var fileSize: Int64 = 0
        var sawFile = false
        var texts: [String: [UInt8]] = [:]
        for try await buffer in body {
            try buffer.withUnsafeReadableBytes { bytes in
                try parser.feed(bytes) { event in
                    switch event {
                    case .partBegin(let headers):
                        field = nil
                        switch headers.name {
                        case "file" where headers.isFile && !sawFile: field = "file"
                        case "receipt" where headers.isFile, "sha256", "opening": field = headers.name
                        default: break
                        }
                    case .body(let slice):
                        guard let name = field else { return }
                        if name == "file" {
                            fileSize += Int64(slice.count)
                            guard fileSize <= maxFileBytes else { throw CoreError.fileTooLarge(limit: maxFileBytes) }
                            slice.withUnsafeBytes { hasher.update($0) }
                        } else {
                            texts[name, default: []] += slice
                            let limit = name == "receipt" ? Self.maxReceiptBytes : Self.maxFieldBytes
                            guard texts[name]!.count <= limit else { throw VerifyRefusal(key: Self.tooLongKey[name]!) }
                        }
                    case .partEnd:
                        if field == "file" && fileSize > 0 { sawFile = true }
                        field = nil
                    }
                }
            }
        }
        try parser.finish()
        var asked = VerifyRequest(
            sha256: texts["sha256"].map { String(decoding: $0, as: UTF8.self) },
            opening: texts["opening"].map { String(decoding: $0, as: UTF8.self) })
        if sawFile { asked.sha256 = Hex.encode(hasher.finalize()) }
        if let receipt = texts["receipt"], !receipt.isEmpty {
            guard let parsed = try? JSONDecoder().decode(ReceiptOpenings.self, from: Data(receipt)), !parsed.files.isEmpty else {
                throw VerifyRefusal(key: "verify_bad_receipt")
            }
            asked.receipt = parsed
        }
        return asked
    }

    private func page(for asked: VerifyRequest, in language: Language) async throws -> Response {
        let lookups: [(sha256: String, opening: String?)]
        switch asked.lookups() {
        case .success(let found): lookups = found
        case .failure(let refusal): return VerifyPage.response(pages, language, outcome: .invalid(key: refusal.key), status: .badRequest)
        }
        return try await LogController.offload { [log, pages] in
            let checks = try lookups.map { lookup -> VerifyPage.Check in
                guard let proof = try log.inclusionProof(sha256: lookup.sha256, opening: lookup.opening) else { return .notFound(sha256: lookup.sha256) }
                return .found(proof)
            }
            return VerifyPage.response(pages, language, outcome: .checked(checks))
        }
    }
}
