import EvidenceCore
import Hummingbird
import HummingbirdCore
import Logging
import MediaScrub
import NIOCore

/// Builds the HTTP application over an initialised data folder. Routes follow DESIGN.md's HTTP contract.
public enum EvidenceApplication {
    /// Prepares the data folder (initialises it, clears crash leftovers) and returns the application.
    /// Throws `CoreError.noRecipients` when no reviewer key is installed. Blocks while an interrupted ingest's
    /// blobs are removed from the store: with S3, call it from a thread that may block.
    public static func build(_ configuration: ServerConfiguration, logger: Logger) throws -> some ApplicationProtocol {
        let folder = configuration.dataFolder
        try folder.initialise()
        try folder.removeLeftovers(partialUploadMaxAge: configuration.limits.partialUploadMaxAge)
        var pipeline = try IngestPipeline(
            folder: folder, blobs: configuration.blobs ?? LocalBlobStore(root: folder.blobs), store: configuration.store)
        try pipeline.recoverInterruptedIngests()
        pipeline.acceptsUnknownTypes = configuration.limits.acceptsUnknownTypes
        ScrubMemory.shared.total = configuration.limits.scrubMemoryBytes
        let limits = configuration.limits
        // With a shared store (several nodes), resumable uploads live in it and in the blob store, so an upload
        // begun on one node continues on any other; on one node they stay in spool/partial/.
        var partials =
            configuration.store == nil
            ? PartialUploads(
                spool: folder.spool, maxAge: limits.partialUploadMaxAge, floor: limits.freeSpaceFloor, scrubbingWith: pipeline)
            : PartialUploads(
                store: pipeline.store, blobs: pipeline.blobs, spool: folder.spool, maxAge: limits.partialUploadMaxAge,
                floor: limits.freeSpaceFloor)
        partials.maxPending = limits.maxPendingUploads
        partials.minimumPieceBytes = limits.minimumPieceBytes
        let pace = UploadPace()
        let reserve = ConnectionReserve(capacity: limits.maxConnections, reserve: limits.connectionReserve)
        var pages = try PageRenderer.bundled()
        pages.onionAddress = configuration.onionAddress
        let router = makeRouter(configuration, pipeline: pipeline, partials: partials, pace: pace, pages: pages, logger: logger)
        var http = HTTP1Channel.Configuration(
            additionalChannelHandlers: [
                KeepAliveMarkerInstaller(),
                ConnectionReserveHandler(reserve: reserve),
                ExpectContinueHandler(maxBodyBytes: limits.maxSubmissionBytes),
                BodyTimeoutHandler(
                    idle: .init(limits.bodyIdleTimeout), total: .init(limits.bodyTotalTimeout), minimumRate: limits.minimumBodyRate,
                    rateWindow: .init(limits.bodyRateWindow), pace: pace),
                LingeringCloseHandler(),
            ],
            idleTimeout: .init(limits.connectionIdleTimeout))
        http.httpDecoder = .init(maxHeaderFieldSize: limits.maxHeaderBytes, maxHeaderListSize: limits.maxHeaderBytes, maxHeaderFieldCount: 100)
        return Application(
            router: router,
            server: .http1(configuration: http),
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port), serverName: nil,
                availableConnectionsDelegate: MaximumAvailableConnections(limits.maxConnections)),
            services: [PartialUploadSweeper(partials: partials, interval: .seconds(min(3600, limits.partialUploadMaxAge)))],
            logger: logger)
    }

    static func makeRouter(
        _ configuration: ServerConfiguration, pipeline: IngestPipeline, partials: PartialUploads, pace: UploadPace, pages: PageRenderer,
        logger: Logger
    ) -> Router<EvidenceRequestContext> {
        let router = Router(context: EvidenceRequestContext.self)
        let limits = configuration.limits
        let faults = FaultLog(logger: logger)
        router.add(middleware: SecurityHeadersMiddleware(onionAddress: configuration.onionAddress, pages: pages, faults: faults))
        router.add(middleware: PathSanityMiddleware())
        let gate = UploadGate(
            capacity: limits.maxConcurrentUploads, wait: limits.uploadQueueWait, pace: pace, dropBelowRate: limits.slowUploadRate)
        let verificationGate = UploadGate(
            capacity: limits.maxConcurrentVerifications, wait: limits.uploadQueueWait, pace: pace, dropBelowRate: limits.slowUploadRate)
        let work = limits.proofOfWorkBits > 0
            ? ProofOfWork(bits: limits.proofOfWorkBits, fallbackDelay: limits.proofOfWorkFallbackDelay, usesPerChallenge: limits.maxFiles + 1)
            : nil
        if let work { router.add(middleware: ProofOfWorkMiddleware(work: work)) }
        router.add(middleware: RateLimitMiddleware(
            uploads: SourceRateLimiter(limit: limits.uploadsPerSource, window: limits.rateWindow, countsLoopback: limits.rateLimitsLoopback),
            pages: pages))
        router.add(middleware: UploadGateMiddleware(submissions: gate, verifications: verificationGate, pages: pages))
        // The form is rendered (at "/" and "/index.html"), never served raw, so the operator's choices apply to it.
        let tokens = FormTokens()
        router.add(middleware: FormPage(pages: pages, limits: configuration.limits, work: work, tokens: tokens))
        router.add(middleware: FileMiddleware(configuration.publicFolder.path, searchForIndexHtml: false, logger: logger))
        let submissions = SubmissionController(
            pipeline: pipeline, spool: configuration.dataFolder.spool, limits: configuration.limits, partials: partials,
            pages: pages, faults: faults, tokens: tokens)
        TusController(partials: partials, limits: configuration.limits).register(on: router)
        router.post("/submissions") { request, context in
            try await submissions.receive(request, context: context)
        }
        LogController(log: pipeline.log).register(on: router)
        VerifyController(log: pipeline.log, maxFileBytes: configuration.limits.maxFileBytes, pages: pages).register(on: router)
        StatusController(
            pipeline: pipeline, submissions: submissions,
            wrongCodes: SourceRateLimiter(limit: limits.statusChecksPerSource, window: limits.rateWindow, countsLoopback: limits.rateLimitsLoopback),
            pages: pages
        ).register(on: router)
        router.get("/healthz") { _, _ in "ok\n" }
        return router
    }
}
