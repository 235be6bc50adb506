import EvidenceCore
import Foundation
import Hummingbird
import NIOCore

/// The files refused on their own, as the receipt lists them and as the answer when every file was refused.
struct RefusedFilesAnswer {
    /// In the order the submitter chose them.
    let refused: [RefusedFile]

    init(refused: [RefusedFile]) {
        self.refused = refused.sorted { $0.file.position < $1.file.position }
    }

    /// One refused file for JSON clients: the reason in English, as `Refusal` words it.
    struct Entry: Encodable {
        let position: Int
        let name: String
        let status: Int
        let reason: String
    }

    static func entries(_ refused: [RefusedFile], _ english: Catalogue) -> [Entry] {
        refused.map { refusedFile in
            let refusal = Refusal(refusedFile.error)
            var reason = refusal.message(in: english)
            if let detail = refusal.detail { reason += " (\(detail))" }
            return Entry(position: refusedFile.file.position, name: refusedFile.file.name, status: Int(refusal.status.code), reason: reason)
        }
    }

    /// What a page shows for each refused file: its place and name, and why, in the submitter's language.
    static func pageValues(_ refused: [RefusedFile], _ words: Catalogue) -> [[String: Any]] {
        refused.map { refusedFile in
            let refusal = Refusal(refusedFile.error)
            return [
                "position": refusedFile.file.position,
                "label": words.text("refused_file", ["n": String(refusedFile.file.position)]),
                "name": refusedFile.file.name,
                "reason": refusal.reason(in: words),
                "detail": refusal.detail ?? "",
            ]
        }
    }

    /// Every file was refused (nothing was kept): the first file's status, and the reason for each. A single file's
    /// refusal is headed and worded as that refusal.
    func response(_ pages: PageRenderer, _ language: Language, wantsJSON: Bool) -> Response {
        let single = refused.count == 1 ? Refusal(refused[0].error) : nil
        let status = refused.first.map { Refusal($0.error).status } ?? .badRequest
        if wantsJSON {
            struct Body: Encodable {
                let error: String
                let refused: [Entry]
            }
            let english = pages.catalogue(.english)
            let entries = Self.entries(refused, english)
            let body = Body(error: single == nil ? english.text("refused_none_title") : entries[0].reason, refused: entries)
            return Response(
                status: status, headers: [.contentType: "application/json; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: (try? JSONEncoder().encode(body)) ?? Data())))
        }
        let words = pages.catalogue(language)
        let title = single.map { words.text($0.titleKey) } ?? words.text("refused_none_title")
        return pages.response(
            "error", in: language, title: title, switchPath: "/", status: status,
            values: [
                "heading": title, "message": single?.message(in: words) ?? words.text("refused_none"), "aboutUpload": true,
                "refused": Self.pageValues(refused, words),
                "hasRefused": !refused.isEmpty,
                "acceptedTypesHint": single == nil && refused.contains { $0.error == .unsupportedType } ? words.text("form_files_hint") : "",
            ])
    }
}

/// The JSON receipt with the files refused on their own beside it.
struct ReceiptAnswer: Encodable {
    let receipt: Receipt
    let refused: [RefusedFile]
    let english: Catalogue

    private enum CodingKeys: String, CodingKey { case refused }

    func encode(to encoder: any Encoder) throws {
        try receipt.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(RefusedFilesAnswer.entries(refused, english), forKey: .refused)
    }
}
