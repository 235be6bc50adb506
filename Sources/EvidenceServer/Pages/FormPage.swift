import Foundation
import Hummingbird

/// `GET /`: the upload form from `Public/index.html`, without the "keep my original" choice when the operator
/// switched it off (the block between `<!-- keep-original -->` and `<!-- /keep-original -->`).
struct FormPage: Sendable {
    let publicFolder: URL
    let offersKeepingOriginals: Bool

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
