import EvidenceCore
import Foundation
import MediaScrub

/// Turns multipart events into received uploads (scrubbed while they arrive, or spooled) and a message. A file whose
/// type, size or content is at fault is refused on its own (the rest of its bytes are read and dropped) and the
/// others go on. After any other problem it keeps reading (so the client gets an answer, not a reset connection)
/// but stores nothing more.
///
/// `handle` runs for each multipart event; between request buffers the controller awaits `afterBuffer`, which
/// finishes the files that ended and holds the request back while a scrubbing thread catches up.
final class SubmissionReceiver {
    private let spool: URL
    private let limits: SubmissionLimits
    /// What scrubbing while receiving needs; nil spools every file whole (as the tests of that path ask).
    private let scrubbing: ArrivingUpload.LiveScrubbing?
    private var current: (file: SubmittedFile, upload: ArrivingUpload)?
    /// The rest of a refused file's bytes are dropped as they come.
    private var skippingRefusedFile = false
    /// Files whose last byte is in, to be finished (their scrubbing thread awaited) after this buffer.
    private var ended: [(file: SubmittedFile, upload: ArrivingUpload)] = []
    /// How many files the post has named so far: sent, named as finished uploads, or left out by the browser.
    private var filesNamed = 0
    /// The name sent (by the JavaScript client) for the next `upload` field.
    private var nextUploadName = ""
    /// Files given up after a problem, whose scrubbing threads must end before the answer.
    private var abandoned: [ArrivingUpload] = []
    private var inMessage = false
    private var messageBytes: [UInt8] = []
    private var currentField: String?
    private var fieldValue: [UInt8] = []
    /// "Also keep my original": nil until a `keep_original` field comes. The form sends `keep_original=0` (and
    /// `=1` after it when ticked) before the files, so it is known before they arrive, and their originals need
    /// not be kept in the spool; the last value counts. Honoured only when the operator allows it.
    private var keepOriginalChoice: Bool?
    var keepOriginals: Bool { limits.allowsKeepingOriginals && keepOriginalChoice == true }
    /// A receipt code sent with the form (adding to an earlier submission from the status page).
    private(set) var receiptCode = ""
    /// The one-time token of the form page (`FormTokens`), when the post came from one.
    private(set) var formToken = ""
    /// Finished resumable uploads named by the form (`upload` fields: their URL or its last part).
    private(set) var resumableTokens: [(file: SubmittedFile, token: String)] = []
    private(set) var uploads: [(file: SubmittedFile, upload: ReceivedUpload)] = []
    /// Files refused on their own, in the order they came.
    private(set) var refused: [RefusedFile] = []
    private(set) var failure: (any Error)?

    init(spool: URL, limits: SubmissionLimits, scrubbing: ArrivingUpload.LiveScrubbing?) {
        self.spool = spool
        self.limits = limits
        self.scrubbing = scrubbing
    }

    var message: String? {
        messageBytes.isEmpty ? nil : String(decoding: messageBytes, as: UTF8.self)
    }

    func handle(_ event: MultipartStreamParser.Event) {
        guard failure == nil else { return }
        do {
            switch event {
            case .partBegin(let headers):
                if headers.name == "files" && headers.isFile {
                    let file = try nextFile(named: headers.filename)
                    current = (file, try ArrivingUpload(
                        in: spool, sizeLimit: limits.maxFileBytes, floor: limits.freeSpaceFloor, scrubbing: scrubbing,
                        mayKeepOriginal: limits.allowsKeepingOriginals && keepOriginalChoice != false))
                } else {
                    inMessage = headers.name == "message"
                    currentField = headers.name
                    fieldValue = []
                    if headers.name == "upload" {
                        resumableTokens.append((try nextFile(named: nextUploadName), ""))
                        nextUploadName = ""
                    }
                }
            case .body(let bytes):
                if let current {
                    do {
                        try current.upload.append(bytes)
                        // Refuse an unknown type as soon as its first bytes show it, not after gigabytes.
                        if !limits.acceptsUnknownTypes && current.upload.prefix.count >= MediaSniffer.prefixLength
                            && current.upload.sniffedType == nil
                        {
                            throw CoreError.unsupportedType
                        }
                    } catch {
                        guard let fault = CoreError.fileFault(error) else { throw error }
                        abandon(current.upload)
                        refused.append(RefusedFile(file: current.file, error: fault))
                        self.current = nil
                        skippingRefusedFile = true
                    }
                } else if skippingRefusedFile {
                    return
                } else if currentField == "upload" {
                    guard resumableTokens[resumableTokens.count - 1].token.utf8.count + bytes.count <= 300 else {
                        throw MultipartError.malformed("an upload reference is too long")
                    }
                    resumableTokens[resumableTokens.count - 1].token += String(decoding: bytes, as: UTF8.self)
                } else if currentField == "upload_name" || currentField == "skipped" {
                    guard fieldValue.count + bytes.count <= 1024 else { throw MultipartError.malformed("a file name is too long") }
                    fieldValue += bytes
                } else if currentField == "code" {
                    guard receiptCode.utf8.count + bytes.count <= 200 else { throw MultipartError.malformed("the receipt code is too long") }
                    receiptCode += String(decoding: bytes, as: UTF8.self)
                } else if currentField == "form_token" {
                    guard formToken.utf8.count + bytes.count <= 64 else { throw MultipartError.malformed("the form token is too long") }
                    formToken += String(decoding: bytes, as: UTF8.self)
                } else if currentField == "keep_original" {
                    guard fieldValue.count + bytes.count <= 16 else { throw MultipartError.malformed("keep_original is too long") }
                    fieldValue += bytes
                } else if inMessage {
                    guard messageBytes.count + bytes.count <= MessageLength.maximumBytes(characters: limits.maxMessageCharacters) else {
                        throw SubmissionError.messageTooLong(limits.maxMessageCharacters)
                    }
                    messageBytes += bytes
                }
            case .partEnd:
                if let arrived = current {
                    current = nil
                    if arrived.upload.size > 0 {
                        ended.append(arrived)
                    } else if arrived.file.name.isEmpty {
                        // A file input left empty still sends an empty part: skip it.
                        arrived.upload.discard()
                        filesNamed -= 1
                    } else {
                        arrived.upload.discard()
                        refused.append(RefusedFile(file: arrived.file, error: .damagedFile("the file is empty")))
                    }
                } else if skippingRefusedFile {
                    skippingRefusedFile = false
                } else if currentField == "upload_name" {
                    nextUploadName = String(decoding: fieldValue, as: UTF8.self)
                } else if currentField == "skipped" {
                    // A file the browser left out, having seen from its first bytes that it is of no accepted type.
                    let file = try nextFile(named: String(decoding: fieldValue, as: UTF8.self))
                    refused.append(RefusedFile(file: file, error: .unsupportedType))
                } else if currentField == "keep_original" {
                    keepOriginalChoice = !fieldValue.isEmpty && fieldValue != Array("0".utf8)
                } else if inMessage, MessageLength.characters(String(decoding: messageBytes, as: UTF8.self)) > limits.maxMessageCharacters {
                    throw SubmissionError.messageTooLong(limits.maxMessageCharacters)
                }
                inMessage = false
                currentField = nil
            }
        } catch {
            fail(error)
        }
    }

    /// After each request buffer: finishes the files that ended in it, then waits while the current file's
    /// scrubbing thread is behind.
    func afterBuffer() async {
        let ending = ended
        ended = []
        for (index, arrived) in ending.enumerated() {
            guard failure == nil else {
                ending[index...].forEach { abandon($0.upload) }
                return
            }
            do {
                let upload = try await arrived.upload.finish()
                guard upload.sniffedType != nil || limits.acceptsUnknownTypes else {
                    upload.discard()
                    throw CoreError.unsupportedType
                }
                uploads.append((arrived.file, upload))
            } catch {
                if let fault = CoreError.fileFault(error) {
                    refused.append(RefusedFile(file: arrived.file, error: fault))
                } else {
                    fail(error)
                }
            }
        }
        await current?.upload.waitForRoom()
    }

    /// The next file of the post, counted against the limit on files.
    private func nextFile(named name: String) throws -> SubmittedFile {
        guard filesNamed < limits.maxFiles else { throw SubmissionError.tooManyFiles(limits.maxFiles) }
        filesNamed += 1
        return SubmittedFile(position: filesNamed, name: name)
    }

    /// Ends the body: finishes the files that ended, and waits for every thread of a file given up.
    func finish() async {
        await afterBuffer()
        for file in abandoned { await file.settle() }
        abandoned = []
    }

    /// Records the first error and drops everything spooled so far.
    func fail(_ error: any Error) {
        if failure == nil { failure = error }
        discardAll()
    }

    func discardAll() {
        current.map { abandon($0.upload) }
        current = nil
        ended.forEach { abandon($0.upload) }
        ended = []
        uploads.forEach { $0.upload.discard() }
        uploads = []
        messageBytes = []
    }

    private func abandon(_ file: ArrivingUpload) {
        file.discard()
        abandoned.append(file)
    }
}
