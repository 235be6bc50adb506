import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

extension S3Client {
    /// Starts a multipart upload and returns its upload ID.
    public func createMultipartUpload(_ key: String) async throws -> String {
        let response = try await send(
            .createMultipartUpload, .POST, key: key, query: [("uploads", "")], expected: [200])
        let answer = try await xmlAnswer(.createMultipartUpload, response)
        guard let uploadID = answer.text(of: "UploadId"), !uploadID.isEmpty else {
            throw S3Error.malformedAnswer(.createMultipartUpload, "no UploadId")
        }
        return uploadID
    }

    /// Uploads one part (at least 5 MiB unless it is the last) and returns what completing the upload needs.
    public func uploadPart(_ key: String, uploadID: String, partNumber: Int, bytes: ByteBuffer) async throws -> S3CompletedPart {
        let response = try await send(
            .uploadPart, .PUT, key: key, query: [("partNumber", String(partNumber)), ("uploadId", uploadID)],
            body: bytes, expected: [200])
        try await discardBody(response)
        guard let etag = response.headers.first(name: "etag") else {
            throw S3Error.malformedAnswer(.uploadPart, "no ETag for part \(partNumber)")
        }
        return S3CompletedPart(partNumber: partNumber, etag: etag)
    }

    /// Joins the parts into the object.
    public func completeMultipartUpload(_ key: String, uploadID: String, parts: [S3CompletedPart]) async throws {
        var document = "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
        for part in parts {
            document += "<Part><PartNumber>\(part.partNumber)</PartNumber><ETag>\(Self.escapeXML(part.etag))</ETag></Part>"
        }
        document += "</CompleteMultipartUpload>"
        let response = try await send(
            .completeMultipartUpload, .POST, key: key, query: [("uploadId", uploadID)],
            headers: [("content-type", "application/xml")], body: ByteBuffer(string: document), expected: [200])
        _ = try await xmlAnswer(.completeMultipartUpload, response)
    }

    /// Abandons an upload; the service frees its parts.
    public func abortMultipartUpload(_ key: String, uploadID: String) async throws {
        try await discardBody(
            send(.abortMultipartUpload, .DELETE, key: key, query: [("uploadId", uploadID)], expected: [204, 200]))
    }

    /// Every upload in progress whose key starts with `prefix`, following the listing's pages.
    public func listMultipartUploads(prefix: String = "") async throws -> [S3MultipartUpload] {
        var uploads: [S3MultipartUpload] = []
        var markers: [(name: String, value: String)] = []
        while true {
            let response = try await send(
                .listMultipartUploads, .GET, key: nil, query: [("uploads", ""), ("prefix", prefix)] + markers,
                expected: [200])
            let answer = try await xmlAnswer(.listMultipartUploads, response)
            for upload in answer.children("Upload") {
                guard let key = upload.text(of: "Key"), let uploadID = upload.text(of: "UploadId") else {
                    throw S3Error.malformedAnswer(.listMultipartUploads, "an Upload without Key or UploadId")
                }
                uploads.append(
                    S3MultipartUpload(key: key, uploadID: uploadID, initiated: upload.text(of: "Initiated").flatMap(Self.parseTimestamp)))
            }
            guard answer.text(of: "IsTruncated") == "true" else { return uploads }
            guard let nextKey = answer.text(of: "NextKeyMarker"), let nextUploadID = answer.text(of: "NextUploadIdMarker"),
                !(nextKey.isEmpty && nextUploadID.isEmpty)
            else {
                throw S3Error.malformedAnswer(.listMultipartUploads, "a truncated listing without next markers")
            }
            markers = [("key-marker", nextKey), ("upload-id-marker", nextUploadID)]
        }
    }

    /// Aborts the uploads under `prefix` started before `cutoff` (all of them when nil) and returns them: the
    /// clean-up for writers that died between their first part and `finish()`, whose parts the service keeps
    /// (and bills) until aborted. With a cutoff, an upload whose start time the service did not give is left
    /// alone: it may be a live writer's.
    @discardableResult
    public func abortStaleMultipartUploads(prefix: String = "", startedBefore cutoff: Date? = nil) async throws -> [S3MultipartUpload] {
        let stale = try await listMultipartUploads(prefix: prefix).filter { upload in
            guard let cutoff else { return true }
            guard let initiated = upload.initiated else { return false }
            return initiated < cutoff
        }
        for upload in stale {
            do {
                try await abortMultipartUpload(upload.key, uploadID: upload.uploadID)
            } catch let error as S3Error where error.code == "NoSuchUpload" {
                // Completed or aborted by someone else since the listing.
            }
        }
        return stale
    }

    /// S3's `2010-11-10T20:48:33.000Z`, with or without the fraction.
    static func parseTimestamp(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }

    static func escapeXML(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
