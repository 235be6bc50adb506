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
    let pages: PageRenderer
    let faults: FaultLog

    /// `addingToExisting`: the form came from the status page and must name an existing submission by its code;
    /// a wrong code gets the status page's uniform "not found" answer.
    func receive(_ request: Request, context: some RequestContext, addingToExisting: Bool = false) async throws -> Response {
        let wantsJSON = request.headers[.accept]?.contains("application/json") ?? false
        let language = Language.of(request)
        func refuse(_ error: any Error) -> Response {
            Refusal(error).response(pages, language, wantsJSON: wantsJSON)
        }
        guard let boundary = Self.boundary(of: request.headers[.contentType]) else {
            return refuse(MultipartError.notMultipart)
        }
        // When the length already says no, answer before the body is sent (the 100-continue handler holds it back).
        if let length = request.headers[.contentLength].flatMap({ Int64($0) }), length > limits.maxSubmissionBytes {
            return refuse(SubmissionError.submissionTooLarge(limits.maxSubmissionBytes))
        }
        var parser = MultipartStreamParser(boundary: boundary)
        let declaredLength = request.headers[.contentLength].flatMap { Int64($0) } ?? 0
        // Read once: every file and the message are sealed to the same keys. Without them, files are spooled whole
        // and the ingest names the problem.
        let recipients = try? pipeline.currentRecipients()
        let scrubbing = recipients.map {
            ArrivingUpload.LiveScrubbing(
                pipeline: pipeline, recipients: $0, sealsInBackground: declaredLength >= IngestPipeline.backgroundSealingSize)
        }
        let receiver = SubmissionReceiver(spool: spool, limits: limits, scrubbing: scrubbing)
        // Below the free-space floor nothing is written: the body is read and dropped, and the answer is 507.
        do { try limits.freeSpaceFloor.check(spool) } catch { receiver.fail(error) }
        do {
            for try await buffer in request.body {
                try buffer.withUnsafeReadableBytes { bytes in
                    try parser.feed(bytes) { receiver.handle($0) }
                }
                await receiver.afterBuffer()
            }
            try parser.finish()
        } catch let error as MultipartError {
            receiver.fail(error)
        } catch {
            // The body stream itself failed: the client stopped before its Content-Length. That is a bad request,
            // not the server failing to store.
            receiver.fail(MultipartError.truncated)
        }
        await receiver.finish()
        if let failure = receiver.failure {
            return refuse(failure)
        }
        var uploads = receiver.uploads
        let tokens = receiver.resumableTokens
        do {
            // Completing takes file calls, and a pass over an upload whose hash did not go along with its
            // PATCHes: blocking work, off the event loop.
            let completed = try await NIOThreadPool.singleton.runIfActive { [partials, spool, limits] in
                var completed: [CompletedUpload] = []
                // Every named upload is checked before any is taken: a form naming one finished and one unknown or
                // unfinished upload is refused and leaves the finished one in place, to be named again.
                let handles = try tokens.map { token in
                    let last = token.split(separator: "/").last.map(String.init) ?? ""
                    guard let handle = PartialUploads.Handle(token: last.trimmingCharacters(in: .whitespacesAndNewlines)),
                        let (length, offset) = try partials.state(handle)
                    else { throw SubmissionError.unknownUpload }
                    guard offset == length else { throw PartialUploadError.incomplete(received: offset, length: length) }
                    guard length <= limits.maxFileBytes else { throw CoreError.fileTooLarge(limit: limits.maxFileBytes) }
                    return handle
                }
                do {
                    for handle in handles {
                        guard let upload = try partials.complete(handle, into: spool, sizeLimit: limits.maxFileBytes)
                        else { throw SubmissionError.unknownUpload }
                        completed.append(upload)
                        guard upload.spooled.sniffedType != nil || limits.acceptsUnknownTypes else { throw CoreError.unsupportedType }
                    }
                } catch {
                    completed.forEach { $0.discard() }
                    throw error
                }
                return completed
            }
            // Those scrubbed as their PATCHes arrived are ready once their scrubbing has taken the last bytes.
            for upload in completed { uploads.append(await upload.received(sealedTo: recipients)) }
        } catch {
            uploads.forEach { $0.discard() }
            return refuse(error)
        }
        let message = receiver.message
        let keepOriginals = receiver.keepOriginals
        let collected = uploads
        var existing: (code: String, submission: SubmissionRecord)?
        if addingToExisting {
            let code = receiver.receiptCode
            guard let submission = try await NIOThreadPool.singleton.runIfActive({ [pipeline] in try pipeline.submission(receiptCode: code) }) else {
                uploads.forEach { $0.discard() }
                return StatusPage.response(pages, language, outcome: .notFound, messageLimit: limits.maxMessageCharacters)
            }
            existing = (receiver.receiptCode, submission)
        } else if uploads.isEmpty {
            return refuse(CoreError.noFiles)
        }
        let receipt: Receipt
        do {
            let addingTo = existing
            receipt = try await Self.recordingThreads.runIfActive { [pipeline] in
                try pipeline.ingest(
                    received: collected, message: message, keepOriginals: keepOriginals, recipients: recipients, addingTo: addingTo)
            }
        } catch {
            // The operator's business (a full disk, a store that does not answer), not the submitter's.
            let status = Refusal(error).status
            if status == .internalServerError || status == Refusal.insufficientStorage {
                faults.report("a submission could not be stored", error: error)
            }
            return refuse(error)
        }
        if wantsJSON {
            return try Response.json(receipt, status: .created)
        }
        return ReceiptPage.response(pages, language, receipt: receipt, addedToExisting: addingToExisting, host: request.head.authority)
    }

    /// Recording a submission mostly waits for the disk (fsync), not the processor: more threads than cores let
    /// the uploads that end together be recorded in one commit (`GroupCommitter` in the pipeline).
    static let recordingThreads: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: 16)
        pool.start()
        return pool
    }()

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
