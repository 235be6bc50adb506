/// Takes a version-2 payload's plaintext in order and hands on the file's bytes without the padding, in O(1)
/// memory: a 0x80 that may be the marker, and the zeros after it, are held back as a flag and a count, never as bytes.
struct PaddingStripper {
    /// Whether the plaintext so far ends with 0x80 and then `heldZeros` zero bytes, none of them handed on yet.
    private var markerHeld = false
    private var heldZeros = 0
    /// File bytes handed on so far.
    private var fileLength = 0

    /// Takes the next plaintext and hands every byte now known to be the file's to `emit`, in pieces.
    mutating func strip(_ plaintext: [UInt8], emit: ([UInt8]) throws -> Void) throws {
        guard let last = plaintext.withUnsafeBytes(Self.lastNonZeroIndex) else {
            if markerHeld {
                heldZeros += plaintext.count
            } else if !plaintext.isEmpty {
                try hand(plaintext, to: emit)
            }
            return
        }
        try releaseHeld(to: emit)
        if plaintext[last] == PayloadPadding.marker {
            if last > 0 { try hand(Array(plaintext[..<last]), to: emit) }
            markerHeld = true
            heldZeros = plaintext.count - last - 1
        } else {
            try hand(plaintext, to: emit)
        }
    }

    /// Checks that what is held back is exactly the padding of a file of the length handed on.
    func finish() throws {
        guard markerHeld else { throw SealedFileError.malformedPadding("the plaintext does not end with 0x80 and zero bytes") }
        let expected = PayloadPadding.zeroCount(afterFileOf: fileLength)
        guard heldZeros == expected else {
            throw SealedFileError.malformedPadding(
                "\(heldZeros) zero bytes follow the 0x80 that ends a file of \(fileLength) bytes, instead of \(expected)")
        }
    }

    /// A non-zero byte follows the held 0x80 and zeros, so they are the file's: hands them on in bounded pieces.
    private mutating func releaseHeld(to emit: ([UInt8]) throws -> Void) throws {
        guard markerHeld else { return }
        markerHeld = false
        let first = [PayloadPadding.marker] + PayloadPadding.zeros[..<min(heldZeros, PayloadPadding.zeros.count - 1)]
        heldZeros -= first.count - 1
        try hand(first, to: emit)
        while heldZeros > 0 {
            let count = min(heldZeros, PayloadPadding.zeros.count)
            try hand(count == PayloadPadding.zeros.count ? PayloadPadding.zeros : Array(PayloadPadding.zeros[..<count]), to: emit)
            heldZeros -= count
        }
    }

    private mutating func hand(_ bytes: [UInt8], to emit: ([UInt8]) throws -> Void) throws {
        fileLength += bytes.count
        try emit(bytes)
    }

    /// The index of the last non-zero byte, nil if there is none: searched from the end eight bytes at a time, so
    /// a chunk ending in data costs a step or two and a chunk of padding is read at word speed.
    private static func lastNonZeroIndex(_ bytes: UnsafeRawBufferPointer) -> Int? {
        var end = bytes.count
        while end >= 8, bytes.loadUnaligned(fromByteOffset: end - 8, as: UInt64.self) == 0 { end -= 8 }
        while end > 0 {
            end -= 1
            if bytes[end] != 0 { return end }
        }
        return nil
    }
}
