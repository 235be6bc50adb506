import EvidenceCrypto
import Foundation
import Testing
@testable import EvidenceCore

@Suite struct CheckpointTests {
    let key = Ed25519PrivateKey.generate()
    let root = MerkleTree.leafHash(Array("root".utf8))

    func signed() throws -> String {
        try Checkpoint.sign(origin: "evidence.example/log", size: 42, root: root, key: key, keyName: "evidence.example/log")
    }

    @Test func signedCheckpointVerifies() throws {
        let text = try signed()
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[0] == "evidence.example/log" && lines[1] == "42" && lines[2] == Substring(Data(root).base64EncodedString()))
        #expect(lines[3] == "" && lines[4].hasPrefix("\u{2014} evidence.example/log ") && lines[5] == "" && lines.count == 6)
        let checkpoint = try Checkpoint.verify(text, publicKey: key.publicKey, keyName: "evidence.example/log")
        #expect(checkpoint.origin == "evidence.example/log" && checkpoint.size == 42 && checkpoint.rootHash == root)
        #expect(try Checkpoint.parse(text) == checkpoint)
    }

    @Test func everyFlippedByteFails() throws {
        let text = Array(try signed().utf8)
        for position in text.indices {
            var altered = text
            altered[position] ^= 0x01
            guard let alteredText = String(validating: altered, as: UTF8.self) else { continue }
            #expect(throws: CheckpointError.self, "accepted a flip at byte \(position)") {
                try Checkpoint.verify(alteredText, publicKey: key.publicKey, keyName: "evidence.example/log")
            }
        }
    }

    @Test func wrongKeyOrNameFails() throws {
        let text = try signed()
        #expect(throws: CheckpointError.notSignedByKey("evidence.example/log")) {
            try Checkpoint.verify(text, publicKey: Ed25519PrivateKey.generate().publicKey, keyName: "evidence.example/log")
        }
        #expect(throws: CheckpointError.notSignedByKey("other")) { try Checkpoint.verify(text, publicKey: key.publicKey, keyName: "other") }
        #expect(throws: CheckpointError.invalidOrigin("a\nb")) {
            try Checkpoint.sign(origin: "a\nb", size: 1, root: root, key: key, keyName: "k")
        }
        #expect(throws: CheckpointError.invalidKeyName("a b")) { try Checkpoint.sign(origin: "o", size: 1, root: root, key: key, keyName: "a b") }
    }

    @Test func forgedSignatureWithRightKeyIDFails() throws {
        let text = try signed()
        let verifier = try NoteVerifierKey(name: "evidence.example/log", publicKey: key.publicKey)
        let body = try Checkpoint.parse(text).body
        let forged = body + "\n\u{2014} evidence.example/log " + Data(verifier.keyID + [UInt8](repeating: 7, count: 64)).base64EncodedString() + "\n"
        #expect(throws: CheckpointError.badSignature("evidence.example/log")) { try Checkpoint.verify(forged, verifier: verifier) }
    }

    @Test func otherSignersAreIgnored() throws {
        let witness = Ed25519PrivateKey.generate()
        let witnessKey = try NoteVerifierKey(name: "witness", publicKey: witness.publicKey)
        let text = try signed()
        let body = try Checkpoint.parse(text).body
        let cosigned = text + "\u{2014} witness " + Data(witnessKey.keyID + witness.signature(for: Array(body.utf8))).base64EncodedString() + "\n"
        #expect(try Checkpoint.verify(cosigned, publicKey: key.publicKey, keyName: "evidence.example/log").size == 42)
        #expect(try Checkpoint.verify(cosigned, verifier: witnessKey).size == 42)
    }

    /// The example of golang.org/x/mod/sumdb/note (package documentation and note_test.go).
    @Test func matchesGoNoteExample() throws {
        let seed = [UInt8](Data(base64Encoded: "AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz")!)
        #expect(seed.first == 0x01)
        let peter = try Ed25519PrivateKey(rawRepresentation: Array(seed.dropFirst()))
        let verifier = try NoteVerifierKey(name: "PeterNeumann", publicKey: peter.publicKey)
        #expect(verifier.description == "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")
        #expect(try NoteVerifierKey(parsing: verifier.description) == verifier)
        let text = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
        let note = SignedNote.sign(text, key: peter, verifier: verifier)
        #expect(note == text + "\n\u{2014} PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n")
        #expect(throws: Never.self) { try SignedNote(parsing: note).verify(by: verifier) }
    }

    @Test func verifierKeyStringsAreChecked() throws {
        #expect(throws: CheckpointError.self) { try NoteVerifierKey(parsing: "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW") }
        #expect(throws: CheckpointError.self) { try NoteVerifierKey(parsing: "PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW") }
        #expect(throws: CheckpointError.self) { try NoteVerifierKey(parsing: "PeterNeumann") }
    }
}
