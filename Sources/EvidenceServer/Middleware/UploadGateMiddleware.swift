import Hummingbird

/// Puts every request that carries a file through an upload gate: submissions (form posts, additions, tus PATCHes)
/// through theirs, file checks through a smaller one of their own.
struct UploadGateMiddleware: RouterMiddleware {
    typealias Context = EvidenceRequestContext
    let submissions: UploadGate
    let verifications: UploadGate
    let pages: PageRenderer

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let gate: UploadGate
        switch UploadKind.of(method: request.method, path: request.uri.path) {
        case .submission?: gate = submissions
        case .verification?: gate = verifications
        case nil: return try await next(request, context)
        }
        return try await gate.admit(request, connection: context.connection, pages: pages) { try await next(request, context) }
    }
}
