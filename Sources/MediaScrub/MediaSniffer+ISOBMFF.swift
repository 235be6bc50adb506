extension MediaSniffer {
    static let heifBrands: Set<String> = ["heic", "heix", "heim", "heis", "hevc", "hevx", "hevm", "hevs", "mif1", "mif2", "msf1"]
    static let avifBrands: Set<String> = ["avif", "avis"]
    static let mp4Brands: Set<String> = [
        "isom", "iso2", "iso3", "iso4", "iso5", "iso6", "iso7", "iso8", "iso9", "mp41", "mp42", "mp71", "avc1",
        "M4V ", "M4VH", "M4VP", "dash", "msdh", "msix", "f4v ", "MSNV", "XAVC", "NDAS", "mmp4",
    ]
    /// Top-level QuickTime box types that may start a movie without an ftyp box.
    static let quickTimeFirstBoxes: Set<String> = ["moov", "mdat", "wide", "free", "skip", "pnot"]

    /// The ISO BMFF / QuickTime type of a file starting with `prefix`, from its ftyp brands.
    static func isobmffType(_ prefix: [UInt8]) -> MediaType? {
        guard prefix.count >= 8 else { return nil }
        let firstType = String(decoding: prefix[4..<8], as: UTF8.self)
        guard firstType == "ftyp", prefix.count >= 12 else {
            let size = Int(prefix[0]) << 24 | Int(prefix[1]) << 16 | Int(prefix[2]) << 8 | Int(prefix[3])
            return quickTimeFirstBoxes.contains(firstType) && (size == 0 || size == 1 || size >= 8) ? .mov : nil
        }
        let boxSize = Int(prefix[0]) << 24 | Int(prefix[1]) << 16 | Int(prefix[2]) << 8 | Int(prefix[3])
        let major = String(decoding: prefix[8..<12], as: UTF8.self)
        var brands = [major]
        var index = 16
        while index + 4 <= min(boxSize, prefix.count) {
            brands.append(String(decoding: prefix[index..<(index + 4)], as: UTF8.self))
            index += 4
        }
        if brands.contains(where: avifBrands.contains) && !heifBrands.subtracting(["mif1", "msf1", "mif2"]).contains(major) { return .avif }
        for brand in brands {
            if heifBrands.contains(brand) { return .heif }
            if brand == "qt  " { return .mov }
            if brand == "M4A " || brand == "M4B " || brand == "M4P " { return .m4a }
            if brand.hasPrefix("3gp") || brand.hasPrefix("3g2") { return .threeGPP }
            if mp4Brands.contains(brand) { return .mp4 }
        }
        return nil
    }
}
