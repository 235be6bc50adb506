// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "evidence-drop",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "evidence-drop", targets: ["evidence-drop"]),
        .executable(name: "evidence-review", targets: ["evidence-review"]),
        // Libraries, for Scripts/bench and other tools built beside the product.
        .library(name: "MediaScrub", targets: ["MediaScrub"]),
        .library(name: "EvidenceCrypto", targets: ["EvidenceCrypto"]),
        .library(name: "EvidenceCore", targets: ["EvidenceCore"]),
        .library(name: "EvidenceServer", targets: ["EvidenceServer"]),
        .library(name: "ObjectStorage", targets: ["ObjectStorage"]),
        .library(name: "PostgresStore", targets: ["PostgresStore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
    ],
    targets: [
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        // zlib, for the compressed structures MediaScrub reads and writes (a PNG's iCCP profile).
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // sync_file_range, which needs _GNU_SOURCE: a tiny C target, since Swift's Glibc does not show it.
        .target(name: "CFileSync"),
        .target(name: "MediaScrub", dependencies: ["CZlib"]),
        .target(name: "EvidenceCrypto", dependencies: ["COpenSSL"]),
        .target(
            name: "EvidenceCore",
            dependencies: [
                "MediaScrub",
                "EvidenceCrypto",
                "CFileSync",
                .product(name: "GRDB", package: "GRDB.swift"),
                // SQLite's own column calls, for rows read in place (`SQLiteColumns`).
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ]
        ),
        .target(
            name: "EvidenceServer",
            dependencies: [
                "EvidenceCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            // Page templates and one string catalogue per language, read once when the server starts.
            resources: [.copy("Templates"), .copy("Translations")]
        ),
        // An S3-compatible object storage client (SigV4, multipart upload, ranged reads) for a blob store that
        // outgrows one machine.
        .target(
            name: "ObjectStorage",
            dependencies: [
                "EvidenceCrypto",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        // The BlobStore of sealed files kept in an S3 bucket: its own target, so that EvidenceCore does not pull in
        // AsyncHTTPClient and ObjectStorage stays a plain S3 client that knows nothing of evidence.
        .target(name: "ObjectBlobStore", dependencies: ["EvidenceCore", "EvidenceCrypto", "ObjectStorage"]),
        // The store's database on PostgreSQL, for several server nodes: its own target, so that EvidenceCore does not
        // pull in PostgresNIO.
        .target(
            name: "PostgresStore",
            dependencies: [
                "EvidenceCore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "evidence-drop",
            dependencies: [
                "PostgresStore",
                "EvidenceServer",
                "ObjectBlobStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "evidence-review",
            dependencies: [
                "PostgresStore",
                "EvidenceCore",
                "ObjectBlobStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "MediaScrubTests", dependencies: ["MediaScrub", "TestCorpus"]),
        .testTarget(name: "EvidenceCryptoTests", dependencies: ["EvidenceCrypto"]),
        // Live tests need an S3 server: Scripts/test.sh starts SeaweedFS (Scripts/s3-test-server.sh).
        // The S3 server the live tests share (OBJECTSTORAGE_TEST_URL, or a SeaweedFS started for the test process).
        .target(name: "S3TestSupport", dependencies: ["ObjectStorage"], path: "Tests/S3TestSupport"),
        // The PostgreSQL cluster the store tests share (EVIDENCE_TEST_POSTGRES_URL, or one started for the test process).
        .target(
            name: "PostgresTestSupport",
            dependencies: [
                "PostgresStore", .product(name: "PostgresNIO", package: "postgres-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/PostgresTestSupport"),
        // ../shared/corpus for the test targets that read it, and the hostile files made at run time (CraftedFiles).
        .target(name: "TestCorpus", path: "Tests/TestCorpus"),
        .testTarget(
            name: "ObjectStorageTests",
            dependencies: [
                "ObjectStorage", "EvidenceCrypto", "S3TestSupport", .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        // The blob store contract checked on the local folder and on S3, and the ingest path over S3.
        .testTarget(
            name: "ObjectBlobStoreTests",
            dependencies: ["ObjectBlobStore", "EvidenceCore", "EvidenceCrypto", "ObjectStorage", "S3TestSupport", "TestCorpus"]
        ),
        .testTarget(
            name: "EvidenceCoreTests",
            dependencies: [
                "EvidenceCore", "TestCorpus", "PostgresStore", "PostgresTestSupport", .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        // The reviewer CLI's own pure functions (progress text, ages); its commands are tested end to end in
        // EvidenceServerTests by running the built binary.
        .testTarget(name: "EvidenceReviewTests", dependencies: ["evidence-review"]),
        .testTarget(
            name: "EvidenceServerTests",
            dependencies: [
                "EvidenceServer",
                "S3TestSupport",
                "PostgresTestSupport",
                "TestCorpus",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
