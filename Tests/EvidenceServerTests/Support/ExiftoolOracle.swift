import Foundation
import Testing

/// exiftool, an independent reader, lists what metadata is left in a file.
enum ExiftoolOracle {
    /// Tag names (without group) that point at a person, a device, a place or a time.
    static let identifying = [
        "GPS", "Make", "Model", "SerialNumber", "Serial", "OwnerName", "Artist", "Author", "Copyright", "Creator",
        "DateTimeOriginal", "CreateDate", "ModifyDate", "DateCreated", "Software", "ThumbnailImage", "PreviewImage",
        "LensModel", "UniqueCameraModel", "ImageUniqueID", "Comment",
    ]
    /// Groups (the -G1 family) that must be gone entirely.
    static let forbiddenGroups = ["XMP", "IPTC", "MakerNotes", "ExifIFD", "GPS", "IFD1", "Photoshop"]
    /// A colour profile may stay (it changes how colours decode), but not these fields of it.
    static let identifyingICCFields = ["ProfileDateTime", "DeviceManufacturer", "DeviceModel", "ProfileCreator", "ProfileID"]

    static func expectNoIdentifyingMetadata(in files: [URL], sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let result = try await Subprocess.run("exiftool", ["-j", "-a", "-G1", "-ee", "-u"] + files.map(\.path))
        let objects = try JSONSerialization.jsonObject(with: result.stdout) as! [[String: Any]]
        #expect(objects.count == files.count, sourceLocation: sourceLocation)
        for object in objects {
            let name = object["SourceFile"] as? String ?? "?"
            // The System group is the file system's view (name, dates of our own copy), not the file's content.
            for key in object.keys where key != "SourceFile" && !key.hasPrefix("System:") {
                let parts = key.split(separator: ":")
                let group = parts.count == 2 ? String(parts[0]) : ""
                let tag = String(parts.last!)
                if group.hasPrefix("ICC") {
                    let value = "\(object[key] ?? "")".filter { !"0: \u{0}".contains($0) }
                    #expect(!identifyingICCFields.contains(tag) || value.isEmpty || value == "none",
                            "\(name) still has \(key) = \(object[key] ?? "")", sourceLocation: sourceLocation)
                    continue
                }
                #expect(!forbiddenGroups.contains { group.hasPrefix($0) }, "\(name) still has \(key)", sourceLocation: sourceLocation)
                #expect(!identifying.contains { tag.contains($0) }, "\(name) still has \(key) = \(object[key] ?? "")", sourceLocation: sourceLocation)
            }
        }
    }
}
