import EvidenceCore

/// `/status`: the submitter enters the receipt code and sees where each file stands. Nothing else is shown.
enum StatusPage {
    enum Outcome {
        case form
        case notFound
        case tooManyAttempts
        case found(receivedHour: String, files: [(typeName: String, status: ReviewStatus)])
    }

    static func render(_ outcome: Outcome, code: String = "") -> String {
        var body = """
            <h1>Check your submission</h1>
            <form action="/status" method="post">
            <p><label for="code">Receipt code</label>
            <input id="code" name="code" type="text" inputmode="numeric" autocomplete="off" spellcheck="false" size="32" required></p>
            <p><button type="submit">Check</button></p>
            </form>
            """
        switch outcome {
        case .form:
            break
        case .notFound:
            body += """
                <section class="result" id="result"><p class="error">No submission matches this code. Check that you typed all
                25 digits; spaces and dashes do not matter.</p></section>
                """
        case .tooManyAttempts:
            body += "<section class=\"result\" id=\"result\"><p class=\"error\">Too many attempts right now. Please wait a few minutes and try again.</p></section>"
        case .found(let hour, let files):
            body += """
                <section class="result" id="result"><h2>Your submission</h2>
                <p>Received in the hour starting \(HTML.escape(hour)) (UTC).</p><ul>
                """
            for (index, file) in files.enumerated() {
                body += "<li>File \(index + 1), \(HTML.escape(file.typeName)): <strong>\(label(file.status))</strong></li>"
            }
            body += """
                </ul></section>
                <section class="add"><h2>Add more files or a message</h2>
                <form action="/status/add" method="post" enctype="multipart/form-data">
                <input type="hidden" name="code" value="\(HTML.escape(code))">
                <p><label for="add-files">More files (optional)</label>
                <input id="add-files" name="files" type="file" multiple></p>
                <p><label for="add-message">A message (optional)</label>
                <textarea id="add-message" name="message" rows="4" maxlength="20000"></textarea></p>
                <p><button type="submit">Add</button></p>
                </form></section>
                """
        }
        body += "<p><a href=\"/\">Back to the form</a></p>"
        return HTML.page(title: "Check your submission", body: body)
    }

    static func label(_ status: ReviewStatus) -> String {
        switch status {
        case .pending: "received, waiting for review"
        case .approved: "accepted"
        case .rejected: "not accepted"
        }
    }
}
