import EvidenceCore
import Foundation
import Hummingbird

/// The page a submitter sees after sending: the receipt code once, how to save it and where to use it later, a
/// short list of the files received, and the technical proof of each file folded below.
/// The language switch is left off: following it would lose the code, which is never shown again.
enum ReceiptPage {
    /// `host`: the request's, naming the site in the saved receipt and its file name (never the code in a URL).
    static func response(
        _ pages: PageRenderer, _ language: Language, receipt: Receipt, refused: [RefusedFile] = [], addedToExisting: Bool,
        host: String?
    ) -> Response {
        let words = pages.catalogue(language)
        let site = SiteAddress(host: host, onion: pages.onionAddress)
        return pages.response(
            "receipt", in: language, title: words.text("receipt_title"), switchPath: nil, status: .created,
            values: values(
                receipt, refused: refused, addedToExisting: addedToExisting, site: site, words: words, english: pages.catalogue(.english)))
    }

    /// The receipt template's values.
    /// `english`: the words of the JSON download's reasons, as `POST /submissions` gives them to scripts.
    static func values(
        _ receipt: Receipt, refused: [RefusedFile] = [], addedToExisting: Bool, site: SiteAddress, words: Catalogue,
        english: Catalogue? = nil
    ) -> [String: Any] {
        let files = receipt.files.enumerated().map { index, file -> [String: Any] in
            let uncleaned = file.warning != nil
            let nothingFound = !uncleaned && file.removed.isEmpty && file.added.isEmpty
            return [
                "number": index + 1,
                "heading": words.text("receipt_file_heading", ["n": String(index + 1), "type": words.typeName(mimeType: file.type)]),
                "size": words.size(file.originalSize),
                "exactSize": words.text("receipt_size_value", ["size": words.size(file.originalSize), "bytes": String(file.originalSize)]),
                "originalSHA256": file.originalSHA256,
                "cleanedSHA256": file.cleanedSHA256,
                "opening": file.opening,
                "logIndex": file.logIndex,
                "originalKept": file.originalKept,
                "uncleaned": uncleaned,
                "cleaned": !uncleaned && !nothingFound,
                "nothingFound": nothingFound,
                "hasItems": !uncleaned && !nothingFound,
                "removed": file.removed.map { item -> [String: Any] in
                    ["what": item.what, "times": item.count > 1 ? String(item.count) : false, "size": words.size(Int64(item.bytes))]
                },
                "added": file.added,
                "damaged": file.keptAsReceivedAfter.map { words.text("receipt_damaged", ["byte": String($0)]) } ?? false,
            ]
        }
        let heading = words.text(addedToExisting ? "receipt_heading_added" : "receipt_heading")
        let download = ReceiptDownload.text(receipt, refused: refused, site: site, words: words)
        return [
            "heading": heading,
            "code": receipt.code,
            "textDownload": ReceiptDownload.dataURL(Data(download.utf8), type: "text/plain;charset=utf-8"),
            "jsonDownload": ReceiptDownload.dataURL(ReceiptDownload.json(
                receipt, refused: RefusedFilesAnswer.entries(refused, english ?? words), site: site), type: "application/json"),
            "textFileName": site.fileName(extension: "txt"),
            "jsonFileName": site.fileName(extension: "json"),
            "statusAddress": site.host.map { $0 + "/status" } ?? "",
            "verifyAddress": site.host.map { $0 + "/verify" } ?? "",
            "receivedLine": words.text("receipt_received", ["hour": words.hour(receipt.receivedHour)]),
            "messageIncluded": receipt.messageIncluded,
            "files": files,
            "checkpoint": receipt.checkpoint ?? "",
            "refused": RefusedFilesAnswer.pageValues(refused, words),
            "hasRefused": !refused.isEmpty,
            "refusedIntro": words.text("refused_intro"),
            "acceptedTypesHint": refused.contains { $0.error == .unsupportedType } ? words.text("form_files_hint") : "",
        ]
    }
}
