/// The rows above the key list: what just happened, or a question the reviewer is answering.
enum StatusLine {
    case empty
    case done(String)
    case problem(String)
    case info(String)
    /// A line being typed; the cursor stands after `answer`.
    case prompt(question: String, answer: String)

    /// A message longer than a row wraps onto at most this many.
    static let maxRows = 3

    /// The rows as drawn, and the column the cursor goes to on the first row when it is a prompt. Text is
    /// neutralised here.
    func rendered(width: Int) -> (rows: [String], cursorColumn: Int?) {
        switch self {
        case .empty: return ([""], nil)
        case .done(let text): return (Self.wrapped(text, width: width, colour: .green), nil)
        case .problem(let text): return (Self.wrapped(text, width: width, colour: .red), nil)
        case .info(let text): return (Self.wrapped(text, width: width, colour: nil), nil)
        case .prompt(let question, let answer):
            let question = SafeText.neutralise(question)
            // A long answer scrolls: its end, where the typing happens, stays in view.
            let room = max(1, width - ScreenLine.columns(of: question) - 1)
            var shown = SafeText.neutralise(answer)
            while ScreenLine.columns(of: shown) > room { shown.removeFirst() }
            let line = ScreenLine(question, .bold) + ScreenLine(shown)
            return ([line.rendered(width: width)], min(width, line.columns + 1))
        }
    }

    private static func wrapped(_ text: String, width: Int, colour: Terminal.Colour?) -> [String] {
        let lines = ScreenLine.wrapping(SafeText.neutralise(text), width: width, colour: colour)
        guard lines.count > maxRows else { return lines.map { $0.rendered(width: width) } }
        return lines.prefix(maxRows - 1).map { $0.rendered(width: width) } + [lines[maxRows - 1].rendered(width: width - 1) + "…"]
    }
}
