import EvidenceCore
import Foundation
import MediaScrub

/// The page a submitter sees after sending: the receipt code once, and what happened to each file.
enum ReceiptPage {
    static func render(_ receipt: Receipt, addedToExisting: Bool = false) -> String {
        var body = """
            <h1>\(addedToExisting ? "Added to your submission. Thank you." : "Received. Thank you.")</h1>
            <section class="receipt">
            <p>Your receipt code:</p>
            <p class="code" id="receipt-code">\(HTML.escape(receipt.code))</p>
            <p class="warning"><strong>Write this code down or save it somewhere safe now.</strong> It is shown only once and we cannot recover it.
            Anyone who has it can check the status of this submission. Keep it away from anyone who should not know you sent it.</p>
            <p>Save the receipt: <a download="evidence-receipt.txt" href="\(ReceiptDownload.dataURL(Data(ReceiptDownload.text(receipt).utf8), type: "text/plain;charset=utf-8"))">as text</a>
            · <a download="evidence-receipt.json" href="\(ReceiptDownload.dataURL(ReceiptDownload.json(receipt), type: "application/json"))">as JSON</a></p>
            </section>
            <h2>Your files</h2>
            <p>Received in the hour starting \(HTML.escape(receipt.receivedHour)) (times are kept only to the hour).\(receipt.messageIncluded ? " Your message was received and encrypted for the reviewers." : "")</p>
            """
        for (index, file) in receipt.files.enumerated() {
            body += """
                <section class="file">
                <h3>File \(index + 1): \(HTML.escape(file.typeName))</h3>
                <dl>
                <dt>Size received</dt><dd>\(ByteCountText.format(file.originalSize)) (\(file.originalSize) bytes)</dd>
                <dt>SHA-256 of what you sent</dt><dd><code>\(file.originalSHA256)</code></dd>
                <dt>SHA-256 of the cleaned copy we keep</dt><dd><code>\(file.cleanedSHA256)</code></dd>
                <dt>Transparency log entry</dt><dd>\(file.logIndex)</dd>
                \(file.originalKept ? "<dt>Original</dt><dd>kept as you asked, with its metadata, encrypted for the reviewers</dd>" : "")
                \(file.warning.map { "<dt>Warning</dt><dd class=\"warning\"><strong>\(HTML.escape($0))</strong></dd>" } ?? "")
                <dt>Removed</dt><dd>\(removedList(file))</dd>
                </dl>
                </section>
                """
        }
        body += """
            <h2>How to check a file yourself</h2>
            <p>The SHA-256 is a fingerprint of the file: if even one byte differs, it changes completely.
            To check the file you sent, compute its fingerprint on your own device and compare it with the one above:</p>
            <pre>sha256sum photo.jpg</pre>
            <p>On Windows: <code>certutil -hashfile photo.jpg SHA256</code>. On macOS: <code>shasum -a 256 photo.jpg</code>.</p>
            <p>Every file's arrival is recorded in a public, tamper-evident log. Anyone can check that a file is in it on the
            <a href="/verify">verify page</a>, and the signed checkpoint below proves this submission was received in that hour.</p>
            \(receipt.checkpoint.map { "<pre class=\"checkpoint\">\(HTML.escape($0))</pre>" } ?? "")
            <p>Removing metadata does not remove what is visible or audible: faces, reflections, street signs and voices stay in the picture or recording.</p>
            <p><a href="/">Send more files</a></p>
            """
        return HTML.page(title: "Received — your receipt", body: body)
    }

    private static func removedList(_ file: ReceiptFile) -> String {
        if file.warning != nil { return "nothing: this file could not be cleaned" }
        if file.removed.isEmpty && file.added.isEmpty { return "nothing: no metadata was found" }
        var items = file.removed.map { item in
            "<li>\(HTML.escape(item.what))\(item.count > 1 ? " ×\(item.count)" : "") (\(ByteCountText.format(Int64(item.bytes))))</li>"
        }
        items += file.added.map { "<li>kept: \(HTML.escape($0))</li>" }
        return "<ul>\(items.joined())</ul>"
    }
}
