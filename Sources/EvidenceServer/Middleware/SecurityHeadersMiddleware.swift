import HTTPTypes
import Hummingbird

/// Headers on every response: no third-party resource can load, no referrer leaks, nothing is cached,
/// no page can be framed. No cookie is ever set.
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    static var headers: [(HTTPField.Name, String)] {
        [
            (.contentSecurityPolicy,
             "default-src 'none'; style-src 'self'; img-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),
            (HTTPField.Name("Referrer-Policy")!, "no-referrer"),
            (.xContentTypeOptions, "nosniff"),
            (HTTPField.Name("X-Frame-Options")!, "DENY"),
            (.cacheControl, "no-store"),
            (HTTPField.Name("Permissions-Policy")!, "camera=(), microphone=(), geolocation=(), interest-cohort=()"),
            (HTTPField.Name("Cross-Origin-Opener-Policy")!, "same-origin"),
        ]
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        for (name, value) in Self.headers {
            response.headers[name] = value
        }
        return response
    }
}
