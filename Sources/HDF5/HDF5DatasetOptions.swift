import CHDF5

/// How a new dataset is stored: chunking, compression and checksum filters, and whether axis 0 can grow.
public struct HDF5DatasetOptions: Sendable, Equatable {
    /// Chunk shape (same rank as the dataset); nil stores the dataset contiguously.
    public var chunkShape: [Int]?
    /// zlib deflate level 0–9; nil for no compression. Needs `chunkShape`.
    public var deflateLevel: Int?
    /// Byte-shuffle filter before deflate (helps floats compress). Needs `chunkShape`.
    public var shuffle: Bool
    /// Axis 0 may grow later with `HDF5Dataset.extend(rows:)` (maximum size unlimited). Needs `chunkShape`.
    public var extendable: Bool
    /// Fletcher-32 checksum filter, last in the pipeline: every reader then detects a damaged chunk. Needs
    /// `chunkShape`.
    public var fletcher32: Bool

    public init(chunkShape: [Int]? = nil, deflateLevel: Int? = nil, shuffle: Bool = false,
                extendable: Bool = false, fletcher32: Bool = false) {
        self.chunkShape = chunkShape
        self.deflateLevel = deflateLevel
        self.shuffle = shuffle
        self.extendable = extendable
        self.fletcher32 = fletcher32
    }

    /// A dataset creation property list for these options and a dataset of `shape`, with object modification
    /// times off. Call with the lock held; the caller closes it with `H5Pclose`.
    func makeCreationList(shape: [Int], path: String, object: String) throws -> hid_t {
        let operation = "create dataset"
        func fail(_ message: String) -> HDF5Error {
            HDF5Error(operation: operation, path: path, object: object, message: message)
        }
        if chunkShape == nil && (deflateLevel != nil || shuffle || extendable || fletcher32) {
            throw fail("compression, shuffle, checksums and extendable datasets need a chunk shape")
        }
        if let level = deflateLevel, !(0...9).contains(level) {
            throw fail("deflate level \(level) is outside 0...9")
        }
        let dcpl = try check(H5Pcreate(hiclr_H5P_DATASET_CREATE()), operation, path: path, object: object)
        do {
            _ = try check(H5Pset_obj_track_times(dcpl, false), operation, path: path, object: object)
            if let chunkShape {
                guard chunkShape.count == shape.count, chunkShape.allSatisfy({ $0 > 0 }) else {
                    throw fail("chunk shape \(chunkShape) does not fit dataset shape \(shape)")
                }
                let dims = chunkShape.map { hsize_t($0) }
                _ = try check(H5Pset_chunk(dcpl, Int32(dims.count), dims), operation, path: path, object: object)
                if shuffle {
                    _ = try check(H5Pset_shuffle(dcpl), operation, path: path, object: object)
                }
                if let level = deflateLevel {
                    _ = try check(H5Pset_deflate(dcpl, UInt32(level)), operation, path: path, object: object)
                }
                if fletcher32 {
                    _ = try check(H5Pset_fletcher32(dcpl), operation, path: path, object: object)
                }
            }
            return dcpl
        } catch {
            _ = H5Pclose(dcpl)
            throw error
        }
    }
}

/// A filter in a dataset's pipeline, as read back from its creation property list.
public struct HDF5Filter: Sendable, Equatable, CustomStringConvertible {
    /// `H5Z_FILTER_DEFLATE` (1), `H5Z_FILTER_SHUFFLE` (2), `H5Z_FILTER_FLETCHER32` (3), …
    public var id: Int
    /// The name libhdf5 gives it, e.g. "deflate", "shuffle".
    public var name: String
    /// The filter's client values (deflate: the level; shuffle: the element size).
    public var parameters: [UInt32]

    public init(id: Int, name: String, parameters: [UInt32]) {
        self.id = id
        self.name = name
        self.parameters = parameters
    }

    public var description: String { "\(name)(\(parameters.map(String.init).joined(separator: ",")))" }

    /// The deflate filter id.
    public static let deflateID = Int(H5Z_FILTER_DEFLATE)
    /// The shuffle filter id.
    public static let shuffleID = Int(H5Z_FILTER_SHUFFLE)
    /// The Fletcher-32 checksum filter id (3).
    public static let fletcher32ID = Int(H5Z_FILTER_FLETCHER32)
}

/// The chunk cache of one open dataset (`H5Pset_chunk_cache`): the number of hash slots (a prime about
/// 100× the number of chunks that fit), total bytes, and the preemption policy 0…1.
public struct HDF5ChunkCache: Sendable, Equatable {
    public var slots: Int
    public var bytes: Int
    public var preemption: Double

    public init(slots: Int = 521, bytes: Int = 1 << 20, preemption: Double = 0.75) {
        self.slots = slots
        self.bytes = bytes
        self.preemption = preemption
    }

    /// No caching: each chunk read goes to disk and each chunk write is written through. Best for reads of
    /// one chunk per sample at random positions, and for writes that cover whole chunks.
    public static let disabled = HDF5ChunkCache(slots: 1, bytes: 0, preemption: 1)
}
