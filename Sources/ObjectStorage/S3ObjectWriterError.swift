/// Why an object could not be written, beyond what the service refused.
public enum S3ObjectWriterError: Error, Equatable, CustomStringConvertible {
    /// More parts than S3 allows: a larger part size is needed for an object this big.
    case tooManyParts(partSize: Int)

    public var description: String {
        switch self {
        case .tooManyParts(let partSize):
            "the object needs more than \(S3ObjectWriter.maximumPartCount) parts of \(partSize) bytes: use larger parts"
        }
    }
}
