/// Decompresses and writes zlib streams (RFC 1950 around RFC 1951 deflate) for small header structures
/// such as a PNG iCCP profile. Inflate follows zlib's reference decoder "puff"; the writer emits stored
/// (uncompressed) blocks only, which every inflater reads, so no compressor is needed.
enum Inflate {
    /// The decompressed contents of a zlib stream; throws `ScrubError.malformed` on any inconsistency and
    /// `ScrubError.tooLarge` when the output would pass `maximumOutput` bytes.
    static func zlib(_ data: [UInt8], maximumOutput: Int, what: String) throws -> [UInt8] {
        guard data.count >= 6 else { throw ScrubError.malformed("\(what): the zlib stream is too short") }
        let cmf = Int(data[0])
        let flg = Int(data[1])
        guard cmf & 0x0F == 8, cmf >> 4 <= 7, (cmf << 8 | flg) % 31 == 0, flg & 0x20 == 0 else {
            throw ScrubError.malformed("\(what): the zlib header is invalid")
        }
        var state = State(input: data, position: 2, maximumOutput: maximumOutput, what: what)
        var last = false
        while !last {
            last = try state.bits(1) == 1
            switch try state.bits(2) {
            case 0: try state.stored()
            case 1: try state.codes(literals: Huffman.fixedLiterals, distances: Huffman.fixedDistances)
            case 2: try state.dynamic()
            default: throw ScrubError.malformed("\(what): a deflate block has the reserved type 3")
            }
        }
        let end = state.position
        guard end + 4 <= data.count else { throw ScrubError.malformed("\(what): the zlib checksum is missing") }
        let stored = data[end..<end + 4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        guard stored == adler32(state.output) else { throw ScrubError.malformed("\(what): the zlib checksum does not match") }
        return state.output
    }

    /// A zlib stream holding `data` in stored blocks.
    static func storedZlib(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x78, 0x01]
        var start = 0
        repeat {
            let count = min(65_535, data.count - start)
            let isLast = start + count == data.count
            out += [isLast ? 1 : 0, UInt8(count & 0xFF), UInt8(count >> 8), UInt8(~count & 0xFF), UInt8((~count >> 8) & 0xFF)]
            out += data[start..<start + count]
            start += count
        } while start < data.count
        let checksum = adler32(data)
        return out + [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: checksum >> $0) }
    }

    static func adler32(_ data: [UInt8]) -> UInt32 {
        var a: UInt32 = 1
        var b: UInt32 = 0
        var index = 0
        while index < data.count {
            let end = min(data.count, index + 5552)
            for byte in data[index..<end] {
                a += UInt32(byte)
                b += a
            }
            a %= 65_521
            b %= 65_521
            index = end
        }
        return b << 16 | a
    }

    /// A canonical Huffman code as symbol counts per length and symbols in code order.
    struct Huffman {
        var counts = [Int](repeating: 0, count: 16)
        var symbols: [Int]

        init(lengths: [Int], what: String) throws {
            symbols = [Int](repeating: 0, count: lengths.count)
            for length in lengths { counts[length] += 1 }
            var left = 1
            for length in 1...15 {
                left = left << 1 - counts[length]
                guard left >= 0 else { throw ScrubError.malformed("\(what): a deflate Huffman code is over-subscribed") }
            }
            var offsets = [Int](repeating: 0, count: 16)
            for length in 1..<15 { offsets[length + 1] = offsets[length] + counts[length] }
            for (symbol, length) in lengths.enumerated() where length != 0 {
                symbols[offsets[length]] = symbol
                offsets[length] += 1
            }
        }

        static let fixedLiterals = try! Huffman(
            lengths: [Int](repeating: 8, count: 144) + [Int](repeating: 9, count: 112) + [Int](repeating: 7, count: 24)
                + [Int](repeating: 8, count: 8), what: "fixed code")
        static let fixedDistances = try! Huffman(lengths: [Int](repeating: 5, count: 30), what: "fixed code")
    }

    struct State {
        let input: [UInt8]
        var position: Int
        let maximumOutput: Int
        let what: String
        var output: [UInt8] = []
        var bitBuffer = 0
        var bitCount = 0

        init(input: [UInt8], position: Int, maximumOutput: Int, what: String) {
            self.input = input
            self.position = position
            self.maximumOutput = maximumOutput
            self.what = what
        }

        mutating func bits(_ needed: Int) throws -> Int {
            var value = bitBuffer
            while bitCount < needed {
                guard position < input.count else { throw ScrubError.malformed("\(what): the deflate data ends early") }
                value |= Int(input[position]) << bitCount
                position += 1
                bitCount += 8
            }
            bitBuffer = value >> needed
            bitCount -= needed
            return value & (1 << needed - 1)
        }

        mutating func stored() throws {
            bitBuffer = 0
            bitCount = 0
            guard position + 4 <= input.count else { throw ScrubError.malformed("\(what): a stored deflate block ends early") }
            let length = Int(input[position]) | Int(input[position + 1]) << 8
            let complement = Int(input[position + 2]) | Int(input[position + 3]) << 8
            guard length == ~complement & 0xFFFF else { throw ScrubError.malformed("\(what): a stored deflate block's length is inconsistent") }
            position += 4
            guard position + length <= input.count else { throw ScrubError.malformed("\(what): a stored deflate block ends early") }
            try append(input[position..<position + length])
            position += length
        }

        mutating func append(_ bytes: ArraySlice<UInt8>) throws {
            guard output.count + bytes.count <= maximumOutput else {
                throw ScrubError.tooLarge("\(what): more than \(maximumOutput) bytes once decompressed")
            }
            output += bytes
        }

        mutating func decode(_ code: Huffman) throws -> Int {
            var value = 0
            var first = 0
            var index = 0
            for length in 1...15 {
                value |= try bits(1)
                let count = code.counts[length]
                if value - count < first { return code.symbols[index + value - first] }
                index += count
                first = (first + count) << 1
                value <<= 1
            }
            throw ScrubError.malformed("\(what): a deflate code is not in its Huffman table")
        }

        static let lengthBase = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
        static let lengthExtra = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
        static let distanceBase = [
            1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145,
            8193, 12289, 16385, 24577,
        ]
        static let distanceExtra = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]

        mutating func codes(literals: Huffman, distances: Huffman) throws {
            while true {
                let symbol = try decode(literals)
                if symbol < 256 {
                    try append([UInt8(symbol)][...])
                } else if symbol == 256 {
                    return
                } else {
                    let lengthIndex = symbol - 257
                    guard lengthIndex < 29 else { throw ScrubError.malformed("\(what): a deflate length code is invalid") }
                    let length = Self.lengthBase[lengthIndex] + (try bits(Self.lengthExtra[lengthIndex]))
                    let distanceIndex = try decode(distances)
                    guard distanceIndex < 30 else { throw ScrubError.malformed("\(what): a deflate distance code is invalid") }
                    let distance = Self.distanceBase[distanceIndex] + (try bits(Self.distanceExtra[distanceIndex]))
                    guard distance <= output.count else { throw ScrubError.malformed("\(what): a deflate distance reaches before the start") }
                    guard output.count + length <= maximumOutput else {
                        throw ScrubError.tooLarge("\(what): more than \(maximumOutput) bytes once decompressed")
                    }
                    let start = output.count - distance
                    for offset in 0..<length { output.append(output[start + offset]) }
                }
            }
        }

        mutating func dynamic() throws {
            let literalCount = try bits(5) + 257
            let distanceCount = try bits(5) + 1
            let codeLengthCount = try bits(4) + 4
            guard literalCount <= 286, distanceCount <= 30 else { throw ScrubError.malformed("\(what): a deflate block has too many codes") }
            let order = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]
            var codeLengths = [Int](repeating: 0, count: 19)
            for index in 0..<codeLengthCount { codeLengths[order[index]] = try bits(3) }
            let lengthCode = try Huffman(lengths: codeLengths, what: what)
            var lengths: [Int] = []
            while lengths.count < literalCount + distanceCount {
                let symbol = try decode(lengthCode)
                if symbol < 16 {
                    lengths.append(symbol)
                    continue
                }
                var repeated = 0
                var count: Int
                switch symbol {
                case 16:
                    guard let previous = lengths.last else { throw ScrubError.malformed("\(what): a deflate length repeat has nothing to repeat") }
                    repeated = previous
                    count = 3 + (try bits(2))
                case 17: count = 3 + (try bits(3))
                default: count = 11 + (try bits(7))
                }
                guard lengths.count + count <= literalCount + distanceCount else {
                    throw ScrubError.malformed("\(what): deflate code lengths run past their count")
                }
                lengths += [Int](repeating: repeated, count: count)
            }
            guard lengths[256] != 0 else { throw ScrubError.malformed("\(what): a deflate block has no end-of-block code") }
            let literals = try Huffman(lengths: Array(lengths[0..<literalCount]), what: what)
            let distances = try Huffman(lengths: Array(lengths[literalCount...]), what: what)
            try codes(literals: literals, distances: distances)
        }
    }
}
