import Foundation
import Logging
import Synchronization

/// Keeps every log line (message and metadata) in memory so tests can search what the server logged.
final class LogRecorder: Sendable {
    private let lines = Mutex<[String]>([])

    var text: String { lines.withLock { $0.joined(separator: "\n") } }

    func append(_ line: String) {
        lines.withLock { $0.append(line) }
    }

    func logger(level: Logger.Level = .trace) -> Logger {
        var logger = Logger(label: "evidence-drop-test") { label in RecordingLogHandler(recorder: self, label: label) }
        logger.logLevel = level
        return logger
    }
}

struct RecordingLogHandler: LogHandler {
    let recorder: LogRecorder
    let label: String
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var all = metadata
        if let extra = event.metadata { all.merge(extra) { $1 } }
        recorder.append("\(event.level) \(label) \(event.message) \(all) \(event.source) \(event.file):\(event.line)")
    }
}
