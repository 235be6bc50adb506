import MediaScrub

/// A file of a submission refused on its own (its type, its size, damage where metadata could hide) while the
/// files beside it go ahead.
public struct FileRefusal: Sendable {
    /// Its index among the uploads given to `IngestPipeline.ingest`.
    public let index: Int
    public let error: CoreError

    public init(index: Int, error: CoreError) {
        self.index = index
        self.error = error
    }
}

/// Every file of a submission was refused on its own, and nothing else (a message added to an earlier submission)
/// was left to record: nothing was kept.
public struct EveryFileRefused: Error, Sendable {
    public let refusals: [FileRefusal]
}

extension CoreError {
    /// Whether the error lies in one file (its type, size or content), so that it refuses only that file. Anything
    /// else (storage, keys) refuses the submission.
    public var refusesOnlyItsFile: Bool {
        switch self {
        case .unsupportedType, .damagedFile, .fileTooLarge, .busy: true
        default: false
        }
    }

    /// `error` as a refusal of one file, or nil when it is not one.
    public static func fileFault(_ error: any Error) -> CoreError? {
        let core = (error as? ScrubError).map(CoreError.init(scrubError:)) ?? error as? CoreError
        return core.flatMap { $0.refusesOnlyItsFile ? $0 : nil }
    }
}
