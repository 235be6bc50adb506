import Hummingbird

extension UploadGate {
    /// `body` with a place at the gate; when none comes free in time, the request body is read and thrown away
    /// (so the browser sees the answer, not a reset connection) and the answer is 503 with Retry-After.
    func admit(
        _ request: Request, connection: ObjectIdentifier? = nil, pages: PageRenderer, wantsJSON: Bool = false,
        _ body: () async throws -> Response
    ) async throws -> Response {
        if let response = try await withPlace(for: connection, body) { return response }
        for try await _ in request.body {}
        var response = Refusal(
            status: .serviceUnavailable, titleKey: "error_busy_title", messageKey: "error_busy"
        ).response(pages, Language.of(request), wantsJSON: wantsJSON || request.headers[.accept]?.contains("application/json") == true)
        response.headers[.retryAfter] = "30"
        return response
    }
}
