import HTTPTypes
import Hummingbird

/// Headers on every response: no third-party resource can load, no referrer leaks, nothing is cached,
/// no page can be framed. No cookie is ever set.
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The operator's onion address (e.g. "abc…xyz.onion"): Tor Browser then offers to switch to it.
    var onionAddress: String?
    let pages: PageRenderer
    let faults: FaultLog

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
            response = errorPage(for: error.status, request)
        } catch {
            faults.report("a request failed", error: error)
            response = errorPage(for: .internalServerError, request)
        }
        for (name, value) in Self.headers {
            response.headers[name] = value
        }
        if let onionAddress {
            response.headers[HTTPField.Name("Onion-Location")!] = "http://\(onionAddress)\(request.uri.path)"
        }
        return response
    }

    private func errorPage(for status: HTTPResponse.Status, _ request: Request) -> Response {
        let language = Language.of(request)
        let words = pages.catalogue(language)
        let key: String =
            switch status {
            case .notFound: "error_not_found"
            case .methodNotAllowed: "error_method"
            case .contentTooLarge: "error_too_large"
            default: "error_generic"
            }
        return ErrorPage.response(
            pages, language, title: words.text("\(key)_title"), message: words.text(key), detail: "\(status.code) \(status.reasonPhrase)",
            aboutUpload: false, status: status)
    }
}
