import EvidenceCore
import Testing

struct EvidenceStoreTests {
    @Test("the database runs in WAL with secure_delete and full auto_vacuum")
    func pragmas() throws {
        let fixture = try CoreFixture()
        let store = try EvidenceStore(url: fixture.folder.database)
        #expect(try store.pragma("journal_mode") == "wal")
        #expect(try store.pragma("secure_delete") == "1")
        #expect(try store.pragma("auto_vacuum") == "1")
        // Opening again (as every reviewer command does) migrates nothing and keeps the settings.
        let again = try EvidenceStore(url: fixture.folder.database)
        #expect(try again.pragma("auto_vacuum") == "1")
        #expect(try again.files(status: nil).isEmpty)
    }
}
