import EvidenceCore
import Foundation
import Hummingbird
import NIOCore

/// The answer to an upload we cannot take: a status that says why and a readable page in the submitter's
/// language (or JSON, in English, for scripts).
struct Refusal {
    var status: HTTPResponse.Status
    /// Catalogue keys of the page's heading and message, and the message's `{placeholders}`.
    var titleKey: String
    var messageKey: String
    var values: [String: String] = [:]
    /// Catalogue texts added after the message, e.g. the list of accepted types.
    var furtherKeys: [String] = []
    /// The parser's own words (English, technical), shown as a detail under the message.
    var detail: String?

    static let insufficientStorage = HTTPResponse.Status(code: 507, reasonPhrase: "Insufficient Storage")

    /// What to answer for `error` thrown while receiving or storing an upload.
    init(_ error: any Error) {
        switch error {
        case CoreError.unsupportedType:
            self.init(status: .unsupportedMediaType, titleKey: "error_unsupported_title", messageKey: "error_unsupported")
            furtherKeys = ["form_files_hint"]
        case CoreError.fileTooLarge(let limit):
            self.init(status: .contentTooLarge, titleKey: "error_too_large_title", messageKey: "error_file_too_large", sizeLimit: limit)
        case SubmissionError.submissionTooLarge(let limit):
            self.init(status: .contentTooLarge, titleKey: "error_too_large_title", messageKey: "error_submission_too_large", sizeLimit: limit)
        case SubmissionError.tooManyFiles(let limit):
            self.init(status: .badRequest, titleKey: "error_unreadable_title", messageKey: "error_too_many_files", values: ["n": String(limit)])
        case SubmissionError.messageTooLong(let limit):
            self.init(status: .badRequest, titleKey: "error_unreadable_title", messageKey: "error_message_too_long", values: ["n": String(limit)])
        case SubmissionError.alreadySent:
            self.init(status: .conflict, titleKey: "error_already_sent_title", messageKey: "error_already_sent")
        case SubmissionError.unknownUpload:
            self.init(status: .badRequest, titleKey: "error_unreadable_title", messageKey: "error_unknown_upload")
        case CoreError.damagedFile(let why):
            self.init(status: .badRequest, titleKey: "error_damaged_title", messageKey: "error_damaged", detail: why)
        case CoreError.busy:
            self.init(status: .serviceUnavailable, titleKey: "error_busy_title", messageKey: "error_busy")
        case CoreError.noFiles:
            self.init(status: .badRequest, titleKey: "error_no_files_title", messageKey: "error_no_files")
        case CoreError.storage(let why) where why.contains("disk is full"):
            self.init(status: Self.insufficientStorage, titleKey: "error_full_title", messageKey: "error_full")
        case CoreError.storage(let why) where why.contains("read-only"):
            self.init(status: .serviceUnavailable, titleKey: "error_failed_title", messageKey: "error_failed")
        case is MultipartError, is PartialUploadError:
            self.init(status: .badRequest, titleKey: "error_unreadable_title", messageKey: "error_unreadable", detail: "\(error)")
        default:
            self.init(status: .internalServerError, titleKey: "error_failed_title", messageKey: "error_failed")
        }
    }

    init(status: HTTPResponse.Status, titleKey: String, messageKey: String, values: [String: String] = [:], detail: String? = nil) {
        self.status = status
        self.titleKey = titleKey
        self.messageKey = messageKey
        self.values = values
        self.detail = detail
    }

    /// `size` is filled in each language's units when the message is written.
    private init(status: HTTPResponse.Status, titleKey: String, messageKey: String, sizeLimit: Int64) {
        self.init(status: status, titleKey: titleKey, messageKey: messageKey, values: ["size-bytes": String(sizeLimit)])
    }

    func message(in words: Catalogue) -> String {
        ([reason(in: words)] + furtherKeys.map { words.text($0) }).joined(separator: " ")
    }

    /// The message alone, without the texts added after it.
    func reason(in words: Catalogue) -> String {
        var values = values
        if let bytes = values.removeValue(forKey: "size-bytes").flatMap(Int64.init) { values["size"] = words.limit(bytes) }
        return words.text(messageKey, values)
    }

    func response(_ pages: PageRenderer, _ language: Language, wantsJSON: Bool) -> Response {
        if wantsJSON {
            var english = message(in: pages.catalogue(.english))
            if let detail { english += " (\(detail))" }
            let body = (try? JSONEncoder().encode(["error": english])) ?? Data()
            return Response(
                status: status, headers: [.contentType: "application/json; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: body)))
        }
        let words = pages.catalogue(language)
        return ErrorPage.response(
            pages, language, title: words.text(titleKey), message: message(in: words), detail: detail, status: status)
    }
}
