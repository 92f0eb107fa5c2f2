import Convert
import Foundation
import Shards
import SkeletonCore

/// `hiclr export pyskl` and `hiclr convert pyskl`: the PYSKL 3-D annotation pickle both ways. The pickle is read
/// and written by the Python package (`python3 -m hiclr.pyskl`, docs/pyskl.md), which has NumPy's pickle
/// protocol; Swift reads what it unpacks and runs the normal converter on it.
public enum PYSKLFiles {
    /// Writes the PYSKL annotation pickle of clean-mode NTU shards. Returns Python's summary line.
    public static func export(shards: URL, out: URL, float32: Bool = false, overwrite: Bool = false,
                              python: PythonTool) throws -> String {
        var arguments = ["export", "--shards", shards.path, "--out", out.path]
        if float32 { arguments += ["--dtype", "float32"] }
        if overwrite { arguments.append("--overwrite") }
        return try python.runModule(arguments)
    }

    /// The hidden file next to `out` that holds the unpacked annotations during a conversion.
    public static func unpackedURL(for out: URL) -> URL {
        let out = out.standardizedFileURL
        return out.deletingLastPathComponent().appendingPathComponent(".\(out.lastPathComponent).pyskl-unpacked.h5")
    }

    /// Converts a PYSKL annotation pickle into shards: Python checks and unpacks it (into `unpackedURL(for:)`,
    /// removed afterwards), then the converter preprocesses every annotation with `options.mode`, its bodies as
    /// given, into `options.out`, with PYSKL's split lists as the benchmark parts. `options.dataset` is taken
    /// from the file's split names; the manifest records the source file and its SHA-256.
    public static func convert(pkl: URL, options: ConvertOptions, python: PythonTool,
                               progress: (ConvertProgress) -> Void = { _ in }) throws -> ConvertReport {
        let unpacked = unpackedURL(for: options.out)
        try? FileManager.default.createDirectory(at: unpacked.deletingLastPathComponent(), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: unpacked) }
        _ = try python.runModule(["unpack", "--pkl", pkl.path, "--out", unpacked.path, "--overwrite",
                                  "--max-coordinate", String(options.maxCoordinate)])
        let input = try PYSKLUnpacked(url: unpacked)
        var options = options
        options.dataset = input.dataset
        options.missing = nil
        // The raw frames keep the file's keypoints, PYSKL's denoised bodies, in either mode.
        options.source = ["source": "pyskl", "source_file": input.source, "source_sha256": input.sourceSHA256,
                          ShardFormat.RawBodyChoice.optionKey: ShardFormat.RawBodyChoice.pysklDenoise]
        return try Converter(options: options, input: input).run(progress: progress)
    }
}
