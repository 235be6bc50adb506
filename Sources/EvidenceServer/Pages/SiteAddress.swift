/// Where this site is reached, for a receipt kept for months: the address the person used (the request's host),
/// and the operator's onion address when one is set. Either is left out unless it is a plain host name or address
/// with an optional port: the host comes from the client, and ends up in a file name and a file people keep.
struct SiteAddress: Sendable, Equatable {
    /// E.g. "drop.example.org", "127.0.0.1:8080"; lowercased.
    let host: String?
    /// E.g. "abc…xyz.onion"; nil when the operator set none.
    let onion: String?

    init(host: String?, onion: String?) {
        let host = host.flatMap(Self.plainHost)
        self.host = host
        // Reached over Tor, the host is the onion address already: named once.
        let onion = onion.flatMap(Self.plainHost)
        self.onion = onion == host?.split(separator: ":").first.map(String.init) ? nil : onion
    }

    /// The name of a saved receipt: `receipt-HOST.EXTENSION` in letters, digits, dots and dashes only (a port's
    /// colon becomes a dash), or `receipt.EXTENSION` without a host.
    func fileName(extension: String) -> String {
        guard let host else { return "receipt.\(`extension`)" }
        let safe = host.unicodeScalars.compactMap { scalar -> Character? in
            switch scalar {
            case "a"..."z", "0"..."9", ".", "-": Character(scalar)
            case "[", "]": nil
            default: "-"
            }
        }
        return "receipt-\(String(safe)).\(`extension`)"
    }

    /// `text` lowercased if it is a host name, an IPv4 or bracketed IPv6 address, with an optional port, else nil.
    static func plainHost(_ text: String) -> String? {
        let lowered = text.lowercased()
        guard (1...255).contains(lowered.utf8.count),
            lowered.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || ".-:[]".unicodeScalars.contains($0) }),
            !lowered.hasPrefix("."), !lowered.hasPrefix("-"), !lowered.hasPrefix(":")
        else { return nil }
        return lowered
    }
}
