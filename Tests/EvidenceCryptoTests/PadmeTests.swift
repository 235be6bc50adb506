import Testing
@testable import EvidenceCrypto

/// Padmé (docs/FORMAT.md, "Padding"): worked values, the shape of its output, and its overhead bound.
@Suite struct PadmeTests {
    @Test(arguments: [
        (0, 0), (1, 1), (2, 2), (3, 3), (4, 4), (5, 5), (8, 8), (9, 10), (27, 28), (65, 72), (129, 144), (257, 272),
        (65535, 65536), (65536, 65536), (65537, 67584), (1 << 20, 1 << 20), ((1 << 20) + 1, 1_081_344),
        (3_000_001, 3_014_656), ((1 << 32) + 1, 4_362_076_160),
    ])
    func knownValues(length: Int, padded: Int) {
        #expect(Padme.paddedLength(length) == padded)
    }

    /// Every length up to 2^20, and powers of two and their neighbours beyond: never shorter, at most 12% longer,
    /// never smaller for a larger input, and a padded length pads to itself.
    @Test func boundsOverASweep() {
        let powers: [Int] = (21..<48).flatMap { (exponent: Int) -> [Int] in
            let power = 1 << exponent
            return [power - 1, power, power + 1, power + power / 2]
        }
        let outOfBounds = (Array(1...(1 << 20)) + powers).filter { length in
            let padded = Padme.paddedLength(length)
            return padded < length || (padded - length) * 100 > 12 * length || Padme.paddedLength(padded) != padded
        }
        #expect(outOfBounds.isEmpty, "first: \(outOfBounds.prefix(5))")
        let decreasing = (2...(1 << 20)).filter { Padme.paddedLength($0) < Padme.paddedLength($0 - 1) }
        #expect(decreasing.isEmpty, "first: \(decreasing.prefix(5))")
    }

    /// From 2^20 to 2^21 Padmé keeps five significant bits: a million lengths pad to 32 sizes.
    @Test func lengthsBetweenTwoPowersOfTwoShareFewSizes() {
        let sizes = Set(((1 << 20) + 1...(1 << 21)).map(Padme.paddedLength))
        #expect(sizes.count == 32)
    }
}
