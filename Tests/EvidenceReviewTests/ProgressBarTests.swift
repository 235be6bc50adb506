@testable import evidence_review
import Testing

/// The progress bar's text, as pure functions: what a reviewer reads while an export or purge runs.
struct ProgressBarTests {
    @Test("speed in bytes or items per second, with a dash before anything is done")
    func speed() {
        #expect(ProgressBar.speed(31_400_000, unit: .bytes) == "31 MB/s")
        #expect(ProgressBar.speed(950, unit: .bytes) == "950 bytes/s")
        #expect(ProgressBar.speed(12.4, unit: .items("files")) == "12 files/s")
        #expect(ProgressBar.speed(0.5, unit: .items("files")) == "0.5 files/s")
        #expect(ProgressBar.speed(0, unit: .bytes) == "–/s")
        #expect(ProgressBar.speed(.infinity, unit: .bytes) == "–/s")
    }

    @Test("time left at the average speed so far, as m:ss or h:mm:ss")
    func timeLeft() {
        // A quarter done in 10 s: 30 s to go.
        #expect(ProgressBar.timeLeft(done: 25, total: 100, elapsed: 10) == "0:30 left")
        #expect(ProgressBar.timeLeft(done: 1, total: 3601, elapsed: 1) == "1:00:00 left")
        #expect(ProgressBar.timeLeft(done: 3, total: 10, elapsed: 0.5) == "0:02 left", "rounded up, never promising too soon")
        #expect(ProgressBar.timeLeft(done: 0, total: 10, elapsed: 5) == "– left")
        #expect(ProgressBar.timeLeft(done: 12, total: 10, elapsed: 5) == "0:00 left", "more done than planned is not negative")
        #expect(ProgressBar.clock(65) == "1:05")
        #expect(ProgressBar.clock(3725) == "1:02:05")
        #expect(ProgressBar.clock(0) == "0:00")
    }

    @Test("done/total in bytes or items, and a bar filled in proportion")
    func amountAndBar() {
        #expect(ProgressBar.amount(done: 120_000_000, total: 340_000_000, unit: .bytes) == "120 MB/340 MB")
        #expect(ProgressBar.amount(done: 3, total: 10, unit: .items("files")) == "3/10 files")
        #expect(ProgressBar.bar(fraction: 0.5, width: 10) == "#####.....")
        #expect(ProgressBar.bar(fraction: 0.99, width: 10) == "#########.")
        #expect(ProgressBar.bar(fraction: 1.5, width: 4) == "####")
        #expect(ProgressBar.bar(fraction: -1, width: 4) == "....")
    }

    @Test("the whole line fits the terminal, dropping the bar when it is narrow")
    func line() {
        let wide = ProgressBar.line(title: "exporting", done: 50_000_000, total: 200_000_000, unit: .bytes, elapsed: 5, width: 100)
        #expect(wide == "exporting [#####...............]  50 MB/200 MB  10 MB/s  0:15 left")
        #expect(wide.count < 100)
        let narrow = ProgressBar.line(title: "purging", done: 2, total: 8, unit: .items("files"), elapsed: 1, width: 45)
        #expect(narrow == "purging  2/8 files  2.0 files/s  0:03 left")
        let tiny = ProgressBar.line(title: "purging", done: 2, total: 8, unit: .items("files"), elapsed: 1, width: 12)
        #expect(tiny.count == 11)
    }
}
