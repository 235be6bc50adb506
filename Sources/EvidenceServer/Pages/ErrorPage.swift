/// A readable page for a refused upload: what went wrong and what to do.
enum ErrorPage {
    static func render(title: String, message: String, aboutUpload: Bool = true) -> String {
        HTML.page(title: title, body: """
            <h1>\(HTML.escape(title))</h1>
            <p class="error">\(HTML.escape(message))</p>
            \(aboutUpload ? "<p>Nothing from this attempt was kept.</p>" : "")
            <p><a href="/">Back to the form</a></p>
            """)
    }
}
