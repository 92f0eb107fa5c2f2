import Foundation
import HDF5
import SkeletonCore

/// Reads one shard file. Opening checks the layout attribute and the shapes of every dataset and loads the
/// small per-sample metadata; reading a sample of a stream is one chunk read, decompressed outside the
/// libhdf5 lock, so one reader can serve many threads at once.
public final class ShardReader: @unchecked Sendable {
    public let url: URL
    /// Samples in the file.
    public let count: Int
    /// The attributes shared by the shard set.
    public let info: ShardSetInfo
    public let labels: [Int]
    public let names: [String]
    /// Valid frames of each sample before resizing.
    public let lengths: [Int]
    public let bodies: [Int]
    /// Raw frames per sample when the shard keeps them (`convert --keep-raw`), else nil.
    public let rawFrames: [Int]?
    /// Body slots M per sample of clean-mode raw frames (`raw_bodies`), else nil (reference-mode or older shards).
    public let rawBodies: [Int]?
    /// First row in `raw` of each sample (`rawFrames` summed), count + 1 entries.
    private let rawStarts: [Int]
    private let raw: HDF5Dataset?

    private let file: HDF5File
    private let streams: [SkeletonStream: HDF5Dataset]

    public init(url: URL) throws {
        self.url = url
        let path = url.path
        func fail(_ field: String?, _ message: String) -> InputError {
            InputError(file: path, field: field, message)
        }
        func wrap<T>(_ field: String?, _ body: () throws -> T) throws -> T {
            do {
                return try body()
            } catch let error as HDF5Error {
                throw fail(field, "\(error.operation) failed: \(error.message)")
            }
        }
        guard FileManager.default.fileExists(atPath: path) else { throw fail(nil, "shard file not found") }
        let file = try wrap(nil) { try HDF5File(opening: path) }
        self.file = file
        typealias A = ShardFormat.Attribute
        let layout = try wrap(A.layout) { try file.stringAttribute(A.layout) }
        guard layout == SkeletonLayout.axisLayout else {
            throw fail(A.layout, "'\(layout)' is not '\(SkeletonLayout.axisLayout)'")
        }
        let optionsJSON = try wrap(A.options) { try file.stringAttribute(A.options) }
        guard let options = try? JSONDecoder().decode([String: String].self, from: Data(optionsJSON.utf8)) else {
            throw fail(A.options, "not a JSON object of strings")
        }
        let strings = try wrap("attributes") {
            try [A.dataset, A.benchmark, A.part, A.mode, A.toolVersion].map { try file.stringAttribute($0) }
        }
        let declared = try wrap(A.numSamples) { Int(try file.int64Attribute(A.numSamples)) }

        var streams: [SkeletonStream: HDF5Dataset] = [:]
        for stream in SkeletonStream.allCases {
            let name = ShardFormat.Dataset.samples(stream)
            let dataset = try wrap(name) { try file.openDataset(name, chunkCache: .disabled) }
            let (shape, type) = try wrap(name) { (try dataset.shape, try dataset.elementType) }
            guard shape == [declared] + ShardFormat.sampleShape, type == .float32 else {
                throw fail(name, "\(type) \(shape) is not float32 (\(declared), 3, 50, 25, 2)")
            }
            streams[stream] = dataset
        }
        self.streams = streams
        // The names are checked once the layout is known to be a shard's: an unknown one names its attribute.
        let dataset = try DatasetNames.parse(strings[0], as: DatasetKind.self, noun: "dataset", file: path, field: A.dataset)
        let benchmark = try DatasetNames.parse(strings[1], as: Benchmark.self, noun: "benchmark", file: path, field: A.benchmark)
        let part = try DatasetNames.parse(strings[2], as: Part.self, noun: "part", file: path, field: A.part)
        info = ShardSetInfo(dataset: dataset, benchmark: benchmark, part: part, mode: strings[3], options: options,
                            toolVersion: strings[4])
        func integers(_ name: String) throws -> [Int] {
            try wrap(name) {
                let dataset = try file.openDataset(name)
                let shape = try dataset.shape
                guard shape == [declared] else {
                    throw HDF5Error(operation: "check shape", path: path, object: name,
                                    message: "shape \(shape) is not (\(declared))")
                }
                return try dataset.read(Int64.self).map { Int($0) }
            }
        }
        labels = try integers(ShardFormat.Dataset.label)
        lengths = try integers(ShardFormat.Dataset.length)
        bodies = try integers(ShardFormat.Dataset.bodies)
        names = try wrap(ShardFormat.Dataset.name) { try file.openDataset(ShardFormat.Dataset.name).readStrings() }
        guard names.count == declared else {
            throw fail(ShardFormat.Dataset.name, "\(names.count) names for \(declared) samples")
        }
        count = declared
        let hasRaw = try wrap(ShardFormat.Dataset.raw) { try file.contains(ShardFormat.Dataset.raw) }
        if hasRaw {
            let frames = try integers(ShardFormat.Dataset.rawFrames)
            var starts = [0]
            starts.reserveCapacity(frames.count + 1)
            for (i, f) in frames.enumerated() {
                guard f >= 0 else { throw fail("\(ShardFormat.Dataset.rawFrames)[\(i)]", "\(f) frames") }
                starts.append(starts[i] + f)
            }
            let dataset = try wrap(ShardFormat.Dataset.raw) { try file.openDataset(ShardFormat.Dataset.raw) }
            let (shape, type) = try wrap(ShardFormat.Dataset.raw) { (try dataset.shape, try dataset.elementType) }
            let frame = [SkeletonLayout.channels, SkeletonLayout.joints, SkeletonLayout.bodies]
            guard shape == [starts[frames.count]] + frame, type == .float32 else {
                throw fail(ShardFormat.Dataset.raw, "\(type) \(shape) is not float32 (\(starts[frames.count]), 3, 25, 2)")
            }
            rawFrames = frames
            rawStarts = starts
            raw = dataset
            if try wrap(ShardFormat.Dataset.rawBodies, { try file.contains(ShardFormat.Dataset.rawBodies) }) {
                let bodies = try integers(ShardFormat.Dataset.rawBodies)
                if let i = bodies.firstIndex(where: { !(1...SkeletonLayout.bodies).contains($0) }) {
                    throw fail("\(ShardFormat.Dataset.rawBodies)[\(i)]", "\(bodies[i]) bodies, expected 1 or 2")
                }
                rawBodies = bodies
            } else {
                rawBodies = nil
            }
        } else {
            rawFrames = nil
            rawBodies = nil
            rawStarts = []
            raw = nil
        }
    }

    /// The raw frames of sample `i`; nil when the shard does not keep raw frames.
    public func readRaw(sample i: Int) throws -> RawFrames? {
        guard let raw, let rawFrames else { return nil }
        guard i >= 0, i < count else {
            throw InputError(file: url.path, field: ShardFormat.Dataset.raw, "sample \(i) outside 0..<\(count)")
        }
        let rows = rawStarts[i]..<rawStarts[i + 1]
        let bodies = rawBodies?[i]
        guard !rows.isEmpty else { return RawFrames(frames: 0, values: [], bodies: bodies) }
        do {
            return RawFrames(frames: rawFrames[i], values: try raw.read(rows: rows, as: Float.self), bodies: bodies)
        } catch let error as HDF5Error {
            throw InputError(file: url.path, field: "\(ShardFormat.Dataset.raw)[\(i)]", "\(error.operation) failed: \(error.message)")
        }
    }

    /// Reads sample `i` of `stream` into `buffer` (exactly `ShardFormat.sampleElements` = 7500 floats, (3, 50, 25, 2) order): one chunk read.
    public func read(_ stream: SkeletonStream, sample i: Int, into buffer: UnsafeMutableBufferPointer<Float>) throws {
        guard i >= 0, i < count else {
            throw InputError(file: url.path, field: stream.rawValue, "sample \(i) outside 0..<\(count)")
        }
        guard buffer.count == ShardFormat.sampleElements else {
            throw InputError(file: url.path, field: stream.rawValue,
                             "buffer holds \(buffer.count) floats, a sample \(ShardFormat.sampleElements)")
        }
        guard let dataset = streams[stream] else {
            throw InputError(file: url.path, field: stream.rawValue, "stream not open")
        }
        do {
            try dataset.readRow(i, into: buffer)
        } catch let error as HDF5Error {
            throw InputError(file: url.path, field: "\(stream.rawValue)[\(i)]", "\(error.operation) failed: \(error.message)")
        }
    }

    /// Sample `i` of `stream` as a 50-frame clip.
    public func read(_ stream: SkeletonStream, sample i: Int) throws -> SkeletonClip {
        var clip = SkeletonClip(frames: SkeletonLayout.frames)
        try clip.values.withUnsafeMutableBufferPointer { try read(stream, sample: i, into: $0) }
        return clip
    }

    /// Sample `i` with its three streams and metadata.
    public func sample(_ i: Int) throws -> ShardSample {
        let joint = try read(.joint, sample: i)  // checks `i`
        return ShardSample(name: names[i], label: labels[i], length: lengths[i], bodies: bodies[i],
                           joint: joint, bone: try read(.bone, sample: i), motion: try read(.motion, sample: i),
                           raw: try readRaw(sample: i))
    }
}
