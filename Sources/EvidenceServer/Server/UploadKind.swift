import HTTPTypes

/// The upload places a request takes: its own file for the evidence (form posts, additions, tus creations and
/// PATCHes), or a file
/// checked against the log, whose places are separate and fewer so that checks cannot crowd out submissions.
enum UploadKind: Sendable {
    case submission
    case verification

    /// Nil for a request that carries no file. `path` may still hold its query.
    static func of(method: HTTPRequest.Method, path: String) -> UploadKind? {
        let path = path.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? path
        switch method {
        case .post where path == "/submissions" || path == "/status/add" || path == "/uploads": return .submission
        case .post where path == "/verify": return .verification
        case .patch where path.hasPrefix("/uploads/"): return .submission
        default: return nil
        }
    }

    /// A request that begins an upload for the evidence (a form post, an addition, a tus creation): what proof of work
    /// and the per-source limit apply to. A PATCH continues an upload already begun.
    static func beginsSubmission(method: HTTPRequest.Method, path: String) -> Bool {
        method == .post && of(method: method, path: path) == .submission
    }
}
