import Foundation
import Hummingbird

/// `GET /` and `GET /index.html`: the upload form from `Public/index.html`, without the "keep my original" choice
/// when the operator switched it off (the block between `<!-- keep-original -->` and `<!-- /keep-original -->`).
struct FormPage<Context: RequestContext>: RouterMiddleware {
    let publicFolder: URL
    let offersKeepingOriginals: Bool

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method == .get || request.method == .head, ["/", "/index.html"].contains(request.uri.path) else {
            return try await next(request, context)
        }
        return try response()
    }

    func response() throws -> Response {
        var page = try String(contentsOf: publicFolder.appendingPathComponent("index.html"), encoding: .utf8)
        if !offersKeepingOriginals,
            let start = page.range(of: "<!-- keep-original -->"),
            let end = page.range(of: "<!-- /keep-original -->", range: start.upperBound..<page.endIndex)
        {
            page.removeSubrange(start.lowerBound..<end.upperBound)
        }
        return Response.html(page)
    }
}
