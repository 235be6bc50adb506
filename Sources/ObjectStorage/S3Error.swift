/// A failed S3 request: which operation, and what the service answered (status, S3's error `Code`) or why no
/// usable answer came.
public enum S3Error: Error, Equatable, CustomStringConvertible {
    /// The service answered with an error status; `code` and `message` come from its XML `<Error>` body when it
    /// sent one (a HEAD answer has no body).
    case refused(S3Operation, status: Int, code: String?, message: String?)
    /// The service answered with a success status but the answer could not be used.
    case malformedAnswer(S3Operation, String)

    public var operation: S3Operation {
        switch self {
        case .refused(let operation, _, _, _), .malformedAnswer(let operation, _): operation
        }
    }

    /// The HTTP status of a refusal.
    public var status: Int? {
        if case .refused(_, let status, _, _) = self { status } else { nil }
    }

    /// S3's error code of a refusal (`SignatureDoesNotMatch`, `NoSuchKey`, `NoSuchUpload`, …).
    public var code: String? {
        if case .refused(_, _, let code, _) = self { code } else { nil }
    }

    public var description: String {
        switch self {
        case .refused(let operation, let status, let code, let message):
            "S3 \(operation.rawValue) refused with HTTP \(status)"
                + (code.map { " \($0)" } ?? "") + (message.map { ": \($0)" } ?? "")
        case .malformedAnswer(let operation, let reason):
            "S3 \(operation.rawValue) gave an unusable answer: \(reason)"
        }
    }
}
