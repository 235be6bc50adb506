/// Runs `body` and joins the pieces it hands to its `emit` argument; a single piece comes back as it is, uncopied.
func collectingPieces(_ body: (_ emit: ([UInt8]) throws -> Void) throws -> Void) rethrows -> [UInt8] {
    var output: [UInt8] = []
    try body { piece in
        if output.isEmpty { output = piece } else { output += piece }
    }
    return output
}
