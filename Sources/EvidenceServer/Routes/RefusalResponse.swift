import EvidenceCore
import Foundation
import Hummingbird
import NIOCore

/// The answer to an upload we cannot take: a status that says why and a readable page (or JSON).
enum RefusalResponse {
    static func make(for error: any Error, wantsJSON: Bool) -> Response {
        let (status, title, message) = classify(error)
        if wantsJSON {
            let body = (try? JSONEncoder().encode(["error": message])) ?? Data()
            return Response(
                status: status, headers: [.contentType: "application/json; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: body)))
        }
        return Response.html(ErrorPage.render(title: title, message: message), status: status)
    }

    static func classify(_ error: any Error) -> (HTTPResponse.Status, String, String) {
        switch error {
        case CoreError.unsupportedType:
            return (.unsupportedMediaType, "This kind of file is not accepted", CoreError.unsupportedType.description)
        case CoreError.fileTooLarge, SubmissionError.submissionTooLarge:
            return (.contentTooLarge, "The upload is too large", "\(error)")
        case CoreError.damagedFile:
            return (.badRequest, "The file is damaged", "\(error). If it came from a phone, send the original from the gallery again.")
        case CoreError.noFiles:
            return (.badRequest, "No file was attached", "\(error)")
        case CoreError.storage(let why) where why.contains("disk is full"):
            return (HTTPResponse.Status(code: 507, reasonPhrase: "Insufficient Storage"), "The server is out of space", "The server has no room for this upload right now. Please try again later.")
        case is MultipartError, is SubmissionError, is PartialUploadError:
            return (.badRequest, "The upload could not be read", "\(error)")
        default:
            return (.internalServerError, "Something went wrong", "The server could not store this upload. Please try again later.")
        }
    }
}
