import EvidenceCore
import Foundation
import Hummingbird

/// The page a submitter sees after sending: the receipt code once, and what happened to each file.
/// The language switch is left off: following it would lose the code, which is never shown again.
enum ReceiptPage {
    static func response(
        _ pages: PageRenderer, _ language: Language, receipt: Receipt, refused: [RefusedFile] = [], addedToExisting: Bool
    ) -> Response {
        let words = pages.catalogue(language)
        let files = receipt.files.enumerated().map { index, file -> [String: Any] in
            let uncleaned = file.warning != nil
            return [
                "number": index + 1,
                "heading": words.text("receipt_file_heading", ["n": String(index + 1), "type": words.typeName(mimeType: file.type)]),
                "size": words.text("receipt_size_value", ["size": words.size(file.originalSize), "bytes": String(file.originalSize)]),
                "originalSHA256": file.originalSHA256,
                "cleanedSHA256": file.cleanedSHA256,
                "opening": file.opening,
                "logIndex": file.logIndex,
                "originalKept": file.originalKept,
                "uncleaned": uncleaned,
                "nothingFound": !uncleaned && file.removed.isEmpty && file.added.isEmpty,
                "hasItems": !uncleaned && !(file.removed.isEmpty && file.added.isEmpty),
                "removed": file.removed.map { item -> [String: Any] in
                    ["what": item.what, "times": item.count > 1 ? String(item.count) : false, "size": words.size(Int64(item.bytes))]
                },
                "added": file.added,
                "damaged": file.keptAsReceivedAfter.map { words.text("receipt_damaged", ["byte": String($0)]) } ?? false,
            ]
        }
        let heading = words.text(addedToExisting ? "receipt_heading_added" : "receipt_heading")
        let download = ReceiptDownload.text(receipt, words: words)
        return pages.response(
            "receipt", in: language, title: words.text("receipt_title"), switchPath: nil, status: .created,
            values: [
                "heading": heading,
                "code": receipt.code,
                "textDownload": ReceiptDownload.dataURL(Data(download.utf8), type: "text/plain;charset=utf-8"),
                "jsonDownload": ReceiptDownload.dataURL(ReceiptDownload.json(receipt), type: "application/json"),
                "receivedLine": words.text("receipt_received", ["hour": words.hour(receipt.receivedHour)]),
                "messageIncluded": receipt.messageIncluded,
                "files": files,
                "checkpoint": receipt.checkpoint ?? "",
                "refused": RefusedFilesAnswer.pageValues(refused, words),
                "hasRefused": !refused.isEmpty,
                "refusedIntro": words.text("refused_intro"),
                "acceptedTypesHint": refused.contains { $0.error == .unsupportedType } ? words.text("form_files_hint") : "",
            ])
    }
}
