import EvidenceCore
import Foundation
import MediaScrub

/// Turns multipart events into received uploads (scrubbed while they arrive, or spooled) and a message. After the
/// first problem it keeps reading (so the client gets an answer, not a reset connection) but stores nothing more.
///
/// `handle` runs for each multipart event; between request buffers the controller awaits `afterBuffer`, which
/// finishes the files that ended and holds the request back while a scrubbing thread catches up.
final class SubmissionReceiver {
    private let spool: URL
    private let limits: SubmissionLimits
    /// What scrubbing while receiving needs; nil spools every file whole (as the tests of that path ask).
    private let scrubbing: ArrivingUpload.LiveScrubbing?
    private var current: ArrivingUpload?
    /// Files whose last byte is in, to be finished (their scrubbing thread awaited) after this buffer.
    private var ended: [ArrivingUpload] = []
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
    /// Finished resumable uploads named by the form (`upload` fields: their URL or its last part).
    private(set) var resumableTokens: [String] = []
    private(set) var uploads: [ReceivedUpload] = []
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
                    guard uploads.count + ended.count < limits.maxFiles else { throw SubmissionError.tooManyFiles(limits.maxFiles) }
                    current = try ArrivingUpload(
                        in: spool, sizeLimit: limits.maxFileBytes, floor: limits.freeSpaceFloor, scrubbing: scrubbing,
                        mayKeepOriginal: limits.allowsKeepingOriginals && keepOriginalChoice != false)
                } else {
                    inMessage = headers.name == "message"
                    currentField = headers.name
                    fieldValue = []
                    if headers.name == "upload" {
                        guard uploads.count + ended.count + resumableTokens.count < limits.maxFiles else { throw SubmissionError.tooManyFiles(limits.maxFiles) }
                        resumableTokens.append("")
                    }
                }
            case .body(let bytes):
                if let current {
                    try current.append(bytes)
                    // Refuse an unknown type as soon as its first bytes show it, not after gigabytes.
                    if !limits.acceptsUnknownTypes && current.prefix.count >= MediaSniffer.prefixLength && current.sniffedType == nil {
                        throw CoreError.unsupportedType
                    }
                } else if currentField == "upload" {
                    guard resumableTokens[resumableTokens.count - 1].utf8.count + bytes.count <= 300 else {
                        throw MultipartError.malformed("an upload reference is too long")
                    }
                    resumableTokens[resumableTokens.count - 1] += String(decoding: bytes, as: UTF8.self)
                } else if currentField == "code" {
                    guard receiptCode.utf8.count + bytes.count <= 200 else { throw MultipartError.malformed("the receipt code is too long") }
                    receiptCode += String(decoding: bytes, as: UTF8.self)
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
                if let file = current {
                    current = nil
                    // A file input left empty still sends an empty part: skip it.
                    if file.size == 0 {
                        file.discard()
                    } else {
                        ended.append(file)
                    }
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
        for (index, file) in ending.enumerated() {
            guard failure == nil else {
                ending[index...].forEach(abandon)
                return
            }
            do {
                let upload = try await file.finish()
                guard upload.sniffedType != nil || limits.acceptsUnknownTypes else {
                    upload.discard()
                    throw CoreError.unsupportedType
                }
                uploads.append(upload)
            } catch {
                fail(error)
            }
        }
        await current?.waitForRoom()
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
        current.map(abandon)
        current = nil
        ended.forEach(abandon)
        ended = []
        uploads.forEach { $0.discard() }
        uploads = []
        messageBytes = []
    }

    private func abandon(_ file: ArrivingUpload) {
        file.discard()
        abandoned.append(file)
    }
}
