import EvidenceCore
import Foundation
import Logging

/// Writes log lines to standard error stamped with the hour only, at `info` or above: a finer time, or a line per
/// request (the debug levels of the libraries below), could be matched with a network provider's connection
/// records to find a submitter.
struct HourStampedLogHandler: LogHandler {
    let label: String
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level {
        get { level }
        set { level = max(newValue, .info) }
    }
    private var level: Logger.Level = .info

    init(label: String) {
        self.label = label
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let all = metadata.merging(event.metadata ?? [:]) { $1 }
        let details = all.sorted { $0.key < $1.key }.map { " \($0.key)=\($0.value)" }.joined()
        FileHandle.standardError.write(Data("\(HourStamp.now()) \(event.level) \(label): \(event.message)\(details)\n".utf8))
    }
}
