import EvidenceCore
import Foundation
import Hummingbird

/// The public check: is a file in the log? Shows only the proof (index, tree size, audit path, checkpoint),
/// nothing else about the submission. A file is found only with its receipt's opening, so a hash that was
/// received but asked about without it gets the very page of a hash never received.
enum VerifyPage {
    enum Outcome {
        case none
        /// A catalogue key saying what is wrong with the request.
        case invalid(key: String)
        /// One check per hash asked about (several for a receipt of several files).
        case checked([Check])
    }

    enum Check {
        case notFound(sha256: String)
        case found(InclusionProof)
    }

    static func response(_ pages: PageRenderer, _ language: Language, outcome: Outcome, status: HTTPResponse.Status = .ok) -> Response {
        let words = pages.catalogue(language)
        var values: [String: Any] = ["scripts": ["/verify.js", "/pickers.js"]]
        switch outcome {
        case .none: break
        case .invalid(let key): values["invalid"] = words.text(key)
        case .checked(let checks):
            values["results"] = checks.map { check -> [String: Any] in
                switch check {
                case .notFound(let sha):
                    return ["notFound": true, "sha256": sha]
                case .found(let proof):
                    return [
                        "found": true,
                        "sha256": proof.sha256 ?? "",
                        "foundLine": words.text("verify_found", ["index": String(proof.leafIndex), "size": String(proof.treeSize)]),
                        "auditPath": proof.auditPath.joined(separator: "\n"),
                        "checkpoint": proof.checkpoint,
                        // A download, not a link: the opening in a URL could reach a proxy's log or the history.
                        "proofDownload": ReceiptDownload.dataURL((try? Response.jsonBytes(proof)) ?? Data(), type: "application/json"),
                    ]
                }
            }
        }
        return pages.response("verify", in: language, title: words.text("verify_title"), switchPath: "/verify", status: status, values: values)
    }
}
