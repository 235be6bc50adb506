@testable import EvidenceCore
import Foundation
import Testing

struct DurableFileTests {
    @Test("a large file is sent on to the disk every MiB while it is written, and reads back exactly, header and all")
    func writesBackAsItGoes() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("durable-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: url) }
        let file = try DurableFile(creating: url, writingBackEvery: DurableFile.largeFileWriteBack)
        var expected: [UInt8] = []
        // Blocks of an odd size, as a sealing sink writes them, after a placeholder for a header written at the end.
        try file.write([UInt8](repeating: 0, count: 64))
        expected += [UInt8](repeating: 0, count: 64)
        for index in 0..<81 {
            let block = [UInt8](repeating: UInt8(index), count: 262_160)
            try file.write(block)
            expected += block
        }
        let header = [UInt8](repeating: 0xEE, count: 64)
        try file.write(header, at: 0)
        expected.replaceSubrange(0..<64, with: header)
        #expect(file.writeBackFailures == 0)
        #expect(file.writtenBack >= Int64(expected.count) - DurableFile.largeFileWriteBack && file.writtenBack > 0)
        try file.close()
        #expect(try [UInt8](Data(contentsOf: url)) == expected)

        // A tus piece of 8 MiB (as the form sends them) is mostly on its way to disk before its fsync.
        let piece = try DurableFile(creating: url.appendingPathExtension("piece"), writingBackEvery: DurableFile.largeFileWriteBack)
        defer { try? FileManager.default.removeItem(at: piece.url) }
        for _ in 0..<120 { try piece.write([UInt8](repeating: 7, count: 65_536)) }
        #expect(piece.writtenBack == 7 << 20, "of the first 7.5 MiB")
        try piece.close()

        // A small file, or one that asks for none, is left to the fsync at close.
        let small = try DurableFile(creating: url.appendingPathExtension("small"))
        defer { try? FileManager.default.removeItem(at: small.url) }
        try small.write([UInt8](repeating: 1, count: 20 << 20))
        #expect(small.writtenBack == 0)
        try small.close()
    }
}
