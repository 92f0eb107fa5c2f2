import HDF5
import SkeletonCore

/// Facts about the on-disk shard format shared by the writer, the reader and the manifest.
///
/// One shard is one HDF5 file holding N samples:
/// - `joint`, `bone`, `motion`: float32 `(N, 3, 50, 25, 2)`, one sample per chunk `(1, 3, 50, 25, 2)`,
///   stored with only HDF5's Fletcher-32 checksum filter at the conversion's `deflate_level` 0 (the default;
///   level-0 files written before the checksum have no filter and read the same), or shuffle + deflate at
///   levels 1–9 (written in the `options` attribute; absent in files written before it was an option, which
///   are level 4);
/// - `label`, `length` (valid frames before resizing), `bodies`: int64 `(N)`; `name`: UTF-8 strings `(N)`;
/// - file attributes: `dataset`, `benchmark`, `part`, `mode`, `layout` ("C,T,V,M"), `joint_names`,
///   `bone_parents`, `flip_permutation`, `tool_version`, `options` (JSON), `num_samples`, `format`,
///   `format_version`.
/// - optional raw frames (`convert --keep-raw`): `raw` float32 `(F, 3, 25, 2)`, every sample's frames before
///   preprocessing one after another (F = the sum of `raw_frames`), and `raw_frames` int64 `(N)`. Files
///   without them are read as before (readers of version 1 ignore unknown datasets, so the version stays 1).
///   Clean mode adds `raw_bodies` int64 `(N)` (PYSKL's body slots M) and records the body choice in the
///   `options` key `raw_body_choice` (`RawBodyChoice`).
public enum ShardFormat {
    /// The `format` of the manifest and of each shard file.
    public static let name = "hiclr-shards"
    /// Bumped whenever a reader of the previous version could misread a new file.
    public static let version = 1
    /// Shape of one stored sample (C, T, V, M).
    public static let sampleShape = [SkeletonLayout.channels, SkeletonLayout.frames, SkeletonLayout.joints,
                                     SkeletonLayout.bodies]
    /// Floats in one stored sample of one stream: 3 × 50 × 25 × 2 = 7500.
    public static let sampleElements = sampleShape.reduce(1, *)
    /// Default zlib level of the sample datasets: 0, stored uncompressed with a checksum (`codec(deflateLevel:)`). Deflate
    /// halves those datasets at best (the float mantissas hardly compress; the zeros of absent bodies do) and
    /// cost a third of `convert`'s CPU and a fifth of the loader's; files written before this default were
    /// level 4 and read the same.
    public static let defaultDeflateLevel = 0
    /// The levels a writer accepts.
    public static let deflateLevels = 0...9

    /// Floats in one raw frame: 3 × 25 × 2 = 150.
    public static let rawFrameElements = SkeletonLayout.channels * SkeletonLayout.joints * SkeletonLayout.bodies
    /// Frames per chunk of the `raw` dataset.
    public static let rawChunkFrames = 512

    /// Which bodies the raw frames hold: the `options` key (shard attribute and manifest) and its values. An
    /// absent key means `referenceReader`, so reference-mode shards are unchanged from before the key existed.
    public enum RawBodyChoice {
        public static let optionKey = "raw_body_choice"
        /// The first two bodies of each frame in file order (the reference reader).
        public static let referenceReader = "reference-reader"
        /// PYSKL's denoised body slots (clean mode; tools/data/ntu_preproc.py, gen_keypoint_array).
        public static let pysklDenoise = "pyskl-denoise"

        /// The choice recorded in `options`.
        public static func of(_ options: [String: String]) -> String { options[optionKey] ?? referenceReader }
    }

    /// The chunk codec of the sample datasets: float32, shuffle + deflate at `deflateLevel` 1–9; level 0 stores
    /// the chunk bytes as they are followed by HDF5's Fletcher-32 checksum (filter 3, the only one), so every
    /// HDF5 reader detects a damaged chunk (not zlib's level 0, which would wrap them in stored blocks).
    /// Deflated chunks need no checksum: damage makes them fail to inflate.
    public static func codec(deflateLevel: Int) -> HDF5ChunkCodec {
        deflateLevel == 0
            ? HDF5ChunkCodec(elementSize: MemoryLayout<Float>.size, shuffle: false, deflateLevel: nil, fletcher32: true)
            : HDF5ChunkCodec(elementSize: MemoryLayout<Float>.size, shuffle: true, deflateLevel: deflateLevel)
    }

    /// The creation options of a sample dataset written with `codec(deflateLevel:)`.
    public static func sampleDatasetOptions(deflateLevel: Int) -> HDF5DatasetOptions {
        let codec = codec(deflateLevel: deflateLevel)
        return HDF5DatasetOptions(chunkShape: [1] + sampleShape, deflateLevel: codec.deflateLevel,
                                  shuffle: codec.shuffle, extendable: true, fletcher32: codec.fletcher32)
    }

    /// Dataset names inside a shard file.
    public enum Dataset {
        public static let label = "label"
        public static let name = "name"
        public static let length = "length"
        public static let bodies = "bodies"
        /// Optional: raw frames of every sample, float32 `(F, 3, 25, 2)` (frame, xyz, joint, body).
        public static let raw = "raw"
        /// Optional: frames of each sample in `raw`, int64 `(N)`.
        public static let rawFrames = "raw_frames"
        /// Optional (clean mode with raw frames): body slots M (1 or 2) of each sample's denoised keypoints in
        /// `raw`, int64 `(N)`. Absent in reference-mode and older shards.
        public static let rawBodies = "raw_bodies"
        /// The float32 dataset of `stream` ("joint", "bone", "motion").
        public static func samples(_ stream: SkeletonStream) -> String { stream.rawValue }
    }

    /// File attribute names of a shard file.
    public enum Attribute {
        public static let format = "format"
        public static let formatVersion = "format_version"
        public static let dataset = "dataset"
        public static let benchmark = "benchmark"
        public static let part = "part"
        public static let mode = "mode"
        public static let layout = "layout"
        public static let jointNames = "joint_names"
        public static let boneParents = "bone_parents"
        public static let flipPermutation = "flip_permutation"
        public static let toolVersion = "tool_version"
        public static let options = "options"
        public static let numSamples = "num_samples"
    }

    /// The final name of shard `index` of a benchmark part: `<benchmark>_<part>_<00000>.h5`.
    public static func fileName(benchmark: Benchmark, part: Part, index: Int) -> String {
        let number = String(index)
        let padded = String(repeating: "0", count: max(0, 5 - number.count)) + number
        return "\(benchmark.rawValue)_\(part.rawValue)_\(padded).h5"
    }

    /// The temporary name a shard is written under until the writer finishes: `.<name>.partial`.
    public static func partialName(for fileName: String) -> String {
        AtomicFile.partialName(for: fileName)
    }
}
