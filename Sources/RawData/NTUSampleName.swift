import SkeletonCore

/// The fields encoded in an NTU sample name `SsssCcccPpppRrrrAaaa` (docs/raw-formats.md).
public struct NTUSampleName: Hashable, Sendable, CustomStringConvertible {
    public let setup: Int
    public let camera: Int
    public let performer: Int
    public let replication: Int
    public let action: Int

    /// The class label, `action − 1`.
    public var label: Int { action - 1 }

    /// Canonical name, e.g. `S001C002P003R002A013`.
    public var description: String {
        func pad(_ v: Int, _ n: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, n - s.count)) + s
        }
        return "S\(pad(setup, 3))C\(pad(camera, 3))P\(pad(performer, 3))R\(pad(replication, 3))A\(pad(action, 3))"
    }

    /// Parses a sample name or file name (an extension such as `.skeleton` is ignored).
    public init(parsing fileName: String) throws {
        let stem = fileName.split(separator: "/").last.map(String.init) ?? fileName
        let base = stem.split(separator: ".").first.map(String.init) ?? stem
        let chars = Array(base.utf8)
        guard chars.count == 20 else {
            throw InputError(file: fileName, "not an NTU sample name (expected SsssCcccPpppRrrrAaaa)")
        }
        var fields: [Int] = []
        for (i, letter) in "SCPRA".utf8.enumerated() {
            let at = i * 4
            guard chars[at] == letter || chars[at] == letter | 0x20 else {
                throw InputError(file: fileName, "not an NTU sample name: expected '\(Character(UnicodeScalar(letter)))' at position \(at + 1)")
            }
            var v = 0
            for k in 1...3 {
                let d = chars[at + k] &- 0x30
                guard d <= 9 else { throw InputError(file: fileName, "not an NTU sample name: non-digit in field \(i + 1)") }
                v = v * 10 + Int(d)
            }
            fields.append(v)
        }
        setup = fields[0]; camera = fields[1]; performer = fields[2]; replication = fields[3]; action = fields[4]
        guard setup >= 1, (1...3).contains(camera), performer >= 1, (1...2).contains(replication), action >= 1 else {
            throw InputError(file: fileName, "NTU sample name has a field out of range")
        }
    }

    public init(setup: Int, camera: Int, performer: Int, replication: Int, action: Int) {
        self.setup = setup; self.camera = camera; self.performer = performer
        self.replication = replication; self.action = action
    }
}
