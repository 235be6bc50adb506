import EvidenceCore
import Hummingbird

/// `GET /` and `GET /index.html`: the upload form, in the request's language, without the "keep my original"
/// choice when the operator switched it off.
struct FormPage<Context: RequestContext>: RouterMiddleware {
    let pages: PageRenderer
    let limits: SubmissionLimits
    /// When on, each form carries a fresh puzzle (see ProofOfWork).
    let work: ProofOfWork?
    let tokens: FormTokens

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method == .get || request.method == .head, ["/", "/index.html"].contains(request.uri.path) else {
            return try await next(request, context)
        }
        let language = Language.of(request)
        let words = pages.catalogue(language)
        return pages.response(
            "form", in: language, title: words.text("form_title"), switchPath: "/",
            values: [
                "offersKeepingOriginals": limits.allowsKeepingOriginals,
                "messageLimit": limits.maxMessageCharacters,
                "limitsHint": words.text(
                    "form_limits_hint", [
                        "files": String(limits.maxFiles), "file_size": words.limit(limits.maxFileBytes),
                        "size": words.limit(limits.maxSubmissionBytes),
                    ]),
                "acceptsUnknownTypes": limits.acceptsUnknownTypes,
                "formToken": tokens.issue(),
                "scripts": ["/sniff.js", "/submit.js", "/pickers.js"],
                "powOn": work != nil,
                "powChallenge": work?.challenge() ?? "",
                "powBits": work.map { String($0.bits) } ?? "",
            ])
    }
}
