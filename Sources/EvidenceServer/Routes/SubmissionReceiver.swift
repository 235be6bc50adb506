import EvidenceCore
import Foundation
import MediaScrub

/// Turns multipart events into spooled uploads and a message. After the first problem it keeps reading
/// (so the client gets an answer, not a reset connection) but stores nothing more.
final class SubmissionReceiver {
    private let spool: URL
    private let limits: SubmissionLimits
    private var current: SpoolFile?
    private var inMessage = false
    private var messageBytes: [UInt8] = []
    private var currentField: String?
    /// The submitter ticked "also keep my original" (honoured only when the operator allows it).
    private(set) var keepOriginals = false
    /// A receipt code sent with the form (adding to an earlier submission from the status page).
    private(set) var receiptCode = ""
    /// Finished resumable uploads named by the form (`upload` fields: their URL or its last part).
    private(set) var resumableTokens: [String] = []
    private(set) var uploads: [SpooledUpload] = []
    private(set) var failure: (any Error)?

    init(spool: URL, limits: SubmissionLimits) {
        self.spool = spool
        self.limits = limits
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
                    guard uploads.count < limits.maxFiles else { throw SubmissionError.tooManyFiles(limits.maxFiles) }
                    current = try SpoolFile(in: spool, sizeLimit: limits.maxFileBytes, floor: limits.freeSpaceFloor)
                } else {
                    inMessage = headers.name == "message"
                    currentField = headers.name
                    if headers.name == "upload" {
                        guard uploads.count + resumableTokens.count < limits.maxFiles else { throw SubmissionError.tooManyFiles(limits.maxFiles) }
                        resumableTokens.append("")
                    }
                }
            case .body(let bytes):
                if let current {
                    try bytes.withUnsafeBytes { try current.append($0) }
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
                    keepOriginals = limits.allowsKeepingOriginals && !bytes.isEmpty
                } else if inMessage {
                    guard messageBytes.count + bytes.count <= limits.maxMessageBytes else {
                        throw SubmissionError.messageTooLong(limits.maxMessageBytes)
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
                        let upload: SpooledUpload
                        do {
                            upload = try file.finish()
                        } catch {
                            file.discard()
                            throw error
                        }
                        guard upload.sniffedType != nil || limits.acceptsUnknownTypes else {
                            upload.remove()
                            throw CoreError.unsupportedType
                        }
                        uploads.append(upload)
                    }
                }
                inMessage = false
                currentField = nil
            }
        } catch {
            fail(error)
        }
    }

    /// Records the first error and drops everything spooled so far.
    func fail(_ error: any Error) {
        if failure == nil { failure = error }
        discardAll()
    }

    func discardAll() {
        current?.discard()
        current = nil
        uploads.forEach { $0.remove() }
        uploads = []
        messageBytes = []
    }
}
