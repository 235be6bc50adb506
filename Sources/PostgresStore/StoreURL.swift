import EvidenceCore

/// The `--store` option of both commands: a PostgreSQL URL, or nothing for the data folder's SQLite database.
public enum StoreURL {
    /// The store `text` names; nil when it is absent or empty (then the data folder's own database is used).
    /// Connecting blocks: call it off any event loop.
    public static func open(_ text: String?) throws -> EvidenceStore? {
        guard let text, !text.isEmpty else { return nil }
        guard PostgresLocation.isURL(text) else {
            throw PostgresStoreError.badURL("'\(text)' is not postgres://…; leave --store out to keep the store in the data folder")
        }
        return try EvidenceStore(database: try PostgresSQLDatabase(try PostgresLocation(url: text)))
    }
}
