"""Stand-ins for the three modules PYSKL's tools/data/ntu_preproc.py imports and this machine lacks, with only the
behaviour that script relies on (used by scripts/check_golden_pyskl_denoise.py and scripts/golden_pyskl_file.py):
- `mmcv.dump(obj, path)` for a .pkl path: pickle protocol 2 (open-mmlab/mmcv mmcv/fileio/handlers/pickle_handler.py,
  `kwargs.setdefault('protocol', 2)`), or nothing when `write_pickles` is false;
- `tqdm.tqdm(iterable)`: the iterable itself (a progress bar);
- `pyskl.smp.mrlines(path)`: the file's lines split at '\\n', trailing empty ones dropped (pyskl/smp.py:32-36).
"""
import pickle
import sys
import types


def install(write_pickles=True):
    """Registers the stand-ins in sys.modules."""
    mmcv = types.ModuleType("mmcv")

    def dump(obj, path):
        if write_pickles:
            with open(path, "wb") as f:
                pickle.dump(obj, f, protocol=2)
    mmcv.dump = dump
    tqdm = types.ModuleType("tqdm")
    tqdm.tqdm = lambda iterable: iterable
    pyskl, smp = types.ModuleType("pyskl"), types.ModuleType("pyskl.smp")

    def mrlines(fname, sp="\n"):
        lines = open(fname).read().split(sp)
        while lines and lines[-1] == "":
            lines = lines[:-1]
        return lines
    smp.mrlines = mrlines
    pyskl.smp = smp
    sys.modules.update({"mmcv": mmcv, "tqdm": tqdm, "pyskl": pyskl, "pyskl.smp": smp})
