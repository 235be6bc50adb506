import Foundation

extension S3Configuration {
    /// Reads the object store from the environment, or nil when none is configured:
    ///
    /// - `EVIDENCE_S3_URL`: the whole configuration in the `s3://` form of `init(s3URL:)`; or
    /// - `EVIDENCE_S3_ENDPOINT` (`https://host[:port]`), `EVIDENCE_S3_BUCKET`, optional `EVIDENCE_S3_REGION`
    ///   (us-east-1) and `EVIDENCE_S3_STYLE` (path), with the credentials in the usual `AWS_ACCESS_KEY_ID` and
    ///   `AWS_SECRET_ACCESS_KEY`.
    public static func fromEnvironment(
        _ environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> S3Configuration? {
        if let url = environment["EVIDENCE_S3_URL"], !url.isEmpty {
            return try S3Configuration(s3URL: url)
        }
        guard let endpointText = environment["EVIDENCE_S3_ENDPOINT"], !endpointText.isEmpty else { return nil }
        guard let endpoint = URLComponents(string: endpointText), endpoint.scheme == "http" || endpoint.scheme == "https",
            endpoint.host?.isEmpty == false, endpoint.path.isEmpty || endpoint.path == "/", let endpointURL = endpoint.url
        else { throw S3ConfigurationError.invalidEndpoint }

        func required(_ name: String) throws -> String {
            guard let value = environment[name], !value.isEmpty else { throw S3ConfigurationError.missingVariable(name) }
            return value
        }
        let styleText = environment["EVIDENCE_S3_STYLE"] ?? S3AddressingStyle.path.rawValue
        guard let style = S3AddressingStyle(rawValue: styleText) else { throw S3ConfigurationError.invalidStyle(styleText) }
        var trimmed = URLComponents()
        trimmed.scheme = endpoint.scheme
        trimmed.host = endpoint.host
        trimmed.port = endpoint.port
        return S3Configuration(
            endpoint: trimmed.url ?? endpointURL,
            region: environment["EVIDENCE_S3_REGION"] ?? "us-east-1",
            bucket: try required("EVIDENCE_S3_BUCKET"),
            accessKeyID: try required("AWS_ACCESS_KEY_ID"),
            secretAccessKey: try required("AWS_SECRET_ACCESS_KEY"),
            addressingStyle: style)
    }
}
