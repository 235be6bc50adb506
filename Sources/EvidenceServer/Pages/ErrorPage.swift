import Hummingbird

/// A readable page for a refused request: what went wrong and what to do, in the submitter's language.
enum ErrorPage {
    static func response(
        _ pages: PageRenderer, _ language: Language, title: String, message: String, detail: String? = nil,
        aboutUpload: Bool = true, status: HTTPResponse.Status
    ) -> Response {
        pages.response(
            "error", in: language, title: title, switchPath: aboutUpload ? "/" : nil, status: status,
            values: ["heading": title, "message": message, "detail": detail ?? "", "aboutUpload": aboutUpload])
    }
}
