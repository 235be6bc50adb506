import Hummingbird

/// Refuses a source that started too many uploads or checked too many receipt codes in the current window,
/// with a readable 429 in the submitter's language. The body of a refused request is read and dropped.
struct RateLimitMiddleware: RouterMiddleware {
    typealias Context = EvidenceRequestContext
    let uploads: SourceRateLimiter
    let statusChecks: SourceRateLimiter
    let pages: PageRenderer

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method == .post else { return try await next(request, context) }
        let limiter: SourceRateLimiter? =
            switch request.uri.path {
            case "/submissions", "/uploads", "/status/add": uploads
            case "/status": statusChecks
            default: nil
            }
        guard let limiter, !limiter.allow(context.remoteAddress) else { return try await next(request, context) }
        for try await _ in request.body {}
        var response = Refusal(status: .tooManyRequests, titleKey: "error_rate_title", messageKey: "error_rate")
            .response(pages, Language.of(request), wantsJSON: request.headers[.accept]?.contains("application/json") == true)
        response.headers[.retryAfter] = String(limiter.window.components.seconds)
        return response
    }
}
