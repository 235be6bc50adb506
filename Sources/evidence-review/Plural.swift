/// A count with its noun: "1 file", "3 files" (the nouns used here all take -s).
enum Plural {
    static func count(_ number: Int, _ noun: String) -> String {
        "\(number) \(noun)\(number == 1 ? "" : "s")"
    }
}
