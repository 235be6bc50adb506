import CZlib

/// zlib streams (RFC 1950 around RFC 1951 deflate) for small header structures such as a PNG iCCP profile,
/// read and written by the system zlib.
enum Zlib {
    /// The output is produced in steps of this many bytes, so a stream that inflates far past `maximumOutput`
    /// is stopped after at most one step more.
    static let step = 64 << 10

    /// The decompressed contents of a zlib stream that must fill `data` exactly; throws `ScrubError.malformed`
    /// on a damaged, truncated or trailing-garbage stream and `ScrubError.tooLarge` as soon as the output would
    /// pass `maximumOutput` bytes. `what` names the structure in the error text.
    static func inflate(_ data: [UInt8], maximumOutput: Int, what: String) throws -> [UInt8] {
        guard !data.isEmpty else { throw ScrubError.malformed("\(what): the zlib stream is empty") }
        guard data.count <= Int(uInt.max) else { throw ScrubError.tooLarge("\(what): a zlib stream of \(data.count) bytes") }
        var stream = z_stream()
        guard evidence_inflateInit2(&stream, MAX_WBITS) == Z_OK else {
            throw ScrubError.malformed("\(what): zlib could not start inflating")
        }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        var piece = [UInt8](repeating: 0, count: step)
        var status = Z_OK
        try data.withUnsafeBufferPointer { input in
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
            stream.avail_in = uInt(input.count)
            while status != Z_STREAM_END {
                let produced = piece.withUnsafeMutableBufferPointer { buffer in
                    stream.next_out = buffer.baseAddress
                    stream.avail_out = uInt(buffer.count)
                    status = CZlib.inflate(&stream, Z_NO_FLUSH)
                    return buffer.count - Int(stream.avail_out)
                }
                switch status {
                case Z_OK, Z_STREAM_END: break
                case Z_BUF_ERROR where stream.avail_in == 0:
                    throw ScrubError.malformed("\(what): the zlib stream ends early")
                case Z_DATA_ERROR where message(stream) == "incorrect data check":
                    throw ScrubError.malformed("\(what): the zlib checksum does not match")
                case Z_DATA_ERROR, Z_NEED_DICT:
                    throw ScrubError.malformed("\(what): the zlib stream is damaged (\(message(stream) ?? "needs a dictionary"))")
                default:
                    throw ScrubError.malformed("\(what): zlib stopped inflating with status \(status)")
                }
                guard output.count + produced <= maximumOutput else {
                    throw ScrubError.tooLarge("\(what): more than \(maximumOutput) bytes once decompressed")
                }
                output += piece[..<produced]
            }
        }
        guard stream.avail_in == 0 else {
            throw ScrubError.malformed("\(what): \(stream.avail_in) bytes follow the end of the zlib stream")
        }
        return output
    }

    /// `data` as a zlib stream at zlib's best compression; throws `ScrubError.busy` when zlib gets no memory.
    static func deflate(_ data: [UInt8], what: String) throws -> [UInt8] {
        guard data.count <= Int(uInt.max) else { throw ScrubError.tooLarge("\(what): \(data.count) bytes to compress") }
        var stream = z_stream()
        guard evidence_deflateInit2(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, MAX_WBITS, 9, Z_DEFAULT_STRATEGY) == Z_OK else {
            throw ScrubError.busy("zlib found no memory to compress \(what)")
        }
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(data.count))))
        var status = Z_OK
        data.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { buffer in
                stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
                stream.avail_in = uInt(input.count)
                stream.next_out = buffer.baseAddress
                stream.avail_out = uInt(buffer.count)
                status = CZlib.deflate(&stream, Z_FINISH)
            }
        }
        // deflateBound bounds one Z_FINISH call's output, so the stream ends here unless zlib itself fails.
        guard status == Z_STREAM_END else { throw ScrubError.busy("zlib stopped compressing \(what) with status \(status)") }
        output.removeLast(Int(stream.avail_out))
        return output
    }

    private static func message(_ stream: z_stream) -> String? {
        stream.msg.map { String(cString: $0) }
    }
}
