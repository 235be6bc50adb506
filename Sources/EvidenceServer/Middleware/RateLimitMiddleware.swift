import Hummingbird

/// Refuses a source that started too many uploads in the current window, with a readable 429 in the submitter's
/// language. The body of a refused request is read and dropped. (Wrong receipt codes are limited by
/// `StatusController`, which answers a right code whatever the count.)
struct RateLimitMiddleware: RouterMiddleware {
    typealias Context = EvidenceRequestContext
    let uploads: SourceRateLimiter
    let pages: PageRenderer

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard UploadKind.beginsSubmission(method: request.method, path: request.uri.path), !uploads.allow(context.remoteAddress) else {
            return try await next(request, context)
        }
        for try await _ in request.body {}
        var response = Refusal(status: .tooManyRequests, titleKey: "error_rate_title", messageKey: "error_rate")
            .response(pages, Language.of(request), wantsJSON: request.headers[.accept]?.contains("application/json") == true)
        response.headers[.retryAfter] = String(uploads.window.components.seconds)
        return response
    }
}
