import Hummingbird

/// Refuses a path that holds a control character once percent-decoded: a NUL (`/submit.js%00.png`) ends the name
/// the file system sees early, so the file served would not be the one named. No real page has one.
struct PathSanityMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        let decoded = path.removingPercentEncoding ?? path
        guard !(path + decoded).unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            return Response(
                status: .badRequest, headers: [.contentType: "text/plain; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: "The address holds a control character.\n")))
        }
        return try await next(request, context)
    }
}
