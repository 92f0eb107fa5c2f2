import Augment
import Foundation
import RawData
import Shards
import SkeletonCore
import TestSupport
import Train
import XCTest
import YAMLFiles

/// Seeded mutation fuzzing of every reader of outside input: NTU `.skeleton` files, PKU-MMD skeleton and label
/// files, pipeline and training-config YAML, manifests and shard files. Each input is a valid file mutated
/// (truncated, bytes flipped, huge and special numbers, binary, a BOM, CR-only line ends, long lines, aliases,
/// deep nesting, lines deleted or duplicated). The rules (issue 13): no crash, no hang, and every rejection is
/// an error naming the file and the line or field.
///
/// The CI budget is `FuzzBudget.inputs` (HICLR_FUZZ_INPUTS, default 20,000 in all) from HICLR_FUZZ_SEED
/// (default 13); `make fuzz` runs a long budget. A failure prints the seed and case number to replay.
final class FuzzTests: XCTestCase {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static var fixtures: URL { repository.appendingPathComponent("fixtures") }

    enum FuzzBudget {
        static var inputs: Int { Int(ProcessInfo.processInfo.environment["HICLR_FUZZ_INPUTS"] ?? "") ?? 20_000 }
        static var seed: UInt64 { UInt64(ProcessInfo.processInfo.environment["HICLR_FUZZ_SEED"] ?? "") ?? 13 }
        /// A single input taking longer than this is a hang (the alias bomb took > 60 s).
        static let slowSeconds = 5.0
    }

    /// Shares of the budget per reader.
    func share(_ fraction: Double) -> Int { max(20, Int(Double(FuzzBudget.inputs) * fraction)) }

    /// Runs `count` mutated inputs of `corpus` through `check`, which returns nil on success or the error.
    /// Every error must mention `file` and (unless `allowedWithoutPlace` accepts it) a line or a field.
    func fuzz(_ name: String, corpus: [[UInt8]], count: Int, file: String, yaml: Bool = false,
              allowedWithoutPlace: (String) -> Bool = { _ in false },
              _ check: ([UInt8]) -> Error?) {
        var rng = FuzzRandom(seed: FuzzBudget.seed ^ fnv(name))
        var rejected = 0, accepted = 0, slowest = 0.0
        var failures: [String] = []
        for n in 0..<count {
            let base = corpus[rng.below(corpus.count)]
            let input = Mutator.mutate(base, rng: &rng, yaml: yaml)
            let start = DispatchTime.now()
            let error = check(input)
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
            slowest = max(slowest, seconds)
            if seconds > 0.5, ProcessInfo.processInfo.environment["HICLR_FUZZ_DUMP"] != nil {
                let dump = URL(fileURLWithPath: "/tmp/fuzz-slow-\(name)-\(n)")
                try? Data(input).write(to: dump)
                print("slow input \(String(format: "%.3f", seconds)) s written to \(dump.path)")
            }
            if seconds > FuzzBudget.slowSeconds {
                failures.append("\(name) case \(n): took \(seconds) s (a hang)")
            }
            guard let error else { accepted += 1; continue }
            rejected += 1
            let text = "\(error)"
            var placed = false
            if let input = error as? InputError {
                placed = input.line != nil || input.field != nil
            }
            if !text.hasPrefix(file) {
                failures.append("\(name) case \(n): the error does not start with the file name: \(text)")
            } else if !placed && !allowedWithoutPlace(text) {
                failures.append("\(name) case \(n): the error names no line or field: \(text)")
            }
            if text.contains("\n") || text.contains("NSCocoaErrorDomain") || text.contains("Swift.DecodingError") {
                failures.append("\(name) case \(n): raw or multi-line message: \(text)")
            }
            if failures.count >= 10 { break }
        }
        print("fuzz \(name): \(count) inputs (seed \(FuzzBudget.seed)), \(rejected) rejected, \(accepted) accepted, "
              + String(format: "slowest %.3f s", slowest))
        XCTAssertEqual(failures, [], "replay with HICLR_FUZZ_SEED=\(FuzzBudget.seed)")
        XCTAssertGreaterThan(rejected, 0, "\(name): the mutations never produced a bad input")
    }

    func fnv(_ s: String) -> UInt64 {
        s.utf8.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
    }

    func bytes(_ url: URL) throws -> [UInt8] { [UInt8](try Data(contentsOf: url)) }

    func files(_ folder: String, ext: String) throws -> [URL] {
        let dir = Self.fixtures.appendingPathComponent(folder)
        return try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
            .filter { $0.hasSuffix(ext) }.map { dir.appendingPathComponent($0) }
    }

    // MARK: raw readers

    func testNTUReader() throws {
        // The first frames of real files (a short file: mutations hit the headers and body lines more often).
        let corpus = try files("ntu60/nturgb+d_skeletons", ext: ".skeleton").prefix(6).map { try Self.firstFrames(bytes($0), 3) }
        let file = "fuzz/S001C001P001R001A001.skeleton"
        fuzz("ntu", corpus: corpus, count: share(0.35), file: file,
             allowedWithoutPlace: { $0.hasSuffix(": file is empty") }) { input in
            do {
                _ = try NTUSkeletonReader.parse(Data(input), file: file)
                return nil
            } catch { return error }
        }
    }

    func testPKUSkeletonReader() throws {
        let corpus = try files("pku1/skeleton", ext: ".txt").prefix(2).map { file -> [UInt8] in
            let lines = try bytes(file).split(separator: 0x0A, omittingEmptySubsequences: false)
            return Array(lines.prefix(6).joined(separator: [0x0A])) + [0x0A]
        }
        let file = "fuzz/0002-L.txt"
        fuzz("pku-skeleton", corpus: corpus, count: share(0.1), file: file,
             allowedWithoutPlace: { $0.hasSuffix(": file is empty") }) { input in
            do {
                _ = try input.withUnsafeBufferPointer { try PKUReader.parseSkeleton($0, file: file) }
                return nil
            } catch { return error }
        }
    }

    func testPKULabelReader() throws {
        let corpus = try files("pku1/label", ext: ".txt").prefix(4).map(bytes)
        let dir = try makeTemporaryDirectory(self, tag: "fuzz-labels")
        let url = dir.appendingPathComponent("0002-L.txt")
        fuzz("pku-label", corpus: corpus, count: share(0.08), file: url.path) { input in
            do {
                try Data(input).write(to: url)
                _ = try PKUReader.readLabels(url, classCount: 51)
                return nil
            } catch { return error }
        }
    }

    /// An NTU file cut to its first `frames` frames (the header rewritten), still valid.
    static func firstFrames(_ data: [UInt8], _ frames: Int) throws -> [UInt8] {
        let text = String(decoding: data, as: UTF8.self)
        var lines = text.components(separatedBy: "\n")
        var kept = ["\(frames)"]
        var i = 1
        for _ in 0..<frames {
            let bodies = Int(lines[i].trimmingCharacters(in: .whitespaces)) ?? 0
            let count = 1 + bodies * 27
            kept += lines[i..<(i + count)]
            i += count
        }
        lines = kept
        return Array((lines.joined(separator: "\n") + "\n").utf8)
    }

    // MARK: YAML decoders

    func yamlCorpus(_ folder: String) throws -> [[UInt8]] {
        let dir = Self.repository.appendingPathComponent(folder)
        return try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted().filter { $0.hasSuffix(".yaml") }
            .map { try bytes(dir.appendingPathComponent($0)) }
    }

    func testPipelineDecoder() throws {
        let file = "fuzz/pipeline.yaml"
        fuzz("pipeline", corpus: try yamlCorpus("pipelines"), count: share(0.17), file: file, yaml: true,
             allowedWithoutPlace: { $0.contains("empty pipeline file") }) { input in
            guard let text = String(bytes: input, encoding: .utf8) else { return nil }   // readText's job
            do {
                _ = try PipelineLoader.parse(text, file: file)
                return nil
            } catch { return error }
        }
    }

    func testTrainConfigDecoder() throws {
        let file = "fuzz/train.yaml"
        fuzz("train-config", corpus: try yamlCorpus("configs"), count: share(0.17), file: file, yaml: true,
             allowedWithoutPlace: { $0.contains("empty training config file") }) { input in
            guard let text = String(bytes: input, encoding: .utf8) else { return nil }
            do {
                _ = try TrainConfig.parse(text, file: file)
                return nil
            } catch { return error }
        }
    }

    // MARK: shards and manifests

    /// A small shard directory written here (2 samples per shard).
    func makeShards() throws -> (URL, Manifest) {
        try makeShardFixture(self, folder: "fuzz-shards", writer: "fuzz", count: 3, label: { $0 },
                             value: { i, k in Float((k * 7 + i) % 101) / 100 })
    }

    func testShardReader() throws {
        let (dir, manifest) = try makeShards()
        let original = dir.appendingPathComponent(manifest.shards[0].file)
        let corpus = [try bytes(original)]
        let target = dir.appendingPathComponent("damaged.h5")
        fuzz("shard", corpus: corpus, count: share(0.03), file: target.path,
             allowedWithoutPlace: { $0.contains("open file failed") || $0.contains("shard file not found") }) { input in
            do {
                try Data(input).write(to: target)
                let reader = try ShardReader(url: target)
                var buffer = [Float](repeating: 0, count: ShardFormat.sampleElements)
                for stream in SkeletonStream.allCases {
                    for i in 0..<reader.count {
                        try buffer.withUnsafeMutableBufferPointer { try reader.read(stream, sample: i, into: $0) }
                    }
                }
                return nil
            } catch { return error }
        }
    }

    func testManifestDecoder() throws {
        let (dir, _) = try makeShards()
        let url = dir.appendingPathComponent(Manifest.fileName)
        let corpus = [try bytes(url)]
        fuzz("manifest", corpus: corpus, count: share(0.1), file: url.path,
             allowedWithoutPlace: { $0.contains("not a manifest") || $0.contains("cannot read the manifest") }) { input in
            do {
                try Data(input).write(to: url)
                let set = try ShardSet(directory: dir)
                for part in set.parts { _ = try set.samples(benchmark: part.benchmark, part: part.part) }
                return nil
            } catch let error as InputError where error.file != url.path && error.file.hasPrefix(dir.path) {
                // A consistent-looking manifest whose records disagree with a shard: the shard is named.
                return InputError(file: url.path, field: "shards", error.description)
            } catch { return error }
        }
    }
}

/// SplitMix64: the fuzzer's own seeded generator (test-local; the library's draws use the Philox streams).
struct FuzzRandom {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(n, 1))) }
    mutating func chance(_ p: Double) -> Bool { Double(next() >> 11) / Double(1 << 53) < p }
}

/// The mutations.
enum Mutator {
    static let numbers = ["3.0e38", "-3.4e38", "1e39", "1e-46", "nan", "NaN", "inf", "-inf", "Infinity",
                          "99999999999999999999999", "-0", "0x1F", "1_000", "1e", ".", "-", "+.e5", "18446744073709551616",
                          "-9223372036854775809", "9223372036854775807", "1.7976931348623157e308", "   ", "\t"]
    static let yamlPieces = ["&a ", "*a", "? *a\n: x\n", "<<: *a\n", "!!binary AAAA", "!!float .nan", "~", "null",
                             "[", "]", "{", "}", "- ", ": ", "|\n", ">-\n", "'", "\"", "\\", "#", "---\n", "...\n",
                             "%YAML 1.1\n", "!custom ", "&a [*a]", "a: &a [1]\nb: [*a, *a, *a]\n", "0o17", "1e400",
                             String(repeating: "[", count: 300), String(repeating: "- ", count: 300),
                             "  \t  ", "\u{00}", "\u{FEFF}"]

    static func mutate(_ base: [UInt8], rng: inout FuzzRandom, yaml: Bool) -> [UInt8] {
        var data = base
        let rounds = 1 + rng.below(3)
        for _ in 0..<rounds {
            switch rng.below(yaml ? 13 : 11) {
            case 0:                                            // truncate
                data = Array(data.prefix(rng.below(data.count + 1)))
            case 1, 2:                                         // flip bytes
                for _ in 0..<(1 + rng.below(4)) where !data.isEmpty {
                    data[rng.below(data.count)] ^= UInt8(1 << rng.below(8))
                }
            case 3:                                            // a special number in place of a token
                replaceToken(&data, with: numbers[rng.below(numbers.count)], rng: &rng)
            case 4:                                            // binary junk
                let junk = (0..<(1 + rng.below(64))).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
                data.insert(contentsOf: junk, at: rng.below(data.count + 1))
            case 5:                                            // a byte-order mark
                data.insert(contentsOf: [0xEF, 0xBB, 0xBF], at: rng.chance(0.7) ? 0 : rng.below(data.count + 1))
            case 6:                                            // CR-only or CRLF line ends
                let crlf = rng.chance(0.5)
                var converted: [UInt8] = []
                converted.reserveCapacity(data.count * 2)
                for byte in data {
                    if byte == 0x0A {
                        if crlf { converted.append(0x0D) }
                        converted.append(crlf ? 0x0A : 0x0D)
                    } else {
                        converted.append(byte)
                    }
                }
                data = converted
            case 7:                                            // a very long line
                let at = rng.below(data.count + 1)
                data.insert(contentsOf: [UInt8](repeating: UInt8(ascii: rng.chance(0.5) ? "9" : " "),
                                                count: 1000 + rng.below(20_000)), at: at)
            case 8:                                            // delete, duplicate or swap lines
                var lines = split(data)
                guard lines.count > 1 else { break }
                let i = rng.below(lines.count), j = rng.below(lines.count)
                switch rng.below(3) {
                case 0: lines.remove(at: i)
                case 1: lines.insert(lines[i], at: j)
                default: lines.swapAt(i, j)
                }
                data = Array(lines.joined(separator: [0x0A]))
            case 9:                                            // empty the file
                if rng.chance(0.2) { data = [] }
            case 10:                                           // a random byte value, including NUL and 0xFF
                if !data.isEmpty { data[rng.below(data.count)] = UInt8(truncatingIfNeeded: rng.next()) }
            default:                                           // YAML: structure pieces, aliases, nesting
                let piece = Array(yamlPieces[rng.below(yamlPieces.count)].utf8)
                data.insert(contentsOf: piece, at: rng.chance(0.5) ? lineStart(data, rng: &rng) : rng.below(data.count + 1))
            }
        }
        return data
    }

    static func split(_ data: [UInt8]) -> [ArraySlice<UInt8>] {
        data.split(separator: 0x0A, omittingEmptySubsequences: false)
    }

    static func lineStart(_ data: [UInt8], rng: inout FuzzRandom) -> Int {
        let starts = [0] + data.indices.filter { data[$0] == 0x0A }.map { $0 + 1 }
        return starts[rng.below(starts.count)]
    }

    /// Replaces a whitespace-delimited token at a random place with `text`.
    static func replaceToken(_ data: inout [UInt8], with text: String, rng: inout FuzzRandom) {
        guard !data.isEmpty else { data = Array(text.utf8); return }
        var start = rng.below(data.count)
        func isSeparator(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 || b == 0x2C }
        while start > 0 && !isSeparator(data[start - 1]) { start -= 1 }
        var end = start
        while end < data.count && !isSeparator(data[end]) { end += 1 }
        data.replaceSubrange(start..<end, with: Array(text.utf8))
    }
}
