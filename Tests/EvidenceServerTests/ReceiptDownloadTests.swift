@testable import EvidenceServer
import Foundation
import Testing

/// The receipt page puts its download links in unescaped (escaping them character by character was most of the
/// page's cost): they must hold no character that HTML would need escaped, whatever the receipt says.
struct ReceiptDownloadTests {
    @Test("a data URL holds only letters, digits and +/=:;,-. and gives back its bytes")
    func dataURLNeedsNoEscaping() throws {
        let text = Array("<script>\"quotes\" & 'apostrophes' </a> é ✓\u{0}".utf8)
        for length in [0, 1, 2, 3, 100, 4099] {
            let bytes = Data((0..<length).map { text[$0 % text.count] })
            for type in ["text/plain;charset=utf-8", "application/json"] {
                let url = ReceiptDownload.dataURL(bytes, type: type)
                #expect(url.utf8.allSatisfy(ReceiptDownload.isURLSafe), "\(url)")
                let prefix = "data:\(type);base64,"
                #expect(url.hasPrefix(prefix))
                #expect(Data(base64Encoded: String(url.dropFirst(prefix.count))) == bytes)
            }
        }
    }
}
