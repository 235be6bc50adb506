import EvidenceCore
import Foundation

/// The receipt as files to keep: plain text for people (in their language), JSON for tools. Offered as `data:`
/// links on the receipt page, because the code is shown once and never stored: nothing could serve it later.
/// Both name the site, so that months later the person knows where to check (`/status`, `/verify`), and list the
/// files refused on their own.
enum ReceiptDownload {
    static func text(_ receipt: Receipt, refused: [RefusedFile] = [], site: SiteAddress, words: Catalogue) -> String {
        var lines = [words.text("receipt_text_title")]
        if let host = site.host { lines.append(words.text("receipt_text_site", ["address": host])) }
        if let onion = site.onion { lines.append(words.text("receipt_text_onion", ["address": onion])) }
        lines += [
            "",
            words.text("receipt_text_code", ["code": receipt.code]),
            words.text("receipt_received", ["hour": words.hour(receipt.receivedHour)]),
            "",
            words.text("receipt_text_status", ["address": pages("/status", on: site)]),
            words.text("receipt_text_verify", ["address": pages("/verify", on: site)]),
            "",
        ]
        for (index, file) in receipt.files.enumerated() {
            lines += [
                words.text("receipt_text_file", ["n": String(index + 1), "type": words.typeName(mimeType: file.type), "bytes": String(file.originalSize)]),
                "  \(words.text("receipt_original_sha")): \(file.originalSHA256)",
                "  \(words.text("receipt_cleaned_sha")): \(file.cleanedSHA256)",
                "  \(words.text("receipt_opening")): \(file.opening)",
                "  \(words.text("receipt_text_log_entry", ["index": String(file.logIndex)]))",
            ]
            if file.warning != nil { lines.append("  \(words.text("receipt_warning")): \(words.text("receipt_uncleaned_warning"))") }
            lines += file.removed.map { "  \(words.text("receipt_removed")): \($0.what) (\($0.bytes))" }
            if let byte = file.keptAsReceivedAfter { lines.append("  " + words.text("receipt_damaged", ["byte": String(byte)])) }
            lines.append("")
        }
        if !refused.isEmpty {
            lines.append(words.text("refused_title"))
            for item in RefusedFilesAnswer.pageValues(refused, words) {
                let name = (item["name"] as? String).flatMap { $0.isEmpty ? nil : ": \($0)" } ?? ""
                lines.append("  \(item["label"] ?? "")\(name) — \(item["reason"] ?? "")")
            }
            lines.append("")
        }
        lines += [words.text("receipt_text_check"), words.text("receipt_text_proof"), ""]
        if let checkpoint = receipt.checkpoint { lines.append(checkpoint) }
        return lines.joined(separator: "\n")
    }

    /// The receipt's own JSON (`Receipt`, as `POST /submissions` answers it) with a `site` object beside its keys.
    static func json(_ receipt: Receipt, refused: [RefusedFilesAnswer.Entry] = [], site: SiteAddress) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let kept = Kept(
            receipt: receipt, refused: refused,
            site: .init(address: site.host, onion: site.onion, status: pages("/status", on: site), verify: pages("/verify", on: site)))
        return (try? encoder.encode(kept)) ?? Data()
    }

    /// `path` on each address of the site ("drop.example.org/status · abc.onion/status"), or the bare path when the
    /// request named no host and no onion address is set.
    static func pages(_ path: String, on site: SiteAddress) -> String {
        let addresses = [site.host, site.onion].compactMap { $0.map { $0 + path } }
        return addresses.isEmpty ? path : addresses.joined(separator: " · ")
    }

    private struct Kept: Encodable {
        struct Site: Encodable {
            let address: String?
            let onion: String?
            let status: String
            let verify: String
        }

        let receipt: Receipt
        let refused: [RefusedFilesAnswer.Entry]
        let site: Site

        enum Key: String, CodingKey { case refused, site }

        func encode(to encoder: any Encoder) throws {
            try receipt.encode(to: encoder)
            var container = encoder.container(keyedBy: Key.self)
            if !refused.isEmpty { try container.encode(refused, forKey: .refused) }
            try container.encode(site, forKey: .site)
        }
    }

    /// A `data:` URL of `bytes`. Its characters are letters, digits and `+/=:;,-.` only (base64 and a media type of
    /// such characters), so the receipt page puts it into an attribute unescaped.
    static func dataURL(_ bytes: Data, type: String) -> String {
        precondition(type.utf8.allSatisfy(isURLSafe), "a data URL's media type of letters, digits and ;=/-.+ only")
        return "data:\(type);base64,\(bytes.base64EncodedString())"
    }

    static func isURLSafe(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
        default: Array("+/=:;,-.".utf8).contains(byte)
        }
    }
}
