import EvidenceCore
import Foundation
import Hummingbird
import NIOCore
import NIOPosix
import Synchronization

/// `GET|POST /status`. Every answer to a code takes the same time whether or not the code exists. A right code is
/// always answered: guessing a receipt code (83 bits) is hopeless whatever the rate, so wrong codes are limited only
/// per source, to spare the server, and never lock anyone else out (`wrongCodes`; loopback, where a Tor daemon or a
/// proxy speaks for everyone, is not counted).
struct StatusController: Sendable {
    let pipeline: IngestPipeline
    let submissions: SubmissionController
    /// Wrong codes per source in the current window.
    let wrongCodes: SourceRateLimiter
    let pages: PageRenderer
    /// The answer is held back until this much time has passed since the request came in.
    var uniformDelay: Duration = .milliseconds(800)

    func register(on router: Router<EvidenceRequestContext>) {
        router.get("/status") { request, _ in StatusPage.response(pages, Language.of(request), outcome: .form, limits: submissions.limits) }
        router.post("/status") { request, context in
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
            if case .success(.notFound) = outcome, !wrongCodes.allow(context.remoteAddress) {
                // At once: the connection is not held for a source that only guesses.
                var response = StatusPage.response(pages, Language.of(request), outcome: .tooManyWrongCodes, limits: submissions.limits)
                response.status = .tooManyRequests
                response.headers[.retryAfter] = String(wrongCodes.window.components.seconds)
                return response
            }
            try await Task.sleep(until: started + uniformDelay, clock: .continuous)
            return StatusPage.response(pages, Language.of(request), outcome: try outcome.get(), code: code, formToken: submissions.tokens.issue(), limits: submissions.limits)
        }
        router.post("/status/add") { request, context in
            let started = ContinuousClock.now
            let response = try await submissions.receive(request, context: context, addingToExisting: true)
            try await Task.sleep(until: started + uniformDelay, clock: .continuous)
            return response
        }
    }

    private func lookUp(_ code: String) throws -> StatusPage.Outcome {
        guard let submission = try pipeline.submission(receiptCode: code), let id = submission.id else { return .notFound }
        let files = try pipeline.store.submitterStatuses(submissionID: id).map { (type: $0.file.mediaType, status: $0.status) }
        let replies = try pipeline.replies(receiptCode: code, submission: submission).map { (text: $0.text, hour: $0.hour) }
        return .found(StatusPage.Found(receivedHour: submission.receivedHour, files: files, replies: replies))
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
