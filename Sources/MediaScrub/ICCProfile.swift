/// Cleans an ICC colour profile in memory, keeping every byte that affects colour.
///
/// Profiles are kept rather than dropped because removing one changes how the picture's colours decode.
/// What can point at a device or a moment is blanked in place, so sizes and offsets stay valid:
/// the header's preferred CMM (it names the vendor's software), creation date, device manufacturer and model,
/// profile creator and profile ID (an ID of zero means "not computed"), and the text of the device-description
/// and copyright tags. The profile description, which often names the camera's maker, is rewritten to a neutral
/// name of the colour space (`ICCProfile+Description.swift`).
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
        let tags = try tagTable(profile)
        // Tags may share or overlap their contents; only the parts not yet rewritten are looked at, or a thousand
        // tags over the same megabytes would scan them a thousand times.
        var done: [Range<Int>] = []
        if let description = try describeNeutrally(&cleaned, tags: tags, done: &done) {
            blanked.append("description replaced by \"\(description)\"")
        }
        for tag in tags where deviceDescriptionTags.contains(tag.signature) {
            guard let range = tag.range(in: profile.count) else {
                throw ScrubError.malformed("ICC tag \(tag.signature) lies outside the profile")
            }
            // Keep the 4-byte type and 4 reserved bytes; all-zero contents read as an empty text or list.
            let contents = (range.lowerBound + 8)..<range.upperBound
            let fresh = parts(of: contents, outside: done)
            if fresh.contains(where: { cleaned[$0].contains { $0 != 0 } }) {
                for part in fresh { cleaned.replaceSubrange(part, with: repeatElement(0, count: part.count)) }
                blanked.append("\(tag.signature) text")
            }
            done = ZeroRanges(done + [contents]).ranges
        }
        return (cleaned, blanked)
    }

    /// One entry of a profile's tag table; its offset and size are as read, not yet checked.
    struct Tag {
        let signature: String
        let offset: Int
        let size: Int

        /// The tag's bytes, type included; nil when it is shorter than a type and reserved bytes or lies outside a
        /// profile of `count` bytes, unless `clamped`, which cuts it to the profile instead.
        func range(in count: Int, clamped: Bool = false) -> Range<Int>? {
            guard size >= 8, offset <= count else { return nil }
            guard size <= count - offset else { return clamped ? offset..<count : nil }
            return offset..<(offset + size)
        }
    }

    /// The tag table after the header.
    static func tagTable(_ profile: [UInt8]) throws -> [Tag] {
        let tagCount = bigEndian32(profile, at: headerSize)
        guard tagCount <= maximumTagCount, headerSize + 4 + tagCount * 12 <= profile.count else {
            throw ScrubError.malformed("an ICC profile's tag table runs past its end")
        }
        return (0..<tagCount).map { index in
            let entry = headerSize + 4 + index * 12
            return Tag(signature: String(decoding: profile[entry..<entry + 4], as: UTF8.self),
                       offset: bigEndian32(profile, at: entry + 4), size: bigEndian32(profile, at: entry + 8))
        }
    }

    /// The pieces of `range` that none of `covered` (sorted, disjoint) overlaps.
    static func parts(of range: Range<Int>, outside covered: [Range<Int>]) -> [Range<Int>] {
        var parts: [Range<Int>] = []
        var start = range.lowerBound
        for piece in covered where piece.upperBound > start && piece.lowerBound < range.upperBound {
            if piece.lowerBound > start { parts.append(start..<piece.lowerBound) }
            start = piece.upperBound
        }
        if start < range.upperBound { parts.append(start..<range.upperBound) }
        return parts
    }

    static func bigEndian32(_ bytes: [UInt8], at offset: Int) -> Int {
        Int(bytes[offset]) << 24 | Int(bytes[offset + 1]) << 16 | Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
    }
}
