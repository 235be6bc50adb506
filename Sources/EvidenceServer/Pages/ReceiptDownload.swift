import EvidenceCore
import Foundation

/// The receipt as files to keep: plain text for people, JSON for tools. Offered as `data:` links on the
/// receipt page, because the code is shown once and never stored: nothing on the server could serve it later.
enum ReceiptDownload {
    static func text(_ receipt: Receipt) -> String {
        var lines = [
            "evidence-drop receipt",
            "",
            "Receipt code: \(receipt.code)",
            "Received in the hour starting \(receipt.receivedHour) (UTC).",
            "",
        ]
        for (index, file) in receipt.files.enumerated() {
            lines += [
                "File \(index + 1): \(file.typeName) (\(file.type)), \(file.originalSize) bytes",
                "  SHA-256 of what you sent:           \(file.originalSHA256)",
                "  SHA-256 of the cleaned copy we keep: \(file.cleanedSHA256)",
                "  transparency log entry:             \(file.logIndex)",
            ]
            if let warning = file.warning { lines.append("  WARNING: \(warning)") }
            lines += file.removed.map { "  removed: \($0.what) (\($0.bytes) bytes)" }
            lines.append("")
        }
        lines += [
            "Check a file: sha256sum FILE   (Windows: certutil -hashfile FILE SHA256)",
            "The signed log checkpoint below includes every entry above; the server's /log/proof?sha256=HASH",
            "proves it, and Scripts/verify_log.py checks the proof without the server's software.",
            "",
        ]
        if let checkpoint = receipt.checkpoint { lines.append(checkpoint) }
        return lines.joined(separator: "\n")
    }

    static func json(_ receipt: Receipt) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(receipt)) ?? Data()
    }

    static func dataURL(_ bytes: Data, type: String) -> String {
        "data:\(type);base64,\(bytes.base64EncodedString())"
    }
}
