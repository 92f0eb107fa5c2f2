import ArgumentParser
import Convert
import Foundation
import PYSKL
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

    @OptionGroup var output: ConvertOutputOptions

    @OptionGroup var python: PythonOption

    func run() throws {
        // The dataset (NTU60 or NTU120) and the parts come from the file.
        let options = output.options(dataset: .ntu60, raw: URL(fileURLWithPath: pkl))
        var bar: ProgressBar?
        let result: ConvertReport
        do {
            let tool = try python.tool()
            result = try PYSKLFiles.convert(pkl: URL(fileURLWithPath: pkl), options: options, python: tool) { p in
                if bar == nil { bar = ProgressBar(label: "convert", total: p.filesTotal, unit: "samples") }
                bar?.update(p.filesDone, extra: "\(p.samplesWritten) written")
            }
            bar?.finish()
        } catch {
            bar?.finish()
            if case ConvertError.nothingWritten(let partial) = error { print(ConvertRawCommand.summary(partial, out: output.out)) }
            printError("error: \(FileProblem.sentence(for: error))")
            throw ExitCode.failure
        }
        print(ConvertRawCommand.summary(result, out: output.out))
    }
}
