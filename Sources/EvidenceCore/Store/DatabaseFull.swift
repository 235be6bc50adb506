import GRDB

extension CoreError {
    /// `error` as the submitter and operator should see it: SQLite's "database or disk is full" becomes the same
    /// "the disk is full" as a failed file write, so the server answers 507 rather than 500. Others pass unchanged.
    static func explaining(_ error: any Error) -> any Error {
        if let error = error as? DatabaseError, error.resultCode == .SQLITE_FULL {
            return CoreError.storage("the disk is full (the database could not grow)")
        }
        return error
    }
}
