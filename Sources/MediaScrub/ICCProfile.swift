/// Cleans an ICC colour profile in memory, keeping every byte that affects colour.
///
/// Profiles are kept rather than dropped because removing one changes how the picture's colours decode.
/// What can point at a device or a moment is blanked in place, so sizes and offsets stay valid:
/// the header's preferred CMM (it names the vendor's software), creation date, device manufacturer and model,
/// profile creator and profile ID (an ID of zero means "not computed"), and the text of the device-description
/// and copyright tags.
enum ICCProfile {
    /// Tags whose contents describe a device, its maker or the profile's owner (copyright), not colour.
    static let deviceDescriptionTags: Set<String> = ["dmnd", "dmdd", "targ", "meta", "cprt"]
    static let headerSize = 128
    static let maximumTagCount = 1024

    /// Header fields blanked, as (offset, length, label).
    static let identifyingHeaderFields: [(Int, Int, String)] = [
        (4, 4, "preferred CMM"), (24, 12, "creation date"), (48, 4, "device manufacturer"), (52, 4, "device model"),
        (80, 4, "profile creator"), (84, 16, "profile ID"),
    ]

    /// The cleaned profile and the names of what was blanked (empty when it was already clean).
    static func clean(_ profile: [UInt8]) throws -> (profile: [UInt8], blanked: [String]) {
        guard profile.count >= headerSize + 4 else { throw ScrubError.malformed("an ICC profile is shorter than its header") }
        let declaredSize = bigEndian32(profile, at: 0)
        guard declaredSize == profile.count else {
            throw ScrubError.malformed("an ICC profile declares \(declaredSize) bytes but holds \(profile.count)")
        }
        guard Array(profile[36..<40]) == Array("acsp".utf8) else { throw ScrubError.malformed("an ICC profile lacks its 'acsp' signature") }
        var cleaned = profile
        var blanked: [String] = []
        for (offset, length, label) in identifyingHeaderFields where cleaned[offset..<offset + length].contains(where: { $0 != 0 }) {
            cleaned.replaceSubrange(offset..<offset + length, with: repeatElement(0, count: length))
            blanked.append(label)
        }
        let tagCount = bigEndian32(profile, at: headerSize)
        guard tagCount <= maximumTagCount, headerSize + 4 + tagCount * 12 <= profile.count else {
            throw ScrubError.malformed("an ICC profile's tag table runs past its end")
        }
        // Tags may share or overlap their contents; only the parts not yet blanked are looked at, or a thousand
        // tags over the same megabytes would scan them a thousand times.
        var done: [Range<Int>] = []
        for index in 0..<tagCount {
            let entry = headerSize + 4 + index * 12
            let signature = String(decoding: profile[entry..<entry + 4], as: UTF8.self)
            guard deviceDescriptionTags.contains(signature) else { continue }
            let offset = bigEndian32(profile, at: entry + 4)
            let size = bigEndian32(profile, at: entry + 8)
            guard size >= 8, offset <= profile.count, size <= profile.count - offset else {
                throw ScrubError.malformed("ICC tag \(signature) lies outside the profile")
            }
            // Keep the 4-byte type and 4 reserved bytes; all-zero contents read as an empty text or list.
            let contents = (offset + 8)..<(offset + size)
            let fresh = parts(of: contents, outside: done)
            if fresh.contains(where: { cleaned[$0].contains { $0 != 0 } }) {
                for part in fresh { cleaned.replaceSubrange(part, with: repeatElement(0, count: part.count)) }
                blanked.append("\(signature) text")
            }
            done = ZeroRanges(done + [contents]).ranges
        }
        return (cleaned, blanked)
    }

    /// The pieces of `range` that none of `covered` (sorted, disjoint) overlaps.
    private static func parts(of range: Range<Int>, outside covered: [Range<Int>]) -> [Range<Int>] {
        var parts: [Range<Int>] = []
        var start = range.lowerBound
        for piece in covered where piece.upperBound > start && piece.lowerBound < range.upperBound {
            if piece.lowerBound > start { parts.append(start..<piece.lowerBound) }
            start = piece.upperBound
        }
        if start < range.upperBound { parts.append(start..<range.upperBound) }
        return parts
    }

    private static func bigEndian32(_ bytes: [UInt8], at offset: Int) -> Int {
        Int(bytes[offset]) << 24 | Int(bytes[offset + 1]) << 16 | Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
    }
}
