import EvidenceCore
import Foundation
import Hummingbird
import NIOCore
import NIOPosix
import Synchronization

/// `GET|POST /status`. Every answer to a code takes the same time whether or not the code exists, and failed
/// attempts are capped for everyone at once (no addresses are kept, so there is nothing to cap them by).
struct StatusController: Sendable {
    let pipeline: IngestPipeline
    let submissions: SubmissionController
    let attempts: AttemptLimiter
    let pages: PageRenderer
    /// The answer is held back until this much time has passed since the request came in.
    var uniformDelay: Duration = .milliseconds(800)

    func register(on router: Router<EvidenceRequestContext>) {
        router.get("/status") { request, _ in StatusPage.response(pages, Language.of(request), outcome: .form) }
        router.post("/status") { request, _ in
            let started = ContinuousClock.now
            let body = try await request.body.collect(upTo: 4096)
            let code = FormBody.value(of: "code", in: String(buffer: body)) ?? ""
            // Off the cooperative threads: the store may block on disk or on a PostgreSQL round trip.
            let outcome: Result<StatusPage.Outcome, any Error>
            do {
                outcome = .success(try await NIOThreadPool.singleton.runIfActive { try lookUp(code) })
            } catch {
                outcome = .failure(error)
            }
            try await Task.sleep(until: started + uniformDelay, clock: .continuous)
            return StatusPage.response(pages, Language.of(request), outcome: try outcome.get(), code: code)
        }
        router.post("/status/add") { request, context in
            let started = ContinuousClock.now
            guard attempts.allowsAttempt() else { return StatusPage.response(pages, Language.of(request), outcome: .tooManyAttempts) }
            let response = try await submissions.receive(request, context: context, addingToExisting: true)
            if response.status == .ok { attempts.recordFailure() }
            try await Task.sleep(until: started + uniformDelay, clock: .continuous)
            return response
        }
    }

    private func lookUp(_ code: String) throws -> StatusPage.Outcome {
        guard attempts.allowsAttempt() else { return .tooManyAttempts }
        guard let submission = try pipeline.submission(receiptCode: code), let id = submission.id else {
            attempts.recordFailure()
            return .notFound
        }
        let files = try pipeline.store.submitterStatuses(submissionID: id).map { (type: $0.file.mediaType, status: $0.status) }
        let replies = try pipeline.replies(receiptCode: code, submission: submission).map { (text: $0.text, hour: $0.hour) }
        return .found(StatusPage.Found(receivedHour: submission.receivedHour, files: files, replies: replies))
    }
}

/// A global cap on failed receipt-code attempts per minute, in memory only.
final class AttemptLimiter: Sendable {
    private let state = Mutex<(windowStart: ContinuousClock.Instant, failures: Int)>((ContinuousClock.now, 0))
    let maximumFailuresPerMinute: Int

    /// High enough that one attacker cannot lock everyone out (behind Tor all share one address), low enough to
    /// bound guessing: 600 a minute is 2^19 a day against 2^83 codes. Per-source limits come first (RateLimitMiddleware).
    init(maximumFailuresPerMinute: Int = 600) {
        self.maximumFailuresPerMinute = maximumFailuresPerMinute
    }

    func allowsAttempt() -> Bool {
        state.withLock { state in
            if ContinuousClock.now - state.windowStart > .seconds(60) { state = (ContinuousClock.now, 0) }
            return state.failures < maximumFailuresPerMinute
        }
    }

    func recordFailure() {
        state.withLock { $0.failures += 1 }
    }
}

/// Reads one field of an application/x-www-form-urlencoded body.
enum FormBody {
    static func value(of name: String, in body: String) -> String? {
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.first == name else { continue }
            let raw = parts.count == 2 ? parts[1] : ""
            return raw.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
        }
        return nil
    }
}
