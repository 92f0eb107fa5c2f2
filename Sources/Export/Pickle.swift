import Foundation
import SkeletonCore

/// The label pickle of the reference pipeline: `pickle.dump((sample_name, list(sample_label)), f)`
/// (HiCLR tools/ntu_gendata.py line 81, tools/pku_part1_gendata.py line 95), a tuple of a list of str and a
/// list of int, written as pickle protocol 2 (readable by every Python 3 and by Python 2.3+):
/// PROTO 2, EMPTY_LIST, MARK, BINUNICODE…, APPENDS, EMPTY_LIST, MARK, BININT…, APPENDS, TUPLE2, STOP.
public enum LabelPickle {
    public static func encode(names: [String], labels: [Int]) -> [UInt8] {
        precondition(names.count == labels.count)
        var out: [UInt8] = [0x80, 0x02]
        func u32(_ n: Int) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: n >> (8 * $0)) } }
        out.append(0x5D)                                    // EMPTY_LIST
        if !names.isEmpty {
            out.append(0x28)                                // MARK
            for name in names {
                let bytes = Array(name.utf8)
                out.append(0x58)                            // BINUNICODE
                out += u32(bytes.count)
                out += bytes
            }
            out.append(0x65)                                // APPENDS
        }
        out.append(0x5D)
        if !labels.isEmpty {
            out.append(0x28)
            for label in labels {
                if (0..<256).contains(label) {
                    out += [0x4B, UInt8(label)]             // BININT1
                } else if (0..<65536).contains(label) {
                    out += [0x4D, UInt8(label & 0xFF), UInt8(label >> 8)]   // BININT2
                } else {
                    precondition(label >= Int(Int32.min) && label <= Int(Int32.max))
                    out.append(0x4A)                        // BININT (signed 32-bit)
                    out += u32(label)
                }
            }
            out.append(0x65)
        }
        out.append(0x86)                                    // TUPLE2
        out.append(0x2E)                                    // STOP
        return out
    }

    /// Writes the pickle to `url` via a temporary name and a rename (`AtomicFile`).
    public static func write(names: [String], labels: [Int], to url: URL) throws {
        try AtomicFile.write(Data(encode(names: names, labels: labels)), to: url)
    }
}
