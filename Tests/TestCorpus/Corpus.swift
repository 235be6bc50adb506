import Foundation

/// The sample media in `../shared/corpus` (beside the repository), for the test targets that read it.
public enum Corpus {
    public static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/corpus")
    public static var isPresent: Bool { FileManager.default.fileExists(atPath: root.path) }

    public static func bytes(_ relative: String) throws -> [UInt8] {
        try [UInt8](Data(contentsOf: root.appendingPathComponent(relative)))
    }
}
