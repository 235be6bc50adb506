import MediaScrub

/// libFuzzer's entry point: the server's path, which sniffs the type and then scrubs, reading the input in awkward pieces.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    fuzzScrub(data, size) { input in
        try MediaScrubber.scrub(from: ChoppyByteSource(input), to: DiscardingSink())
    }
}
