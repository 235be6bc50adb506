import EvidenceCore
import Foundation
import Hummingbird
import NIOCore
import NIOPosix

/// The public face of the transparency log: the verifier key, signed checkpoints and proofs. No login; reveals
/// only commitments, sealed copies' hashes and padded sizes, types and hours, never a message, a file, a reviewer's
/// name or a reason (entries that hold those are served as leaf hashes only). A file's proof is found by its
/// SHA-256 only with the opening from its receipt.
struct LogController: Sendable {
    let log: TransparencyLog

    func register(on router: Router<EvidenceRequestContext>) {
        router.get("/log/key") { _, _ in
            Response.text(log.verifierKey.description + "\n")
        }
        router.get("/log/checkpoint") { _, _ in
            try await Self.offload { Response.text(try log.checkpoint()) }
        }
        router.get("/log/proof") { request, _ in
            try await Self.offload {
                if let sha = request.uri.queryParameters.get("sha256") {
                    let opening = request.uri.queryParameters.get("opening")
                    guard Self.isSHA256(sha) else { return Response.jsonError(.badRequest, "sha256 must be 64 hexadecimal digits") }
                    if let opening, !Self.isSHA256(opening) { return Response.jsonError(.badRequest, "opening must be 64 hexadecimal digits") }
                    guard let proof = try log.inclusionProof(sha256: sha, opening: opening) else {
                        return Response.jsonError(.notFound, "no file with this SHA-256 and opening is in the log")
                    }
                    return try Response.json(proof)
                }
                guard let index = request.uri.queryParameters.get("index", as: Int.self), index >= 0 else {
                    return Response.jsonError(.badRequest, "give sha256=HEX&opening=HEX (from the receipt) or index=N")
                }
                guard index < (try log.store.logSize()) else { return Response.jsonError(.notFound, "no entry \(index) in the log") }
                var proof = try log.inclusionProof(index: index)
                if try log.store.logEntries(index..<(index + 1)).first?.isPublic != true { proof.entry = nil }
                return try Response.json(proof)
            }
        }
        router.get("/log/consistency") { request, _ in
            try await Self.offload {
                guard let from = request.uri.queryParameters.get("from", as: Int.self),
                    let to = request.uri.queryParameters.get("to", as: Int.self), from >= 0, from <= to
                else { return Response.jsonError(.badRequest, "give from=N&to=M with 0 <= N <= M") }
                guard to <= (try log.store.logSize()) else { return Response.jsonError(.notFound, "the log has fewer than \(to) entries") }
                return try Response.json(log.consistencyProof(from: from, to: to))
            }
        }
    }

    static func isSHA256(_ text: String) -> Bool {
        text.utf8.count == 64 && text.allSatisfy(\.isHexDigit)
    }

    /// Tree hashing reads the database: keep it off the event loop.
    static func offload(_ body: @escaping @Sendable () throws -> Response) async throws -> Response {
        try await NIOThreadPool.singleton.runIfActive(body)
    }
}

extension Response {
    static func text(_ text: String) -> Response {
        Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: try jsonBytes(value))))
    }

    /// The JSON every endpoint serves: keys sorted, slashes as they are.
    static func jsonBytes(_ value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(value)
    }

    static func jsonError(_ status: HTTPResponse.Status, _ message: String) -> Response {
        (try? json(["error": message], status: status)) ?? Response(status: status)
    }
}
