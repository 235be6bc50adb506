import EvidenceCore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOPosix

/// Resumable uploads, tus 1.0 (core, creation, termination) under `/uploads`. A finished upload becomes part of
/// a submission when the form is posted with its URL in an `upload` field, so it gets the same receipt.
struct TusController: Sendable {
    let partials: PartialUploads
    let limits: SubmissionLimits

    static let version = "1.0.0"
    static let resumable = HTTPField.Name("Tus-Resumable")!
    static let uploadLength = HTTPField.Name("Upload-Length")!
    static let uploadOffset = HTTPField.Name("Upload-Offset")!

    func register(on router: Router<EvidenceRequestContext>) {
        router.on("/uploads", method: .options) { _, _ in
            Response(status: .noContent, headers: [
                Self.resumable: Self.version, HTTPField.Name("Tus-Version")!: Self.version,
                HTTPField.Name("Tus-Extension")!: "creation,termination", HTTPField.Name("Tus-Max-Size")!: "\(limits.maxFileBytes)",
            ])
        }
        router.post("/uploads") { request, _ in
            guard request.headers[Self.resumable] == Self.version else { return Self.versionMismatch() }
            guard let length = request.headers[Self.uploadLength].flatMap({ Int64($0) }), length > 0 else {
                return Self.answer(.badRequest, "Upload-Length is required")
            }
            guard length <= limits.maxFileBytes else { return Self.answer(.contentTooLarge, "the file is larger than the limit") }
            do {
                try partials.floor.check(partials.floorFolder)
            } catch {
                return Self.answer(Refusal.insufficientStorage, "the server is out of space")
            }
            // Expired uploads go with the sweep (PartialUploadSweeper), not here: a scan per creation made a flood
            // of creations cost the square of their number.
            let handle: PartialUploads.Handle
            do {
                handle = try await blocking { try partials.create(length: length) }
            } catch PartialUploadError.tooMany {
                var answer = Self.answer(.serviceUnavailable, PartialUploadError.tooMany.description)
                answer.headers[.retryAfter] = "60"
                return answer
            }
            return Response(status: .created, headers: [.location: "/uploads/\(handle.token)", Self.resumable: Self.version])
        }
        router.head("/uploads/:token") { _, context in
            guard let handle = Self.handle(context), let (length, offset) = try await blocking({ try partials.state(handle) }) else {
                return Self.answer(.notFound)
            }
            return Response(status: .ok, headers: [
                Self.uploadOffset: "\(offset)", Self.uploadLength: "\(length)", Self.resumable: Self.version, .cacheControl: "no-store",
            ])
        }
        router.patch("/uploads/:token") { request, context in
            guard request.headers[Self.resumable] == Self.version else { return Self.versionMismatch() }
            guard request.headers[.contentType] == "application/offset+octet-stream" else { return Self.answer(.unsupportedMediaType) }
            guard let offset = request.headers[Self.uploadOffset].flatMap({ Int64($0) }) else {
                return Self.answer(.badRequest, "Upload-Offset is required")
            }
            guard let handle = Self.handle(context) else { return Self.answer(.notFound) }
            let writer: SegmentWriterBox
            do {
                guard let opened = try await blocking({ try partials.append(handle, at: offset).map(SegmentWriterBox.init) }) else {
                    return Self.answer(.notFound)
                }
                writer = opened
            } catch PartialUploadError.wrongOffset {
                return Self.answer(.conflict, "Upload-Offset does not match the upload's offset")
            } catch CoreError.storage {
                for try await _ in request.body {}
                return Self.answer(Refusal.insufficientStorage, "the server is out of space")
            }
            var failure: (any Error)?
            do {
                for try await buffer in request.body where failure == nil {
                    // After a refused write the rest is read and dropped, so the client gets the answer, not a reset.
                    do {
                        if partials.isShared {
                            let bytes = Array(buffer.readableBytesView)
                            try await blocking { try bytes.withUnsafeBytes { try writer.writer.append($0) } }
                        } else {
                            try buffer.withUnsafeReadableBytes { try writer.writer.append($0) }
                        }
                    } catch {
                        failure = error
                    }
                    // The upload's scrubbing, if it is scrubbed as it arrives, takes the bytes at its own pace.
                    await writer.writer.waitForRoom()
                }
            } catch {
                // A dropped connection keeps what arrived: the client resumes from the new offset.
            }
            // Sealing the piece can fail too on a full disk: then it is dropped and the offset stays where it was.
            var newOffset = offset
            do {
                newOffset = try await blocking { try writer.writer.finish() }
            } catch {
                failure = failure ?? error
            }
            let headers: HTTPFields = [Self.uploadOffset: "\(newOffset)", Self.resumable: Self.version]
            switch failure {
            case nil:
                return Response(status: .noContent, headers: headers)
            case PartialUploadError.beyondLength?:
                return Self.answer(.contentTooLarge, "more bytes than Upload-Length")
            case PartialUploadError.pieceTooSmall?:
                var answer = Self.answer(.badRequest, failure.map { "\($0)" } ?? "")
                answer.headers.append(contentsOf: headers)
                return answer
            case PartialUploadError.superseded?:
                // Its client resumed with a later PATCH: what this one brought is kept, and HEAD tells the offset.
                return Self.answer(.conflict, "a later PATCH of this upload took over")
            case CoreError.storage?:
                var answer = Self.answer(Refusal.insufficientStorage, "the server is out of space")
                answer.headers.append(contentsOf: headers)
                return answer
            case let error?:
                throw error
            }
        }
        router.delete("/uploads/:token") { _, context in
            guard let handle = Self.handle(context), try await blocking({ try partials.remove(handle) }) else { return Self.answer(.notFound) }
            return Response(status: .noContent, headers: [Self.resumable: Self.version])
        }
    }

    /// Runs `work` on the thread pool: it waits on the disk (a creation or a finished piece is synced), or for shared
    /// partial uploads on a database and an object store (the latter through tasks of its own, which a blocked
    /// cooperative thread could starve). Made in place, a flood of creations held the event loops and every other
    /// request waited behind them.
    func blocking<Value: Sendable>(_ work: @escaping @Sendable () throws -> Value) async throws -> Value {
        try await NIOThreadPool.singleton.runIfActive(work)
    }

    static func handle(_ context: EvidenceRequestContext) -> PartialUploads.Handle? {
        context.parameters.get("token").flatMap(PartialUploads.Handle.init(token:))
    }

    /// 412 names the versions this server speaks, as tus asks.
    static func versionMismatch() -> Response {
        var response = answer(.preconditionFailed)
        response.headers[HTTPField.Name("Tus-Version")!] = version
        return response
    }

    static func answer(_ status: HTTPResponse.Status, _ message: String? = nil) -> Response {
        Response(
            status: status, headers: [resumable: version, .contentType: "text/plain; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: (message ?? status.reasonPhrase) + "\n")))
    }
}

/// One PATCH's writer, handed between the request's task and the thread pool: used by one request at a time,
/// one call after another.
final class SegmentWriterBox: @unchecked Sendable {
    let writer: PartialSegmentWriter

    init(_ writer: PartialSegmentWriter) { self.writer = writer }
}
