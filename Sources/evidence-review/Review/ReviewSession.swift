import EvidenceCore
import EvidenceCrypto
import Foundation

/// The interactive review: one file on screen, worked with single keys. What the desk refuses is said on the status
/// row and the loop goes on; only `q`, Ctrl-C or the terminal going away end it.
final class ReviewSession {
    /// What the reviewer changed, said when the review ends.
    struct Tally {
        var approved = 0, rejected = 0, exported = 0, notes = 0, tags = 0

        var summary: String {
            let parts = [
                (approved, "approved"), (rejected, "rejected"), (exported, "exported"),
                (notes, notes == 1 ? "note added" : "notes added"), (tags, tags == 1 ? "tag changed" : "tags changed"),
            ].filter { $0.0 > 0 }.map { "\($0.0) \($0.1)" }
            return "review ended: " + (parts.isEmpty ? "nothing changed" : parts.joined(separator: ", "))
        }
    }

    private let desk: ReviewDesk
    private let terminal: RawTerminal
    private let keys: KeyReader
    private var queue: ReviewQueue
    private let queueName: String
    private let identity: X25519PrivateKey?
    /// The store's duplicate groups as the review began, found by opening every file's sealed facts with the key.
    private let duplicateGroups: FileAnnotations?
    private let actor: String
    private let exportFolder: URL
    private var page: Result<FilePage, any Error>
    /// The store's pending files as last read, for the count in the heading.
    private var pending: Set<Int64>
    private var status = StatusLine.empty
    private(set) var tally = Tally()

    init(
        desk: ReviewDesk, terminal: RawTerminal, queue: ReviewQueue, queueName: String, identity: X25519PrivateKey?,
        actor: String, exportFolder: URL
    ) {
        self.desk = desk
        self.terminal = terminal
        self.keys = KeyReader { terminal.read(timeoutMilliseconds: $0) }
        self.queue = queue
        self.queueName = queueName
        self.identity = identity
        let groups = identity.flatMap { identity in
            try? desk.store.annotations().withDuplicates(among: desk.openedFacts(identity: identity))
        }
        duplicateGroups = groups
        self.actor = actor
        self.exportFolder = exportFolder
        page = Result { try FilePage(fileID: queue.current, desk: desk, identity: identity, groups: groups) }
        pending = Self.pendingFiles(desk)
    }

    private static func pendingFiles(_ desk: ReviewDesk) -> Set<Int64> {
        Set((try? desk.store.files(status: .pending).compactMap(\.id)) ?? [])
    }

    /// "3 of 40 pending files · 37 still pending": the place stays put, the count goes down with each decision.
    private var heading: String {
        "\(queue.position) \(queueName) · \(queue.count(in: pending)) still pending"
    }

    func run() {
        while true {
            drawPage()
            switch keys.next() {
            case .right, .character("n"): step(by: 1)
            case .left, .character("p"): step(by: -1)
            case .enter, .character("s"): showDetails()
            case .character("a"): approve()
            case .character("r"): reject()
            case .character("N"), .character("m"): addNote()
            case .character("t"): changeTag()
            case .character("e"): export()
            case .character("k"): moveToNextPending(saying: "file \(queue.current) skipped")
            case .character("q"), .interrupt, .endOfInput: return
            case .character(let other): status = .info("\(other) does nothing here; the keys are listed below")
            case .escape, .backspace, .resize, .other: break
            }
        }
    }

    // MARK: - Moving

    private func step(by offset: Int) {
        if queue.move(by: offset) {
            status = .empty
            loadPage()
        } else {
            status = .info(offset > 0 ? "this is the last file of the queue" : "this is the first file of the queue")
        }
    }

    /// After a decision or a skip: the next file still pending, else simply the next one.
    private func moveToNextPending(saying message: String) {
        pending = Self.pendingFiles(desk)
        if queue.moveToNext(in: pending) {
            status = .done(message)
        } else {
            _ = queue.move(by: 1)
            status = .done(message + "; no pending file is left in this queue")
        }
        loadPage()
    }

    private func loadPage() {
        page = Result { try FilePage(fileID: queue.current, desk: desk, identity: identity, groups: duplicateGroups) }
    }

    // MARK: - Deciding and annotating

    private func approve() {
        let id = queue.current
        attempt {
            try desk.approve(fileID: id, note: nil, actor: actor)
            tally.approved += 1
            moveToNextPending(saying: "file \(id) approved")
        }
    }

    private func reject() {
        let id = queue.current
        guard let reason = ask("Reason for rejecting file \(id): ", requiredBecause: "a rejection needs a reason: type it, or Esc to cancel")
        else {
            status = .info("not rejected; file \(id) is unchanged")
            return
        }
        attempt {
            try desk.reject(fileID: id, reason: reason, actor: actor)
            tally.rejected += 1
            moveToNextPending(saying: "file \(id) rejected")
        }
    }

    private func addNote() {
        let id = queue.current
        guard let text = ask("Note on file \(id): ") else {
            status = .info("no note added")
            return
        }
        attempt {
            try desk.addNote(text, fileID: id, actor: actor)
            tally.notes += 1
            loadPage()
            status = .done("note added to file \(id)")
        }
    }

    /// `t name` tags the file; `t -name` takes the tag off again, for a tag put on by mistake.
    private func changeTag() {
        let id = queue.current
        guard let answer = ask("Tag for file \(id) (-name removes it): ") else {
            status = .info("no tag changed")
            return
        }
        let name = answer.trimmingCharacters(in: .whitespaces)
        attempt {
            if name.hasPrefix("-") {
                let tag = String(name.dropFirst())
                let removed = try desk.untag(tag, fileID: id, actor: actor)
                status = removed ? .done("tag \(tag) removed from file \(id)") : .info("file \(id) had no tag \(tag)")
                if removed { tally.tags += 1 }
            } else {
                let added = try desk.tag(name, fileID: id, actor: actor)
                status = added ? .done("file \(id) tagged \(name)") : .info("file \(id) already has the tag \(name)")
                if added { tally.tags += 1 }
            }
            loadPage()
        }
    }

    private func export() {
        let id = queue.current
        guard let identity else {
            status = .problem("export needs your key: quit with q and start the review again with --key FILE")
            return
        }
        status = .info("exporting file \(id)…")
        drawPage()
        let file = try? desk.file(id: id, identity: identity)
        let bar = ProgressBar(title: "exporting file \(id)", total: file?.facts?.cleanedSize ?? 0, unit: .bytes, width: { self.terminal.size.columns }) {
            self.status = .info($0)
            self.drawPage()
        }
        attempt {
            let written = try desk.export(fileID: id, identity: identity, to: exportFolder, actor: actor) { bar.advance(by: $0) }
            tally.exported += 1
            loadPage()
            // The path last: it is the longest part, and a wrapped path is still one to copy.
            switch ExportOpener.open(written, on: terminal) {
            case .opened(let viewer): status = .done("file \(id) exported, SHA-256 verified, and opened with \(viewer): \(written.path)")
            case .failed(let why): status = .problem("file \(id) exported, SHA-256 verified, but \(why): \(written.path)")
            case .noViewer:
                status = .done("file \(id) exported, SHA-256 verified (set \(ExportOpener.environmentVariable) to open it from here): \(written.path)")
            }
        }
    }

    /// Runs `body`; what it throws (the desk's refusals, a wrong key, a damaged copy) is shown, not fatal.
    private func attempt(_ body: () throws -> Void) {
        do {
            try body()
        } catch {
            status = .problem("\(error)")
        }
    }

    // MARK: - Screens

    private func drawPage() {
        draw(body: pageLines(), status: status, keys: ReviewScreen.browsingKeys)
    }

    private func pageLines() -> [ScreenLine] {
        let width = terminal.size.columns
        switch page {
        case .success(let page):
            return ReviewScreen.summary(of: page, heading: heading, actor: actor, width: width)
        case .failure(let error):
            return [ScreenLine(heading, .bold), ScreenLine()]
                + ScreenLine.wrapping("file \(queue.current) cannot be shown: \(SafeText.neutralise("\(error)"))", width: width, colour: .red)
        }
    }

    /// The details view, until any key.
    private func showDetails() {
        guard case .success(let page) = page else { return }
        repeat {
            draw(
                body: ReviewScreen.details(of: page, width: terminal.size.columns), status: .info("file \(page.id): all details"),
                keys: ReviewScreen.detailsKeys, overflowHint: "`evidence-review show \(page.id)` prints everything")
        } while keys.next() == .resize
    }

    /// A line typed on the status row, with echo; nil when cancelled (Esc or Ctrl-C) or left empty. With
    /// `requiredBecause`, an empty line is not accepted: the warning is shown and the question stays.
    private func ask(_ question: String, requiredBecause warning: String? = nil) -> String? {
        var answer = ""
        var shownWarning: String?
        while true {
            draw(body: pageLines(), status: .prompt(question: question, answer: answer), keys: ReviewScreen.promptKeys, warning: shownWarning)
            switch keys.next() {
            case .character(let character):
                answer.append(character)
                shownWarning = nil
            case .backspace:
                if !answer.isEmpty { answer.removeLast() }
            case .enter:
                if !answer.trimmingCharacters(in: .whitespaces).isEmpty { return answer }
                guard let warning else { return nil }
                shownWarning = warning
            case .escape, .interrupt, .endOfInput:
                return nil
            case .left, .right, .resize, .other:
                break
            }
        }
    }

    private func draw(
        body: [ScreenLine], status: StatusLine, keys: [(String, String)], warning: String? = nil,
        overflowHint: String = "s shows all details"
    ) {
        terminal.write(ReviewScreen.frame(body: body, status: status, keys: keys, warning: warning, size: terminal.size, overflowHint: overflowHint))
    }
}
