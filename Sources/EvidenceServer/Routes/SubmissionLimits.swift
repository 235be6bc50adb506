import EvidenceCore
import Foundation

/// Limits on one submission, enforced while the bytes stream in.
public struct SubmissionLimits: Sendable {
    public var maxFileBytes: Int64 = 4 << 30
    /// The whole request body; a Content-Length above it is refused before the body is sent.
    public var maxSubmissionBytes: Int64 = 16 << 30
    public var maxFiles = 50
    /// The longest message, counted as the form's `maxlength` counts it (`MessageLength`), so that whatever the
    /// browser lets a person type is accepted.
    public var maxMessageCharacters = 20_000
    /// Take files of unknown types uncleaned (with a warning) instead of refusing them; off by default.
    public var acceptsUnknownTypes = false
    /// Offer submitters the choice to keep their original, metadata and all, as evidence; the operator may switch it off.
    public var allowsKeepingOriginals = true
    /// Free space every upload must leave on the data folder's disk (checked at the start and while streaming).
    public var freeSpaceFloor = FreeSpaceFloor.standard
    /// Uploads handled at once (form posts, additions, tus PATCHes); more wait up to `uploadQueueWait`, then get 503.
    public var maxConcurrentUploads = 64
    /// Files checked against the log at once (`POST /verify`), apart from the uploads' places.
    public var maxConcurrentVerifications = 8
    public var uploadQueueWait: Duration = .seconds(2)
    /// When every place is taken, a newcomer takes the place of the slowest upload whose body has come at less than
    /// this many bytes a second since it began (a second at least), instead of waiting.
    public var slowUploadRate: Int64 = 4096
    /// Resumable uploads in progress at most (`POST /uploads` past it gets 503), and the fewest bytes a PATCH that
    /// does not end its upload must bring to be kept (400 otherwise).
    public var maxPendingUploads = 10_000
    /// What the cleaning of all uploads may hold at once in its large buffers (`ScrubMemory`); past it, 503.
    public var scrubMemoryBytes = 512 << 20
    public var minimumPieceBytes: Int64 = 16 * 1024
    /// A connection must complete its request headers this soon after connecting (or after its last answer).
    public var headerTimeout: Duration = .seconds(30)
    /// A request body that sends nothing for this long, or is still unfinished after `bodyTotalTimeout`, is cut.
    public var bodyIdleTimeout: Duration = .seconds(120)
    /// A request body must bring at least this many bytes a second over every `bodyRateWindow` (a Tor user at
    /// 20 KB/s brings 40 times more; a client that sends a byte every few seconds is cut); 0 switches it off.
    public var minimumBodyRate: Int64 = 512
    public var bodyRateWindow: Duration = .seconds(60)
    public var bodyTotalTimeout: Duration = .seconds(6 * 3600)
    /// Open connections at most; beyond it new ones wait in the listen backlog.
    public var maxConnections = 1024
    /// Places kept free below `maxConnections` (an eighth, at most 64): past that, each new connection closes the
    /// oldest idle one.
    public var connectionReserve: Int { max(1, min(64, maxConnections / 8)) }
    /// Per source (a keyed hash of the address, in memory only) and per `rateWindow`: uploads started
    /// (form posts, tus creations, additions) and wrong receipt codes (a right one is always answered). 0 switches a
    /// limit off.
    public var uploadsPerSource = 60
    public var statusChecksPerSource = 30
    public var rateWindow: Duration = .seconds(600)
    /// Count loopback peers too (off: behind Tor or a proxy every submitter is 127.0.0.1).
    public var rateLimitsLoopback = false
    /// Proof of work on submissions: leading zero bits of the puzzle (about 2^bits hashes in the browser; 18–22
    /// is seconds on a phone). 0 is off. Without a solution a request waits `proofOfWorkFallbackDelay`.
    public var proofOfWorkBits = 0
    public var proofOfWorkFallbackDelay: Duration = .seconds(30)

    /// Hummingbird's idle timeout, which cuts slow headers and also runs while a body is read: the header timeout,
    /// or, with proof of work on, longer than the no-JavaScript wait, during which the body is not read (a request
    /// that waits the 30 s would otherwise be cut at exactly 30 s).
    var connectionIdleTimeout: Duration {
        proofOfWorkBits > 0 ? max(headerTimeout, proofOfWorkFallbackDelay + .seconds(15)) : headerTimeout
    }
    /// A resumable upload is removed this long after it began, finished or not (tus uploads not yet sent with the form).
    public var partialUploadMaxAge: TimeInterval = 24 * 3600
    /// Request headers, all together, at most this many bytes.
    public var maxHeaderBytes = 16 * 1024

    public init() {}
}

enum SubmissionError: Error, CustomStringConvertible {
    case tooManyFiles(Int)
    case messageTooLong(Int)
    case submissionTooLarge(Int64)
    case unknownUpload
    /// A post of a form whose one-time token was used already (`FormTokens`).
    case alreadySent

    var description: String {
        switch self {
        case .tooManyFiles(let limit): return "too many files: send at most \(limit) in one submission"
        case .messageTooLong(let limit): return "the message is too long: at most \(limit) characters"
        case .unknownUpload: return "a resumable upload named in the form is unknown, unfinished or has expired; send the file again"
        case .alreadySent: return "this form was sent already; nothing new was created"
        case .submissionTooLarge(let limit):
            return "this submission is larger than the limit of \(ByteCountText.format(limit)); send fewer or smaller files at a time"
        }
    }
}
