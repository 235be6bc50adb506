import EvidenceCore
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOPosix

/// `POST /submissions`: streams the multipart body into the spool, then runs the ingest pipeline off the event loop.
struct SubmissionController: Sendable {
    let pipeline: IngestPipeline
    let spool: URL
    let limits: SubmissionLimits
    let partials: PartialUploads

    /// `addingToExisting`: the form came from the status page and must name an existing submission by its code;
    /// a wrong code gets the status page's uniform "not found" answer.
    func receive(_ request: Request, context: some RequestContext, addingToExisting: Bool = false) async throws -> Response {
        let wantsJSON = request.headers[.accept]?.contains("application/json") ?? false
        guard let boundary = Self.boundary(of: request.headers[.contentType]) else {
            return RefusalResponse.make(for: MultipartError.notMultipart, wantsJSON: wantsJSON)
        }
        // When the length already says no, answer before the body is sent (the 100-continue handler holds it back).
        if let length = request.headers[.contentLength].flatMap({ Int64($0) }), length > limits.maxSubmissionBytes {
            return RefusalResponse.make(for: SubmissionError.submissionTooLarge(limits.maxSubmissionBytes), wantsJSON: wantsJSON)
        }
        var parser = MultipartStreamParser(boundary: boundary)
        let receiver = SubmissionReceiver(spool: spool, limits: limits)
        do {
            for try await buffer in request.body {
                try buffer.withUnsafeReadableBytes { bytes in
                    try parser.feed(bytes) { receiver.handle($0) }
                }
            }
            try parser.finish()
        } catch {
            receiver.fail(error)
        }
        if let failure = receiver.failure {
            return RefusalResponse.make(for: failure, wantsJSON: wantsJSON)
        }
        var uploads = receiver.uploads
        do {
            for token in receiver.resumableTokens {
                let last = token.split(separator: "/").last.map(String.init) ?? ""
                guard let handle = PartialUploads.Handle(token: last.trimmingCharacters(in: .whitespacesAndNewlines)),
                    let upload = try partials.complete(handle, into: spool, sizeLimit: limits.maxFileBytes)
                else { throw SubmissionError.unknownUpload }
                guard upload.sniffedType != nil || limits.acceptsUnknownTypes else {
                    upload.remove()
                    throw CoreError.unsupportedType
                }
                uploads.append(upload)
            }
        } catch {
            uploads.forEach { $0.remove() }
            return RefusalResponse.make(for: error, wantsJSON: wantsJSON)
        }
        let message = receiver.message
        let keepOriginals = receiver.keepOriginals
        let collected = uploads
        var existing: (code: String, submission: SubmissionRecord)?
        if addingToExisting {
            guard let submission = try pipeline.submission(receiptCode: receiver.receiptCode) else {
                uploads.forEach { $0.remove() }
                return Response.html(StatusPage.render(.notFound))
            }
            existing = (receiver.receiptCode, submission)
        } else if uploads.isEmpty {
            return RefusalResponse.make(for: CoreError.noFiles, wantsJSON: wantsJSON)
        }
        let receipt: Receipt
        do {
            let addingTo = existing
            receipt = try await NIOThreadPool.singleton.runIfActive { [pipeline] in
                try pipeline.ingest(collected, message: message, keepOriginals: keepOriginals, addingTo: addingTo)
            }
        } catch {
            if RefusalResponse.classify(error).0 == .internalServerError {
                context.logger.error("a submission could not be stored", metadata: ["error": "\(error)"])
            }
            return RefusalResponse.make(for: error, wantsJSON: wantsJSON)
        }
        context.logger.info("submission stored", metadata: ["files": "\(receipt.files.count)"])
        if wantsJSON {
            return try Response.json(receipt, status: .created)
        }
        return Response.html(ReceiptPage.render(receipt, addedToExisting: addingToExisting), status: .created)
    }

    /// The boundary parameter of a multipart/form-data Content-Type, or nil.
    static func boundary(of contentType: String?) -> String? {
        guard let contentType else { return nil }
        let parts = contentType.split(separator: ";")
        guard parts.first?.trimmingSpaces().lowercased() == "multipart/form-data" else { return nil }
        for parameter in parts.dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1)
            if pair.count == 2, pair[0].trimmingSpaces().lowercased() == "boundary" {
                let value = pair[1].trimmingSpaces().trimmingQuotes()
                return (1...70).contains(value.utf8.count) ? value : nil
            }
        }
        return nil
    }
}

extension Response {
    static func html(_ page: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: page)))
    }
}
