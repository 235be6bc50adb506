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
    let tokens: FormTokens

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
        // The same form posted again (a reload of the page its post answered, a second Send) creates nothing new.
        let token = receiver.formToken
        let claim = tokens.claim(token)
        if claim == .alreadySent {
            uploads.forEach { $0.upload.discard() }
            return refuse(SubmissionError.alreadySent)
        }
        var received = false
        defer { if claim == .claimed { tokens.settle(token, received: received) } }
        var refused = receiver.refused
        let resumable = receiver.resumableTokens
        do {
            // Completing takes file calls, and a pass over an upload whose hash did not go along with its
            // PATCHes: blocking work, off the event loop.
            let (completed, unknownTypes) = try await NIOThreadPool.singleton.runIfActive { [partials, spool, limits] in
                var completed: [(SubmittedFile, CompletedUpload)] = []
                var unknownTypes: [RefusedFile] = []
                // Every named upload is checked before any is taken: a form naming one finished and one unknown or
                // unfinished upload is refused and leaves the finished one in place, to be named again.
                let handles = try resumable.map { named in
                    let last = named.token.split(separator: "/").last.map(String.init) ?? ""
                    guard let handle = PartialUploads.Handle(token: last.trimmingCharacters(in: .whitespacesAndNewlines)),
                        let (length, offset) = try partials.state(handle)
                    else { throw SubmissionError.unknownUpload }
                    guard offset == length else { throw PartialUploadError.incomplete(received: offset, length: length) }
                    guard length <= limits.maxFileBytes else { throw CoreError.fileTooLarge(limit: limits.maxFileBytes) }
                    return (named.file, handle)
                }
                do {
                    for (file, handle) in handles {
                        guard let upload = try partials.complete(handle, into: spool, sizeLimit: limits.maxFileBytes)
                        else { throw SubmissionError.unknownUpload }
                        if upload.spooled.sniffedType != nil || limits.acceptsUnknownTypes {
                            completed.append((file, upload))
                        } else {
                            upload.discard()
                            unknownTypes.append(RefusedFile(file: file, error: .unsupportedType))
                        }
                    }
                } catch {
                    completed.forEach { $0.1.discard() }
                    throw error
                }
                return (completed, unknownTypes)
            }
            refused += unknownTypes
            // Those scrubbed as their PATCHes arrived are ready once their scrubbing has taken the last bytes.
            for (file, upload) in completed { uploads.append((file, await upload.received(sealedTo: recipients))) }
        } catch {
            uploads.forEach { $0.upload.discard() }
            return refuse(error)
        }
        uploads.sort { $0.file.position < $1.file.position }
        let message = receiver.message
        let keepOriginals = receiver.keepOriginals
        let collected = uploads.map(\.upload)
        var existing: (code: String, submission: SubmissionRecord)?
        if addingToExisting {
            let code = receiver.receiptCode
            guard let submission = try await NIOThreadPool.singleton.runIfActive({ [pipeline] in try pipeline.submission(receiptCode: code) }) else {
                collected.forEach { $0.discard() }
                return StatusPage.response(pages, language, outcome: .notFound, limits: limits)
            }
            existing = (receiver.receiptCode, submission)
        }
        let messageAlone = addingToExisting && !(message ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        if uploads.isEmpty && !refused.isEmpty && !messageAlone {
            return RefusedFilesAnswer(refused: refused).response(pages, language, wantsJSON: wantsJSON)
        } else if uploads.isEmpty && !addingToExisting {
            return refuse(CoreError.noFiles)
        }
        var receipt: Receipt
        do {
            let addingTo = existing
            receipt = try await Self.recordingThreads.runIfActive { [pipeline] in
                try pipeline.ingest(
                    received: collected, message: message, keepOriginals: keepOriginals, recipients: recipients, addingTo: addingTo)
            }
        } catch let everyFile as EveryFileRefused {
            refused += everyFile.refusals.map { RefusedFile(file: uploads[$0.index].file, error: $0.error) }
            return RefusedFilesAnswer(refused: refused).response(pages, language, wantsJSON: wantsJSON)
        } catch {
            // The operator's business (a full disk, a store that does not answer), not the submitter's.
            let status = Refusal(error).status
            if status == .internalServerError || status == Refusal.insufficientStorage {
                faults.report("a submission could not be stored", error: error)
            }
            return refuse(error)
        }
        received = true
        refused += receipt.refusals.map { RefusedFile(file: uploads[$0.index].file, error: $0.error) }
        refused.sort { $0.file.position < $1.file.position }
        if wantsJSON {
            return try Response.json(ReceiptAnswer(receipt: receipt, refused: refused, english: pages.catalogue(.english)), status: .created)
        }
        return ReceiptPage.response(
            pages, language, receipt: receipt, refused: refused, addedToExisting: addingToExisting, host: request.head.authority)
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
