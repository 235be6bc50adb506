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
