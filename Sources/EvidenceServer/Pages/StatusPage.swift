import EvidenceCore
import Hummingbird
import MediaScrub

/// `/status`: the submitter enters the receipt code and sees where each file stands, and any message the
/// reviewers wrote back. Nothing else about the submission is shown.
enum StatusPage {
    struct Found {
        var receivedHour: String
        var files: [(type: MediaScrub.MediaType?, status: SubmitterStatus)]
        var replies: [(text: String, hour: String)]
    }

    enum Outcome {
        case form
        case notFound
        /// A source past its limit of wrong codes (a right one is always answered).
        case tooManyWrongCodes
        case found(Found)
    }

    /// `formToken`: the one-time token of the "add more files" form (`FormTokens`), shown with a found submission.
    static func response(
        _ pages: PageRenderer, _ language: Language, outcome: Outcome, code: String = "", formToken: String = "", limits: SubmissionLimits
    ) -> Response {
        let words = pages.catalogue(language)
        var values: [String: Any] = ["messageLimit": limits.maxMessageCharacters, "acceptsUnknownTypes": limits.acceptsUnknownTypes]
        switch outcome {
        case .form: break
        case .notFound: values["notFound"] = true
        case .tooManyWrongCodes: values["tooManyWrongCodes"] = true
        case .found(let found):
            values["found"] = true
            values["code"] = code
            values["formToken"] = formToken
            // "Add more files" goes up as the main form does: resumable, with progress.
            values["scripts"] = ["/sniff.js", "/submit.js", "/pickers.js"]
            values["receivedLine"] = words.text("status_received", ["hour": words.hour(found.receivedHour)])
            values["files"] = found.files.enumerated().map { index, file -> [String: Any] in
                [
                    "label": words.text("status_file", ["n": String(index + 1), "type": words.typeName(file.type)]),
                    "state": file.status.rawValue.replacingOccurrences(of: "_", with: "-"),
                    "status": words.text("status_\(file.status.rawValue)"),
                ]
            }
            values["hasReplies"] = !found.replies.isEmpty
            values["replies"] = found.replies.map { reply -> [String: Any] in
                ["text": reply.text, "hour": words.text("status_reply_hour", ["hour": words.hour(reply.hour)])]
            }
        }
        return pages.response("status", in: language, title: words.text("status_title"), switchPath: "/status", values: values)
    }
}
