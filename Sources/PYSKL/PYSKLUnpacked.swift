import Convert
import Foundation
import HDF5
import RawData
import SkeletonCore

/// The HDF5 file `python3 -m hiclr.pyskl unpack` writes from a checked PYSKL annotation pickle
/// (docs/pyskl.md, "The unpacked file"): per annotation its name, label, frame count, body count and part under
/// each benchmark, and every annotation's keypoints one after another in the shards' raw layout
/// `raw` float32 (F, 3, 25, 2) (frame, xyz, joint, body slot). As a `ConvertInput` it gives the converter one
/// sequence per annotation, bodies in slot order, sorted by name as `hiclr convert` sorts NTU samples.
public final class PYSKLUnpacked: ConvertInput {
    public static let format = "hiclr-pyskl-unpacked"
    public static let version: Int64 = 1

    public let url: URL
    public let dataset: DatasetKind
    /// The PYSKL file it was made from (absolute path) and its SHA-256.
    public let source: String
    public let sourceSHA256: String
    public let names: [String]
    public let labels: [Int]
    public let frames: [Int]
    public let bodies: [Int]
    /// Part of each annotation under each benchmark of `dataset` (every annotation is in exactly one part).
    public let parts: [Benchmark: [Part]]
    private let starts: [Int]
    private let file: HDF5File
    private let raw: HDF5Dataset
    private let index: [String: Int]

    public var createdBy: String { "hiclr convert pyskl" }

    public init(url: URL) throws {
        self.url = url
        let path = url.path
        func fail(_ field: String?, _ message: String) -> InputError { InputError(file: path, field: field, message) }
        func wrap<T>(_ field: String?, _ body: () throws -> T) throws -> T {
            do { return try body() } catch let error as HDF5Error {
                throw fail(field, "\(error.operation) failed: \(error.message)")
            }
        }
        let file = try wrap(nil) { try HDF5File(opening: path) }
        self.file = file
        let format = try wrap("format") { try file.stringAttribute("format") }
        guard format == Self.format else { throw fail("format", "'\(format)' is not '\(Self.format)'") }
        let version = try wrap("format_version") { try file.int64Attribute("format_version") }
        guard version == Self.version else {
            throw fail("format_version", "version \(version); this hiclr reads version \(Self.version)")
        }
        let datasetName = try wrap("dataset") { try file.stringAttribute("dataset") }
        dataset = try DatasetNames.parse(datasetName, as: DatasetKind.self, noun: "dataset", file: path, field: "dataset")
        guard dataset == .ntu60 || dataset == .ntu120 else {
            throw fail("dataset", "'\(datasetName)': PYSKL's 3-D NTU files are ntu60 or ntu120")
        }
        source = try wrap("source") { try file.stringAttribute("source") }
        sourceSHA256 = try wrap("source_sha256") { try file.stringAttribute("source_sha256") }
        names = try wrap("name") { try file.openDataset("name").readStrings() }
        let count = names.count
        func integers(_ name: String) throws -> [Int] {
            let values = try wrap(name) { try file.openDataset(name).read(Int64.self).map { Int($0) } }
            guard values.count == count else { throw fail(name, "\(values.count) values for \(count) names") }
            return values
        }
        labels = try integers("label")
        frames = try integers("frames")
        bodies = try integers("bodies")
        var parts: [Benchmark: [Part]] = [:]
        for b in dataset.benchmarks {
            parts[b] = try integers("part_\(b.rawValue)").enumerated().map { i, v in
                switch v {
                case 0: return .train
                case 1: return .val
                default: throw fail("part_\(b.rawValue)[\(i)]", "\(v) is not 0 (train) or 1 (val)")
                }
            }
        }
        self.parts = parts
        var starts = [0]
        for (i, f) in frames.enumerated() {
            guard f >= 1 else { throw fail("frames[\(i)]", "\(f) frames") }
            guard (1...SkeletonLayout.bodies).contains(bodies[i]) else {
                throw fail("bodies[\(i)]", "\(bodies[i]) bodies; 1 or 2")
            }
            starts.append(starts[i] + f)
        }
        self.starts = starts
        let raw = try wrap("raw") { try file.openDataset("raw") }
        self.raw = raw
        let (shape, type) = try wrap("raw") { (try raw.shape, try raw.elementType) }
        guard shape == [starts[count], SkeletonLayout.channels, SkeletonLayout.joints, SkeletonLayout.bodies],
              type == .float32 else {
            throw fail("raw", "\(type) \(shape) is not float32 (\(starts[count]), 3, 25, 2)")
        }
        var index: [String: Int] = [:]
        for (i, name) in names.enumerated() {
            guard index.updateValue(i, forKey: name) == nil else { throw fail("name[\(i)]", "'\(name)' repeats") }
        }
        self.index = index
    }

    /// Annotation `i` as a raw sequence: in every frame its `bodies[i]` body slots in order (zeros included,
    /// so slot m stays body m), tracking ID = slot.
    public func sequence(_ i: Int) throws -> RawSequence {
        let values: [Float]
        do { values = try raw.read(rows: starts[i]..<starts[i + 1], as: Float.self) } catch let error as HDF5Error {
            throw InputError(file: url.path, field: "raw[\(i)]", "\(error.operation) failed: \(error.message)")
        }
        let joints = SkeletonLayout.joints, slots = SkeletonLayout.bodies
        let frameValues = SkeletonLayout.channels * joints * slots
        var seq = RawSequence()
        seq.reserve(frames: frames[i], bodies: frames[i] * bodies[i])
        var xyz = [Float](repeating: 0, count: joints * 3)
        for t in 0..<frames[i] {
            for m in 0..<bodies[i] {
                for v in 0..<joints {
                    for c in 0..<3 { xyz[v * 3 + c] = values[t * frameValues + (c * joints + v) * slots + m] }
                }
                xyz.withUnsafeBufferPointer { seq.appendBody(id: UInt64(m), xyz: $0) }
            }
            seq.endFrame()
        }
        return seq
    }

    public func scan() throws -> RawDatasetScan {
        var scan = RawDatasetScan()
        for i in names.indices.sorted(by: { names[$0] < names[$1] }) {
            var itemParts: [Benchmark: Part] = [:]
            for (b, p) in parts { itemParts[b] = p[i] }
            scan.items.append(RawWorkItem(source: .sequence(name: names[i], label: labels[i], sequence: nil),
                                          parts: itemParts))
        }
        return scan
    }

    public func load(_ block: [RawWorkItem]) throws -> [RawWorkItem] {
        try block.map { item in
            guard case .sequence(let name, let label, _) = item.source, let i = index[name] else { return item }
            return RawWorkItem(source: .sequence(name: name, label: label, sequence: try sequence(i)), parts: item.parts)
        }
    }
}
