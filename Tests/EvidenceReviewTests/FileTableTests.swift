@testable import evidence_review
import Foundation
import Testing

/// The `list` table fits the width it is given, shortening the less useful columns first.
struct FileTableTests {
    static func listing(id: Int, status: String = "pending", duplicates: [Int] = [], tags: [String] = [], purged: Bool = false) throws -> FileListing {
        let json: [String: Any] = [
            "id": id, "submission": id, "received_hour": "2026-11-25T14:00Z", "type": "image/jpeg", "original_size": 1_234_567,
            "cleaned_size": 1_200_000, "status": status, "original_sha256": "aa", "cleaned_sha256": "bb", "sealed_sha256": "cc", "sealed_size": 1_300_000,
            "duplicates": duplicates, "tags": tags, "legal_hold": true, "original_kept": true, "cleaned": true,
            "purged_hour": purged ? "2026-12-01T00:00Z" : NSNull(),
        ]
        return try JSONDecoder().decode(FileListing.self, from: JSONSerialization.data(withJSONObject: json))
    }

    static func listings() throws -> [FileListing] {
        [
            try listing(id: 1, duplicates: [3, 7, 12, 15, 19], tags: ["bridge", "night", "batch-7"]),
            try listing(id: 12, status: "rejected", purged: true),
            try listing(id: 1234, status: "approved", duplicates: [1]),
        ]
    }

    static let messages = ["at Abay street, the convoy passed at night, three trucks", "-", "写真 写真 写真 写真 写真 写真 写真"]

    @Test("no line is wider than the terminal; ID and STATUS are always there", arguments: [200, 100, 80, 60, 45, 30])
    func fits(width: Int) throws {
        for messages in [nil, Self.messages] {
            let table = FileTable.render(try Self.listings(), messages: messages, width: width)
            let lines = table.split(separator: "\n").map(String.init)
            #expect(lines.count == 4)
            for line in lines {
                #expect(ScreenLine.columns(of: line) <= width, "\(width): \(line)")
            }
            #expect(lines[0].hasPrefix("ID    ") && lines[0].contains("STATUS"), "\(width): \(lines[0])")
            #expect(lines[1].hasPrefix("1     ") && lines[2].hasPrefix("12    ") && lines[3].hasPrefix("1234  "))
            #expect(lines[2].contains("rejected") && lines[3].contains("approved"), "\(table)")
        }
    }

    @Test("a wide terminal shows every column in full")
    func wide() throws {
        let lines = FileTable.render(try Self.listings(), messages: Self.messages, width: 200).split(separator: "\n")
        #expect(lines[0].split(separator: " ", omittingEmptySubsequences: true)
            == ["ID", "SUB", "RECEIVED", "TYPE", "SIZE", "STATUS", "FLAGS", "DUPLICATES", "TAGS", "MESSAGE"])
        #expect(lines[1].contains("2026-11-25 14h") && lines[1].contains("3,7,12+2") && lines[1].contains("bridge,night,batch-7"))
        #expect(lines[1].hasSuffix("at Abay street, the convoy passed at night, three trucks"))
        #expect(lines[2].contains("rejected/purged"))
    }

    @Test("at 60 columns the short forms are used and a message is cut with an ellipsis")
    func narrow() throws {
        let lines = FileTable.render(try Self.listings(), messages: Self.messages, width: 60).split(separator: "\n").map(String.init)
        #expect(lines[0].contains("DUP") && !lines[0].contains("DUPLICATES") && !lines[0].contains("SUB"), "\(lines[0])")
        #expect(lines[0].contains("MESSAGE"), "\(lines[0])")
        #expect(lines[1].hasSuffix("…") && lines[1].contains("at Abay"), "\(lines[1])")
        #expect(!lines[2].contains("/purged") && lines[2].contains("P"), "the P flag says it: \(lines[2])")
    }

    @Test("without a message, tags take what is left, and go when there is too little")
    func tags() throws {
        let wide = FileTable.render(try Self.listings(), width: 100)
        #expect(wide.contains("bridge,night,batch-7") && !wide.contains("MESSAGE"))
        let narrow = FileTable.render(try Self.listings(), width: 18).split(separator: "\n")
        #expect(narrow[0] == "ID    STATUS", "\(narrow)")
    }
}
