import ArgumentParser
import Foundation
import PYSKL

/// `hiclr export pyskl --shards DIR --out FILE.pkl`.
struct ExportPysklCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pyskl",
        abstract: "Write the PYSKL/MMAction2 3-D annotation pickle (ntu60_3danno.pkl, ntu120_3danno.pkl) from clean-mode NTU shards.",
        discussion: """
        Runs `python3 -m hiclr.pyskl export` (docs/pyskl.md): {'split': {...}, 'annotations': [{'frame_dir', \
        'label', 'keypoint' (M, T, 25, 3), 'total_frames'}]}, names sorted, splits computed from the names as \
        PYSKL's tools/data/ntu_preproc.py does. Keypoints are the shards' raw frames (clean mode: PYSKL's \
        denoised bodies). Written under a temporary name and renamed when complete.
        """)

    @Option(help: "Shard directory from `hiclr convert ntu60|ntu120 --mode clean` (raw frames kept).")
    var shards: String

    @Option(help: "Pickle to write, e.g. ntu60_3danno.pkl.")
    var out: String

    @Flag(help: "Store keypoints as float32 (default float16, as PYSKL's script writes them).")
    var float32 = false

    @Flag(help: "Replace an existing --out file.")
    var overwrite = false

    @OptionGroup var python: PythonOption

    func run() throws {
        do {
            let tool = try python.tool()
            print(try PYSKLFiles.export(shards: URL(fileURLWithPath: shards), out: URL(fileURLWithPath: out),
                                        float32: float32, overwrite: overwrite, python: tool), terminator: "")
        } catch {
            printError("error: \(error)")
            throw ExitCode.failure
        }
    }
}
