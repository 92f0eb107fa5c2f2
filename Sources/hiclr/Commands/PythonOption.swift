import ArgumentParser
import PYSKL

/// `--python`: the interpreter the PYSKL commands run `python3 -m hiclr.pyskl` with.
struct PythonOption: ParsableArguments {
    @Option(help: "Python interpreter with numpy and h5py (default: $HICLR_PYTHON, else /usr/bin/python3 if it has them, else python3).")
    var python: String?

    /// The chosen interpreter, checked to have numpy and h5py, with the package found (`PythonTool.resolve`).
    func tool() throws -> PythonTool { try PythonTool.resolve(explicit: python) }
}
