import HTTPTypes
import Hummingbird

/// Headers on every response: no third-party resource can load, no referrer leaks, nothing is cached,
/// no page can be framed. No cookie is ever set.
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The operator's onion address (e.g. "abc…xyz.onion"): Tor Browser then offers to switch to it.
    var onionAddress: String?

    static var headers: [(HTTPField.Name, String)] {
        [
            (.contentSecurityPolicy,
             "default-src 'none'; style-src 'self'; img-src 'self'; script-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),
            (HTTPField.Name("Referrer-Policy")!, "no-referrer"),
            (.xContentTypeOptions, "nosniff"),
            (HTTPField.Name("X-Frame-Options")!, "DENY"),
            (.cacheControl, "no-store"),
            (HTTPField.Name("Permissions-Policy")!, "camera=(), microphone=(), geolocation=(), interest-cohort=()"),
            (HTTPField.Name("Cross-Origin-Opener-Policy")!, "same-origin"),
        ]
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            // Errors (404, 413 from the framework…) get a readable page and the same headers as everything else.
            let title = error.status == .notFound ? "Page not found" : error.status.reasonPhrase
            response = Response.html(ErrorPage.render(title: title, message: "\(error.status.code) \(error.status.reasonPhrase)", aboutUpload: false), status: error.status)
        } catch {
            context.logger.error("request failed", metadata: ["error": "\(error)"])
            response = Response.html(
                ErrorPage.render(title: "Something went wrong", message: "The server could not answer. Please try again later.", aboutUpload: false),
                status: .internalServerError)
        }
        for (name, value) in Self.headers {
            response.headers[name] = value
        }
        if let onionAddress {
            response.headers[HTTPField.Name("Onion-Location")!] = "http://\(onionAddress)\(request.uri.path)"
        }
        return response
    }
}
