import Hummingbird

/// With proof of work switched on, a submission or a resumable upload's creation without a valid `pow` query
/// parameter is held back for `fallbackDelay` before it is handled (the no-JavaScript path: it simply waits).
/// The wait happens before the upload gate, so waiting requests hold no upload place.
struct ProofOfWorkMiddleware: RouterMiddleware {
    typealias Context = EvidenceRequestContext
    let work: ProofOfWork

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard UploadKind.beginsSubmission(method: request.method, path: request.uri.path) else {
            return try await next(request, context)
        }
        if !work.accept(request.uri.queryParameters.get("pow")) {
            try await Task.sleep(for: work.fallbackDelay)
        }
        return try await next(request, context)
    }
}
