import EvidenceCore
import Hummingbird

/// The public check: is a file in the log? Shows only the proof (index, tree size, audit path, checkpoint),
/// nothing else about the submission.
enum VerifyPage {
    enum Outcome {
        case none
        /// A catalogue key saying what is wrong with the request.
        case invalid(key: String)
        case notFound(sha256: String)
        case found(InclusionProof)
    }

    static func response(_ pages: PageRenderer, _ language: Language, outcome: Outcome, status: HTTPResponse.Status = .ok) -> Response {
        let words = pages.catalogue(language)
        var values: [String: Any] = ["scripts": ["/verify.js"]]
        switch outcome {
        case .none: break
        case .invalid(let key): values["invalid"] = words.text(key)
        case .notFound(let sha):
            values["notFound"] = true
            values["sha256"] = sha
        case .found(let proof):
            values["found"] = true
            values["sha256"] = proof.sha256 ?? ""
            values["foundLine"] = words.text("verify_found", ["index": String(proof.leafIndex), "size": String(proof.treeSize)])
            values["auditPath"] = proof.auditPath.joined(separator: "\n")
            values["checkpoint"] = proof.checkpoint
        }
        return pages.response("verify", in: language, title: words.text("verify_title"), switchPath: "/verify", status: status, values: values)
    }
}
