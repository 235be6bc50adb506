import EvidenceCore

/// The public check: is a file in the log? Shows only the proof (index, tree size, audit path, checkpoint),
/// nothing else about the submission.
enum VerifyPage {
    enum Outcome {
        case none
        case invalid(String)
        case notFound(sha256: String)
        case found(InclusionProof)
    }

    static func render(_ outcome: Outcome) -> String {
        var body = """
            <h1>Check a file</h1>
            <p>Find out whether a file was received, by its SHA-256 fingerprint. Nothing you enter or pick here is stored.</p>
            <form action="/verify" method="get">
            <p><label for="sha256">SHA-256 (64 characters)</label>
            <input id="sha256" name="sha256" type="text" inputmode="latin" autocomplete="off" spellcheck="false" pattern="[0-9a-fA-F]{64}" size="66"></p>
            <p><button type="submit">Check</button></p>
            </form>
            <form id="file-form" action="/verify" method="post" enctype="multipart/form-data">
            <p><label for="file">…or pick the file</label>
            <input id="file" name="file" type="file"></p>
            <p class="hint">With JavaScript on, the file is hashed on your device and never sent. Without it, it is sent to be hashed and then discarded.</p>
            <p><button type="submit">Check this file</button></p>
            </form>
            """
        switch outcome {
        case .none:
            break
        case .invalid(let why):
            body += "<section class=\"result\"><p class=\"error\">\(HTML.escape(why))</p></section>"
        case .notFound(let sha):
            body += """
                <section class="result" id="result"><h2>Not found</h2>
                <p>No file with SHA-256 <code>\(sha)</code> is in the log. Check that you picked the file exactly as sent
                (the fingerprint on your receipt's "what you sent" line) or the cleaned copy.</p></section>
                """
        case .found(let proof):
            body += """
                <section class="result" id="result"><h2>Found in the log</h2>
                <p>A file with SHA-256 <code>\(HTML.escape(proof.sha256 ?? ""))</code> is recorded as entry <strong>\(proof.leafIndex)</strong>
                of a log of \(proof.treeSize) entries.</p>
                <p>The proof below lets anyone check this without trusting this server: the audit path leads from the entry to the
                root hash in the signed checkpoint (see <a href="/log/key">the log's key</a>).</p>
                <h3>Audit path</h3>
                <pre>\(proof.auditPath.joined(separator: "\n"))</pre>
                <h3>Signed checkpoint</h3>
                <pre class="checkpoint">\(HTML.escape(proof.checkpoint))</pre>
                <p><a href="/log/proof?sha256=\(HTML.escape(proof.sha256 ?? ""))">The proof as JSON</a>, for <code>Scripts/verify_log.py inclusion</code>.</p>
                </section>
                """
        }
        body += "<p><a href=\"/\">Back to the form</a></p><script src=\"/verify.js\"></script>"
        return HTML.page(title: "Check a file", body: body)
    }
}
