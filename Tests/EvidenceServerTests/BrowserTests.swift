import EvidenceCore
import Foundation
import Testing

/// The submitter's path in a real headless Chromium with JavaScript switched off (Tests/Browser/*.py, Selenium).
@Suite(
    .enabled(if: Paths.hasCorpus, "../shared/corpus is absent"),
    .enabled(if: Paths.runsBrowserTests, "chromium-driver is not installed"),
    .serialized)
struct BrowserTests {
    /// Screenshots are kept for a person to look at: .build/test-screenshots/ (git-ignored).
    static let screenshots = Paths.repository.appendingPathComponent(".build/test-screenshots", isDirectory: true)

    @Test("with JavaScript off: send two corpus files and a message, read the receipt, check the status")
    func javascriptOffSubmission() async throws {
        try FileManager.default.createDirectory(at: Self.screenshots, withIntermediateDirectories: true)
        let server = try TestServer()
        let files = [Paths.corpusFile(EndToEndTests.gpsJPEG), Paths.corpusFile("mat2/tests/data/dirty.flac")]
        let script = Paths.repository.appendingPathComponent("Tests/Browser/js_off_submission.py").path
        let (port, run) = try await server.run { port in
            (port, try await Subprocess.run("/usr/bin/python3", [script, "http://127.0.0.1:\(port)", Self.screenshots.path] + files.map(\.path)))
        }
        #expect(run.status == 0, "\(run.stderr)")
        let result = try JSONSerialization.jsonObject(with: run.stdout) as? [String: Any] ?? [:]
        let code = result["receipt_code"] as? String ?? ""
        #expect(code.range(of: #"^\d{5}(-\d{5}){4}$"#, options: .regularExpression) != nil, "receipt code \(code)")
        #expect(result["files_on_receipt"] as? Int == 2)
        #expect(result["originals_kept"] as? Int == 2, "the ticked box keeps both originals")
        let receipt = result["receipt_text"] as? String ?? ""
        #expect(receipt.contains("JPEG image") && receipt.contains("FLAC audio"))
        #expect(receipt.contains("sha256sum") && receipt.contains("certutil -hashfile"))
        // The saved receipts are named after the site, say where to check, and hold the code and each file's
        // fingerprints (checked against sha256sum of the sources).
        let text = result["download.txt"] as? [String: Any] ?? [:], json = result["download.json"] as? [String: Any] ?? [:]
        #expect(text["name"] as? String == "receipt-127.0.0.1-\(port).txt" && json["name"] as? String == "receipt-127.0.0.1-\(port).json")
        let saved = text["text"] as? String ?? ""
        let savedJSON = try JSONDecoder().decode(Receipt.self, from: Data((json["text"] as? String ?? "").utf8))
        #expect(saved.contains(code) && savedJSON.code == code, "\(saved)")
        #expect(saved.contains("127.0.0.1:\(port)/status") && saved.contains("127.0.0.1:\(port)/verify"), "\(saved)")
        for file in files {
            let sha = String(try await Subprocess.run("sha256sum", [file.path]).stdoutText.prefix(64))
            #expect(saved.contains(sha), "the saved receipt lacks \(sha)")
            #expect(savedJSON.files.contains { $0.originalSHA256 == sha })
        }
        let status = result["status_text"] as? String ?? ""
        #expect(status.contains("received, waiting for review"), "\(status)")
        for name in ["form.png", "receipt.png", "status.png"] {
            #expect(FileManager.default.fileExists(atPath: Self.screenshots.appendingPathComponent(name).path))
        }
        // The message went through the browser form too.
        let shown = try await server.review(["show", "1", "--json", "--key", server.keyFile.path])
        #expect((try JSONSerialization.jsonObject(with: shown.stdout) as? [String: Any])?["message"] as? String == "seen from the bridge")
    }

    @Test("with JavaScript on: the files go up through submit.js with tus and the receipt replaces the page")
    func javascriptOnSubmission() async throws {
        try FileManager.default.createDirectory(at: Self.screenshots, withIntermediateDirectories: true)
        let server = try TestServer()
        let files = [Paths.corpusFile(EndToEndTests.cameraJPEG), Paths.corpusFile(EndToEndTests.textPNG)]
        let script = Paths.repository.appendingPathComponent("Tests/Browser/js_on_submission.py").path
        let run = try await server.run { port in
            try await Subprocess.run("/usr/bin/python3", [script, "http://127.0.0.1:\(port)", Self.screenshots.path] + files.map(\.path))
        }
        #expect(run.status == 0, "\(run.stderr)")
        let result = try JSONSerialization.jsonObject(with: run.stdout) as? [String: Any] ?? [:]
        #expect((result["receipt_code"] as? String)?.count == 29)
        #expect(result["files_on_receipt"] as? Int == 2)
        #expect(result["originals_kept"] as? Int == 2, "the ticked box keeps both originals (submit.js sends it)")
        #expect((result["url"] as? String)?.hasSuffix("/") == true, "the upload did not go through submit.js: \(result["url"] ?? "")")
        #expect((result["console_errors"] as? [String])?.isEmpty == true, "\(result["console_errors"] ?? "")")
        let listed = try await server.review(["list", "--json"])
        #expect((try JSONSerialization.jsonObject(with: listed.stdout) as? [Any])?.count == 2)
        // The files came through /uploads (tus), which is what makes the partial-upload folder exist; none is left.
        let partial = server.data.spool.appendingPathComponent("partial")
        #expect(FileManager.default.fileExists(atPath: partial.path), "the files did not go through /uploads")
        #expect((try? FileManager.default.contentsOfDirectory(atPath: partial.path))?.isEmpty ?? false)
    }

    @Test("every page in English, Russian and Kazakh: no English left, labelled controls, headings in order, contrast, 320 px, keyboard")
    func languagesAndAccessibility() async throws {
        try FileManager.default.createDirectory(at: Self.screenshots, withIntermediateDirectories: true)
        let server = try TestServer()
        let script = Paths.repository.appendingPathComponent("Tests/Browser/languages_and_access.py").path
        let catalogues = Paths.repository.appendingPathComponent("Sources/EvidenceServer/Translations").path
        let upload = Paths.corpusFile(EndToEndTests.gpsJPEG).path
        let run = try await server.run { port in
            try await Subprocess.run("/usr/bin/python3", [script, "http://127.0.0.1:\(port)", Self.screenshots.path, catalogues, upload])
        }
        #expect(run.status == 0, "\(run.stderr)")
        let result = try JSONSerialization.jsonObject(with: run.stdout) as? [String: Any] ?? [:]
        let pages = result["pages"] as? [[String: Any]] ?? []
        #expect(pages.count == 15, "expected 5 pages in 3 languages, got \(pages.count)")
        for page in pages {
            let name = "\(page["page"] ?? "?") in \(page["lang"] ?? "?")"
            #expect(page["html_lang"] as? String == page["lang"] as? String, "\(name): wrong html lang")
            let english = page["english"] as? [String] ?? ["?"]
            if page["lang"] as? String == "en" {
                // The check itself can fail: on English pages it finds the English sentences.
                #expect(!english.isEmpty, "\(name): the English check found nothing on an English page")
            } else {
                #expect(english.isEmpty, "\(name): English left: \(english)")
                #expect((page["latin"] as? [String] ?? ["?"]).isEmpty, "\(name): Latin words left: \(page["latin"] ?? "")")
            }
            #expect((page["unlabelled"] as? [String] ?? ["?"]).isEmpty, "\(name): controls without a label: \(page["unlabelled"] ?? "")")
            let headings = page["headings"] as? [Int] ?? []
            #expect(headings.first == 1 && headings.filter { $0 == 1 }.count == 1, "\(name): one h1 first: \(headings)")
            #expect(zip(headings, headings.dropFirst()).allSatisfy { $1 <= $0 + 1 }, "\(name): a heading level is skipped: \(headings)")
            #expect((page["low_contrast"] as? [String] ?? ["?"]).isEmpty, "\(name): text below 4.5:1: \(page["low_contrast"] ?? "")")
            #expect((page["low_contrast_dark"] as? [String] ?? ["?"]).isEmpty, "\(name), dark scheme: text below 4.5:1: \(page["low_contrast_dark"] ?? "")")
            #expect(page["overflow_px"] as? Int == 0, "\(name): wider than a 320 px screen by \(page["overflow_px"] ?? "?") px")
            let stops = page["tab_stops"] as? [String] ?? []
            #expect(stops.first == "#content", "\(name): Tab does not reach the skip link first: \(stops)")
            #expect((page["focus_hidden"] as? [String] ?? ["?"]).isEmpty, "\(name): focus not drawn on \(page["focus_hidden"] ?? "")")
            if page["page"] as? String == "form" {
                for control in ["files", "message", "keep_original"] {
                    #expect(stops.contains(control), "\(name): Tab never reaches \(control): \(stops)")
                }
            }
        }
        for name in ["form-ru.png", "receipt-kk.png", "status-ru.png", "verify-kk.png"] {
            #expect(FileManager.default.fileExists(atPath: Self.screenshots.appendingPathComponent(name).path), "\(name)")
        }
        #expect((result["receipt_codes"] as? [String: String])?.count == 3)
    }

    @Test("with proof of work on, submit.js solves the puzzle in the browser and the upload is not held back")
    func proofOfWorkInBrowser() async throws {
        try FileManager.default.createDirectory(at: Self.screenshots, withIntermediateDirectories: true)
        let server = try TestServer()
        let files = [Paths.corpusFile(EndToEndTests.cameraJPEG)]
        let script = Paths.repository.appendingPathComponent("Tests/Browser/js_on_submission.py").path
        let started = Date()
        // Without a solution the server would hold the request for 60 s, past the script's 30 s wait.
        let run = try await server.run(limits: { limits in
            limits.proofOfWorkBits = 14
            limits.proofOfWorkFallbackDelay = .seconds(60)
        }) { port in
            try await Subprocess.run("/usr/bin/python3", [script, "http://127.0.0.1:\(port)", Self.screenshots.path] + files.map(\.path))
        }
        #expect(run.status == 0, "\(run.stderr)")
        let result = try JSONSerialization.jsonObject(with: run.stdout) as? [String: Any] ?? [:]
        #expect((result["receipt_code"] as? String)?.count == 29)
        #expect((result["console_errors"] as? [String])?.isEmpty == true, "\(result["console_errors"] ?? "")")
        #expect(Date().timeIntervalSince(started) < 45)
    }

    @Test("on a phone (360x800), pressing Send brings the progress into view, says in words what is happening, labels the total and marks each sent file", arguments: ["en", "ru"])
    func phoneProgress(lang: String) async throws {
        let server = try TestServer()
        let script = Paths.repository.appendingPathComponent("Tests/Browser/phone_progress.py").path
        let files = ["metadata-extractor-images/jpg/Apple iPhone 4.jpg", EndToEndTests.cameraJPEG].map { Paths.corpusFile($0).path }
        let run = try await server.run { port in
            try await Subprocess.run("/usr/bin/python3", [script, "http://127.0.0.1:\(port)", lang] + files)
        }
        #expect(run.status == 0, "\(run.stderr)")
        let result = try JSONSerialization.jsonObject(with: run.stdout) as? [String: Any] ?? [:]
        let words = try LanguageTests.catalogue(lang)
        #expect(result["panel_before_send"] is NSNull, "no panel before Send")
        let atSend = try #require(result["at_send"] as? [String: Any], "\(run.stdoutText)")
        let top = try #require(atSend["top"] as? Double), height = try #require(atSend["height"] as? Double)
        #expect(top > -2 && top < height / 2, "the panel is in view at once, near the top (to a pixel): \(atSend)")
        #expect(atSend["heading"] as? String == words["upload_sending"], "\(atSend)")
        #expect(atSend["total_label"] as? String == words["upload_total"], "\(atSend)")
        let during = result["during"] as? [[String: Any]] ?? []
        #expect(during.contains { ($0["lines"] as? [String])?.first == words["upload_file_done"] }, "a sent file says so: \(during.suffix(3))")
        #expect((result["receipt_code"] as? String)?.count == 29)
        #expect((result["console_errors"] as? [String])?.isEmpty == true, "\(result["console_errors"] ?? "")")
    }


    /// The receipt's height at 360x800 before the redesign (two JPEGs, GPS.jpg and Canon EOS 7D.jpg): 3,884 px in
    /// English, 4,214 px in Russian, nearly five screens of hashes before anything a person could act on.
    static let receiptHeightBefore = ["en": 3884.0, "ru": 4214.0]

    @Test("on a phone (360x800) the receipt's code and save link are on the first screen, the page is far shorter, the proof folded; the file pickers speak the page's language", arguments: ["en", "ru"])
    func phoneReceipt(lang: String) async throws {
        try FileManager.default.createDirectory(at: Self.screenshots, withIntermediateDirectories: true)
        let server = try TestServer()
        let script = Paths.repository.appendingPathComponent("Tests/Browser/phone_receipt.py").path
        let files = [EndToEndTests.gpsJPEG, EndToEndTests.cameraJPEG].map { Paths.corpusFile($0).path }
        let (port, run) = try await server.run { port in
            (port, try await Subprocess.run("/usr/bin/python3", [script, "http://127.0.0.1:\(port)", lang, Self.screenshots.path] + files))
        }
        #expect(run.status == 0, "\(run.stderr)")
        let result = try JSONSerialization.jsonObject(with: run.stdout) as? [String: Any] ?? [:]
        let receipt = try #require(result["receipt"] as? [String: Any], "\(run.stdoutText)")
        let viewport = try #require(receipt["viewport"] as? Double)
        let code = try #require(receipt["code"] as? [String: Any]), save = try #require(receipt["save_text"] as? [String: Any])
        #expect(viewport == 800)
        #expect((code["bottom"] as? Double ?? .infinity) <= viewport, "the code is below the first screen: \(code)")
        #expect((save["bottom"] as? Double ?? .infinity) <= viewport, "the save link is below the first screen: \(save)")
        #expect(receipt["save_name"] as? String == "receipt-127.0.0.1-\(port).txt")
        let height = try #require(receipt["page_height"] as? Double)
        let before = try #require(Self.receiptHeightBefore[lang])
        print("receipt at 360x800 in \(lang): \(Int(height)) px (before: \(Int(before)) px)")
        #expect(height < before * 0.6, "the receipt is \(Int(height)) px tall in \(lang), was \(Int(before)) px")
        #expect((receipt["first_details"] as? [String: Any])?["top"] as? Double ?? 0 > viewport, "something to read before the proof")
        let proofs = receipt["proofs_folded"] as? [Bool] ?? [], commands = receipt["commands_folded"] as? [Bool] ?? []
        #expect(proofs.count == 7 && proofs.allSatisfy { $0 }, "2 × three codes and the checkpoint, all folded: \(proofs)")
        #expect(commands.count == 3 && commands.allSatisfy { $0 }, "\(commands)")
        #expect(receipt["overflow_px"] as? Int == 0)
        #expect(result["url"] as? String == "http://127.0.0.1:\(port)/submissions?lang=\(lang)", "the code went into no URL")
        // Unfolded with a tap: shown, each command on one line, still no wider than the phone.
        let unfolded = try #require(result["unfolded"] as? [String: Any])
        #expect((unfolded["shown"] as? [Bool]).map { $0.count == 5 && $0.allSatisfy { $0 } } == true, "\(unfolded)")
        let lines = unfolded["command_lines"] as? [[Any]] ?? []
        #expect(lines.count == 3 && lines.allSatisfy { $0.last as? Int == 1 }, "a command is split over lines: \(lines)")
        #expect(unfolded["overflow_px"] as? Int == 0)
        // The pickers, on an English browser: our words in the page's language, the native input unseen but focused
        // by Tab with its ring drawn on our button.
        let words = try LanguageTests.catalogue(lang)
        for page in ["form", "status", "verify"] {
            let picker = try #require(result[page] as? [String: Any], "\(page): \(result)")
            let before = picker["before"] as? [String: Any] ?? [:], focused = picker["focused"] as? [String: Any] ?? [:]
            let after = picker["after"] as? [String: Any] ?? [:]
            #expect(before["button"] as? String == words["upload_pick"] && before["button_seen"] as? Bool == true, "\(page): \(before)")
            #expect(before["native_seen"] as? Bool == false, "\(page): the browser's own button still shows")
            #expect(before["labels"] as? Int == 1, "\(page): the input has \(before["labels"] ?? "?") labels, not one")
            #expect(before["chosen"] as? String == words["upload_picked_none"], "\(page): \(before)")
            #expect(focused["focused"] as? Bool == true && focused["ring"] as? Bool == true, "\(page): \(focused)")
            #expect(before["ring"] as? Bool == false, "\(page): a ring without focus")
            let names = (page == "form" ? files : [files[0]]).map { URL(fileURLWithPath: $0).lastPathComponent }
            let expected = (words["upload_picked"] ?? "?").replacingOccurrences(of: "{n}", with: String(names.count))
                .replacingOccurrences(of: "{names}", with: names.joined(separator: ", "))
            #expect(after["chosen"] as? String == expected, "\(page): \(after)")
        }
        #expect((result["console_errors"] as? [String])?.isEmpty == true, "\(result["console_errors"] ?? "")")
    }

    @Test("\"Add more files\" on the status page sends through the same resumable client as the form: tus, a progress panel, then the page of the addition")
    func addFilesResumable() async throws {
        let server = try TestServer()
        let script = Paths.repository.appendingPathComponent("Tests/Browser/js_on_add_files.py").path
        let first = Paths.corpusFile(EndToEndTests.gpsJPEG)
        let more = Paths.corpusFile(EndToEndTests.cameraJPEG).path
        let (sent, run) = try await server.run { port in
            let sent = try await Upload.send(port: port, files: [first])
            let code = sent.receipt?.code ?? ""
            return (sent, try await Subprocess.run("/usr/bin/python3", [script, "http://127.0.0.1:\(port)", code, more]))
        }
        #expect(sent.status == 201)
        #expect(run.status == 0, "\(run.stderr)")
        let result = try JSONSerialization.jsonObject(with: run.stdout) as? [String: Any] ?? [:]
        let words = try LanguageTests.catalogue("en")
        #expect(result["progress_shown"] as? Bool == true, "\(result)")
        #expect(result["heading"] as? String == words["receipt_heading_added"], "\(result)")
        #expect((result["url"] as? String).map { $0.contains("/status") && !$0.contains("/status/add") } == true,
                "the addition went through submit.js, not a post of the page to /status/add: \(result)")
        #expect((result["console_errors"] as? [String])?.isEmpty == true, "\(result["console_errors"] ?? "")")
        let listed = try await server.review(["list", "--json"])
        let rows = try JSONSerialization.jsonObject(with: listed.stdout) as? [[String: Any]] ?? []
        #expect(rows.count == 2 && Set(rows.compactMap { $0["submission"] as? Int }).count == 1, "one submission of two files: \(rows)")
        let partial = server.data.spool.appendingPathComponent("partial")
        #expect(FileManager.default.fileExists(atPath: partial.path), "the file did not go through /uploads")
    }

}
