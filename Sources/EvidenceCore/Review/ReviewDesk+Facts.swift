import EvidenceCrypto
import Foundation

extension ReviewDesk {
    /// Every file's sealed facts that `identity` opens, by file id, opened on every core. Files sealed only to other
    /// keys are left out. This is how duplicates are found (`FileAnnotations.withDuplicates`): on the reviewer's
    /// side, since the store holds no hash to group by.
    public func openedFacts(identity: X25519PrivateKey) throws -> [Int64: FileFacts] {
        let sealed = try store.sealedFacts()
        let opened = sealed.concurrentMap { file in try? FileFacts(opening: file.sealed, with: identity) }
        var facts: [Int64: FileFacts] = [:]
        facts.reserveCapacity(sealed.count)
        for (file, opened) in zip(sealed, opened) {
            if let opened { facts[file.id] = opened }
        }
        return facts
    }

    /// A file's record with its facts opened: `facts` is nil without a key, or when the key does not open them.
    public func file(id: Int64, identity: X25519PrivateKey?) throws -> FileRecord {
        let file = try store.file(id: id)
        guard let identity else { return file }
        return (try? file.opened(with: identity)) ?? file
    }
}
