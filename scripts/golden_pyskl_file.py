#!/usr/bin/env python3
"""Golden for `hiclr export pyskl`: runs PYSKL's own NTU script on a folder of .skeleton files and prints, for every
pickle it writes, the file's SHA-256 and a content digest (python/tests/test_pyskl.py holds the values for the
NTU60 and NTU120 fixtures).

The script is kennymckormick/pyskl tools/data/ntu_preproc.py (commit 3f6795f), run unchanged from a checkout
OUTSIDE this repository:

    git --git-dir=<mirror of kennymckormick/pyskl> archive HEAD | tar -x -C /tmp/pyskl-ref
    /usr/bin/python3 scripts/golden_pyskl_file.py --pyskl /tmp/pyskl-ref \
        --skeletons fixtures/ntu60/nturgb+d_skeletons --missing fixtures/ntu60/missing_skeletons.txt

It imports three things this machine lacks, which are stood in for here with the behaviour the script relies on:
- `mmcv.dump(obj, path)` for a .pkl path: pickle protocol 2 (open-mmlab/mmcv
  mmcv/fileio/handlers/pickle_handler.py, `kwargs.setdefault('protocol', 2)`);
- `tqdm(iterable)`: the iterable itself (a progress bar);
- `pyskl.smp.mrlines(path)`: the file's lines split at '\\n', trailing empty ones dropped (pyskl/smp.py:32-36).
The script reads `nturgb+d_skeletons/` and `ntu120_missing.txt` in its working folder (ntu_preproc.py:134-138);
both are made in a temporary folder (the missing list: the NTU names found in --missing).
"""
import argparse
import hashlib
import os
import pickle
import re
import runpy
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pyskl_stubs  # noqa: E402


def content_digest(data):
    """SHA-256 over what a reader sees, independent of how NumPy names its pickle functions: split names and
    lists, then per annotation its keys, frame_dir, label, total_frames and keypoint dtype, shape and bytes."""
    h = hashlib.sha256()
    for key, names in data["split"].items():
        h.update(repr((key, names)).encode())
    for a in data["annotations"]:
        k = a["keypoint"]
        h.update(repr((list(a), a["frame_dir"], type(a["label"]).__name__, a["label"], a["total_frames"],
                       str(k.dtype), k.shape)).encode())
        h.update(k.tobytes())
    return h.hexdigest()


def file_digests(path):
    raw = open(path, "rb").read()
    return hashlib.sha256(raw).hexdigest(), content_digest(pickle.loads(raw))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pyskl", required=True, help="a checkout of kennymckormick/pyskl (outside this repository)")
    parser.add_argument("--skeletons", required=True)
    parser.add_argument("--missing", help="missing-skeleton list (any text; NTU names are taken from it)")
    args = parser.parse_args()
    script = os.path.join(args.pyskl, "tools", "data", "ntu_preproc.py")
    names = []
    if args.missing:
        names = re.findall(r"S\d{3}C\d{3}P\d{3}R\d{3}A\d{3}", open(args.missing).read())
    skeletons = os.path.abspath(args.skeletons)
    pyskl_stubs.install()
    with tempfile.TemporaryDirectory() as work:
        os.symlink(skeletons, os.path.join(work, "nturgb+d_skeletons"))
        with open(os.path.join(work, "ntu120_missing.txt"), "w") as f:
            f.write("\n".join(names))
        here = os.getcwd()
        os.chdir(work)
        try:
            runpy.run_path(script, run_name="__main__")
        finally:
            os.chdir(here)
        for name in sorted(os.listdir(work)):
            if name.endswith(".pkl"):
                sha, content = file_digests(os.path.join(work, name))
                print(f"{name}: sha256 {sha} content {content}")


if __name__ == "__main__":
    main()
