import EvidenceCore
import Foundation

/// One file of a form post as the submitter chose it: its place among the post's files (from 1) and the name their
/// device gave it. The name is read only to say which file an answer is about; it is never stored or logged.
struct SubmittedFile: Sendable {
    let position: Int
    let name: String

    /// Names longer than this are cut: enough to recognise a file, not a way to grow the answer.
    static let maxNameCharacters = 80

    init(position: Int, name rawName: String) {
        self.position = position
        name = Self.displayName(rawName)
    }

    /// The last path component (old browsers send a whole path), without control or bidirectional-override
    /// characters (which could make a name read as another), cut to `maxNameCharacters`.
    static func displayName(_ raw: String) -> String {
        let last = raw.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        let visible = last.unicodeScalars.filter { scalar in
            !(scalar.properties.generalCategory == .control || scalar.properties.generalCategory == .format
                || scalar.properties.generalCategory == .lineSeparator || scalar.properties.generalCategory == .paragraphSeparator)
        }
        let name = String(String.UnicodeScalarView(visible)).trimmingCharacters(in: .whitespaces)
        return name.count > maxNameCharacters ? String(name.prefix(maxNameCharacters - 1)) + "…" : name
    }
}

/// A file refused on its own, while the files beside it went ahead.
struct RefusedFile: Sendable {
    let file: SubmittedFile
    let error: CoreError
}
