/// Padmé (Nikitin et al., "Reducing Metadata Leakage from Encrypted Files and Communication with PURBs", PETS 2019):
/// a length rounded up so that only its top bits vary, leaking O(log log L) bits of it, for at most 12% more bytes.
public enum Padme {
    /// Padmé(L): L with its lowest `E - S` bits rounded up, where E = ⌊log₂ L⌋ and S = ⌊log₂ E⌋ + 1; L itself below 2.
    public static func paddedLength(_ length: Int) -> Int {
        precondition(length >= 0, "Padmé of a negative length")
        guard length >= 2 else { return length }
        let exponent = Int.bitWidth - 1 - length.leadingZeroBitCount
        let significantBits = Int.bitWidth - exponent.leadingZeroBitCount
        let mask = (1 << (exponent - significantBits)) - 1
        return (length + mask) & ~mask
    }
}
