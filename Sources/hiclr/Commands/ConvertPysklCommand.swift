import ArgumentParser
import Convert
import Foundation
import Preprocess
import PYSKL
import RawData
import SkeletonCore

/// `hiclr convert pyskl --pkl FILE.pkl --out DIR`.
struct ConvertPysklCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pyskl",
        abstract: "Convert a PYSKL 3-D annotation file (ntu60_3danno.pkl, ntu120_3danno.pkl) into HDF5 shards.",
        discussion: """
        Python (`python3 -m hiclr.pyskl unpack`) reads the pickle allowing only NumPy's array globals (a pickle \
        can run code: load only files you trust), checks every annotation, and unpacks it; the converter then \
        preprocesses each annotation with --mode, using its bodies as given (PYSKL already denoised them), and \
        writes shards with PYSKL's split lists as the benchmark parts (NTU60: xsub, xview; NTU120: xsub, xset).
        """)

    @Option(help: "PYSKL annotation pickle.")
    var pkl: String

    @Option(help: "Folder to write shards and manifest.json into (created if needed).")
    var out: String

    @Option(help: "Preprocessing: reference or clean (both keep the file's bodies as given).")
    var mode: PreprocessMode = .reference

    @Option(help: "Worker threads preprocessing samples (default: all cores).")
    var workers: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Samples per shard file.")
    var shardSize: Int = 4096

    @Flag(help: "Stop at the first sample that cannot be preprocessed.")
    var strict = false

    @Flag(help: "Replace an earlier conversion in --out (as `hiclr convert --overwrite`).")
    var overwrite = false

    @Option(help: "Largest keypoint magnitude (metres) accepted.")
    var maxCoordinate: Float = CoordinateBound.defaultMetres

    @Flag(inversion: .prefixedNo, help: "Also keep every sample's keypoints as raw frames in the shards.")
    var keepRaw = true

    @Option(help: "Python interpreter with numpy and h5py (default: $HICLR_PYTHON, else /usr/bin/python3 if it has them, else python3).")
    var python: String?

    func validate() throws {
        guard workers >= 1 else { throw ValidationError("--workers must be at least 1") }
        guard shardSize >= 1 else { throw ValidationError("--shard-size must be at least 1") }
        guard maxCoordinate.isFinite, maxCoordinate > 0 else {
            throw ValidationError("--max-coordinate must be a positive finite number of metres")
        }
    }

    func run() throws {
        var options = ConvertOptions(dataset: .ntu60, raw: URL(fileURLWithPath: pkl), out: URL(fileURLWithPath: out),
                                     mode: mode, workers: workers, shardSize: shardSize, strict: strict,
                                     overwrite: overwrite)
        options.maxCoordinate = maxCoordinate
        options.keepRaw = keepRaw
        var bar: ProgressBar?
        let result: ConvertReport
        do {
            let tool = try PythonTool.resolve(explicit: python)
            result = try PYSKLFiles.convert(pkl: URL(fileURLWithPath: pkl), options: options, python: tool) { p in
                if bar == nil { bar = ProgressBar(label: "convert", total: p.filesTotal, unit: "samples") }
                bar?.update(p.filesDone, extra: "\(p.samplesWritten) written")
            }
            bar?.finish()
        } catch {
            bar?.finish()
            if case ConvertError.nothingWritten(let partial) = error { print(ConvertRawCommand.summary(partial, out: out)) }
            printError("error: \(FileProblem.sentence(for: error))")
            throw ExitCode.failure
        }
        print(ConvertRawCommand.summary(result, out: out))
    }
}
