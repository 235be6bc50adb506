import Hummingbird

/// Puts every request that carries a file (form posts, tus PATCHes, file checks) through the upload gate.
struct UploadGateMiddleware<Context: RequestContext>: RouterMiddleware {
    let gate: UploadGate
    let pages: PageRenderer

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard Self.carriesFile(request) else { return try await next(request, context) }
        return try await gate.admit(request, pages: pages) { try await next(request, context) }
    }

    static func carriesFile(_ request: Request) -> Bool {
        let path = request.uri.path
        switch request.method {
        case .post: return ["/submissions", "/status/add", "/verify"].contains(path)
        case .patch: return path.hasPrefix("/uploads/")
        default: return false
        }
    }
}
