// swift-tools-version:6.0
// Benchmarks for evidence-drop, kept out of the main package so that it does not depend on the reference
// implementations it is measured against. Run through `Scripts/bench.sh` (release build).
import PackageDescription

let package = Package(
    name: "evidence-drop-bench",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "evidence-drop", path: "../.."),
        .package(url: "https://github.com/vapor/multipart-kit.git", exact: "4.7.1"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    ],
    targets: [
        // Shared helpers: clocks, peak RSS, counting sinks, tiny generated media for store fixtures.
        .target(
            name: "BenchSupport",
            dependencies: [
                .product(name: "MediaScrub", package: "evidence-drop"),
            ]
        ),
        // (a) and (b): MediaScrub in process over the corpus (per format) and over one large file.
        .executableTarget(
            name: "bench-scrub",
            dependencies: [
                "BenchSupport",
                .product(name: "MediaScrub", package: "evidence-drop"),
                .product(name: "EvidenceCore", package: "evidence-drop"),
            ]
        ),
        // (c): spool + IngestPipeline (scrub, three SHA-256, seal, store, log) on one large file, no HTTP.
        .executableTarget(
            name: "bench-ingest",
            dependencies: [
                "BenchSupport",
                .product(name: "EvidenceCore", package: "evidence-drop"),
                .product(name: "EvidenceCrypto", package: "evidence-drop"),
            ]
        ),
        // (f) and (g) fixtures: data folders of many submissions built through IngestPipeline.
        .executableTarget(
            name: "bench-store",
            dependencies: [
                "BenchSupport",
                .product(name: "EvidenceCore", package: "evidence-drop"),
                .product(name: "EvidenceCrypto", package: "evidence-drop"),
            ]
        ),
        .executableTarget(
            name: "bench-multipart",
            dependencies: [
                .product(name: "EvidenceServer", package: "evidence-drop"),
                .product(name: "MultipartKit", package: "multipart-kit"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
