"""PYSKL / MMAction2 3-D skeleton annotation files (``ntu60_3danno.pkl``, ``ntu120_3danno.pkl``), both ways.

    python3 -m hiclr.pyskl export --shards out/ntu60-clean --out ntu60_3danno.pkl
    python3 -m hiclr.pyskl unpack --pkl ntu60_3danno.pkl --out unpacked.h5     # what `hiclr convert pyskl` runs

The format is documented in docs/pyskl.md. In short, the file is a pickle of
``{'split': {name: [frame_dir, ...]}, 'annotations': [{'frame_dir', 'label', 'keypoint', 'total_frames'}]}``
with ``keypoint`` a float16 array (M, T, 25, 3), as PYSKL's own NTU script writes it.

``export`` reads clean-mode shards (their raw frames hold the bodies PYSKL's denoising keeps) and writes that
pickle under a temporary name, renamed when complete. ``load`` reads such a pickle with an unpickler that
accepts only NumPy's array reconstruction functions: a pickle can run any function it names, so a file naming
anything else (``os.system``, ``builtins.eval``, ...) is refused before anything runs. ``validate`` checks every
annotation and raises ``PysklError`` naming the key and index. ``unpack`` writes the checked annotations into
an HDF5 file that the Swift converter reads (``hiclr convert pyskl``).
"""

import argparse
import hashlib
import importlib
import io
import json
import os
import pickle
import sys
import time
from pathlib import Path

import h5py
import numpy as np

from . import shards as hshards
from ._files import write_atomically
from .errors import HiclrError

__all__ = ["PysklError", "export", "load", "validate", "unpack", "pyskl_split", "pyskl_label", "SPLIT_KEYS"]


class PysklError(HiclrError, ValueError):
    """A PYSKL annotation file, or the shards it is made from, cannot be used; the message names file and key."""


# --- PYSKL's rules, from kennymckormick/pyskl tools/data/ntu_preproc.py ---------------------------------------

#: Training subjects of the cross-subject benchmarks, one list for NTU60 and NTU120 (ntu_preproc.py:178-182).
TRAINING_SUBJECTS = frozenset([
    1, 2, 4, 5, 8, 9, 13, 14, 15, 16, 17, 18, 19, 25, 27, 28, 31, 34, 35,
    38, 45, 46, 47, 49, 50, 52, 53, 54, 55, 56, 57, 58, 59, 70, 74, 78,
    80, 81, 82, 83, 84, 85, 86, 89, 91, 92, 93, 94, 95, 97, 98, 100, 103,
])

#: Split names of each file, in the order the script builds the dict (ntu_preproc.py:189 and :198).
SPLIT_KEYS = {
    "ntu60": ("xsub_train", "xsub_val", "xview_train", "xview_val"),
    "ntu120": ("xsub_train", "xsub_val", "xset_train", "xset_val"),
}
CLASSES = {"ntu60": 60, "ntu120": 120}
#: Keys of one annotation, in the script's order (ntu_preproc.py:160).
ANNOTATION_KEYS = ("frame_dir", "label", "keypoint", "total_frames")
#: The script casts the keypoints to float16 (ntu_preproc.py:157).
DEFAULT_DTYPE = "float16"
#: mmcv.dump writes .pkl files with pickle protocol 2 (open-mmlab/mmcv mmcv/fileio/handlers/pickle_handler.py,
#: ``kwargs.setdefault('protocol', 2)``), which the script calls (ntu_preproc.py:6, :191, :200).
PICKLE_PROTOCOL = 2
#: The HDF5 file ``unpack`` writes for the Swift converter (Sources/PYSKLInput/PYSKLUnpacked.swift reads it).
UNPACKED_FORMAT = "hiclr-pyskl-unpacked"
UNPACKED_VERSION = 1
#: Largest coordinate magnitude (metres) accepted, as `hiclr convert --max-coordinate` (default 1e4).
DEFAULT_MAX_COORDINATE = 1e4


def pyskl_label(name):
    """0-based label from the action number: ``int(name.split('A')[-1]) - 1`` (ntu_preproc.py:158)."""
    return int(name.split("A")[-1]) - 1


def pyskl_split(names, dataset):
    """The split dict PYSKL's script builds from the sorted sample names (ntu_preproc.py:184-198):
    cross-subject by the performer after 'P' in TRAINING_SUBJECTS; NTU120 cross-setup: even setup numbers
    train; NTU60 cross-view: names without 'C001' train."""
    names = sorted(names)
    subject = [int(n.split("P")[1][:3]) in TRAINING_SUBJECTS for n in names]
    split = {"xsub_train": [n for n, s in zip(names, subject) if s],
             "xsub_val": [n for n, s in zip(names, subject) if not s]}
    if dataset == "ntu120":
        split["xset_train"] = [n for n in names if int(n.split("S")[1][:3]) % 2 == 0]
        split["xset_val"] = [n for n in names if int(n.split("S")[1][:3]) % 2 == 1]
    elif dataset == "ntu60":
        split["xview_train"] = [n for n in names if "C001" not in n]
        split["xview_val"] = [n for n in names if "C001" in n]
    else:
        raise PysklError(f"dataset {dataset!r}: PYSKL's NTU files exist for ntu60 and ntu120 only")
    return split


# --- export: shards -> pickle ----------------------------------------------------------------------------------

#: Candidate names of the per-sample count of bodies in the raw frames (clean-mode shards); the first present
#: is used. Without one, a sample's bodies are the raw body slots that hold any non-zero value.
RAW_BODY_COUNT_FIELDS = ("raw_bodies",)
#: Manifest ``options`` key naming whose bodies the raw frames hold (docs/shard-format.md); absent means the
#: reference reader's. Clean mode (and `hiclr convert pyskl`) write PYSKL_BODY_CHOICE.
RAW_BODY_CHOICE_KEY = "raw_body_choice"
PYSKL_BODY_CHOICE = "pyskl-denoise"


def _rerun(dataset):
    return (f"rerun `hiclr convert {dataset} --mode clean --raw DIR --out DIR` (raw frames are kept by default; "
            "do not pass --no-keep-raw)")


def _atomic_write(path, write, overwrite):
    """Refuses an existing ``path`` (unless ``overwrite``), a folder or a missing parent folder, then writes it with
    ``write_atomically``."""
    path = Path(path)
    if path.exists() and not overwrite:
        raise PysklError(f"{path}: already exists; pass --overwrite to replace it")
    if path.is_dir():
        raise PysklError(f"{path}: is a folder, not a file name")
    if not path.parent.is_dir():
        raise PysklError(f"{path.parent}: no such folder")
    write_atomically(path, write)


def _sample_rows(shard_set, directory):
    """{name: (file, row, label)} over every part of the manifest's first benchmark (each sample is in exactly
    one part of a benchmark), checking that the shards hold raw frames."""
    manifest = shard_set.manifest
    dataset = manifest.get("dataset")
    benchmark = shard_set.parts[0][0] if manifest["shards"] else None
    if benchmark is None:
        raise PysklError(f"{directory / 'manifest.json'}: lists no shards")
    rows = {}
    for record in manifest["shards"]:
        if record["benchmark"] != benchmark:
            continue
        path = directory / record["file"]
        with h5py.File(path, "r") as f:
            for field in ("raw", "raw_frames"):
                if field not in f:
                    raise PysklError(f"{path} [{field}]: missing: these shards keep no raw frames, which PYSKL's "
                                     f"keypoints come from; {_rerun(dataset)}")
            names = [n.decode("utf-8") if isinstance(n, bytes) else str(n) for n in f["name"][()]]
            labels = f["label"][()]
            for row, (name, label) in enumerate(zip(names, labels)):
                if name in rows:
                    raise PysklError(f"{path} [name][{row}]: sample {name} is also in {rows[name][0]}")
                rows[name] = (path, row, int(label))
    return dataset, benchmark, rows


def _check_parts_agree(shard_set, directory, split):
    """Our benchmark parts must hold exactly PYSKL's split lists (the rules agree; this guards that)."""
    members = {}
    for record in shard_set.manifest["shards"]:
        with h5py.File(directory / record["file"], "r") as f:
            names = [n.decode("utf-8") if isinstance(n, bytes) else str(n) for n in f["name"][()]]
        members.setdefault(f"{record['benchmark']}_{record['part']}", []).extend(names)
    for key, names in members.items():
        if key in split and sorted(names) != split[key]:
            extra = sorted(set(names) - set(split[key]))[:3]
            lacking = sorted(set(split[key]) - set(names))[:3]
            raise PysklError(f"{directory / 'manifest.json'}: part {key} differs from PYSKL's split {key} "
                             f"(only ours: {extra}, only PYSKL's: {lacking})")


def _keypoint(raw, body_count):
    """(T, 3, 25, 2) raw frames -> (M, T, 25, 3)."""
    return np.ascontiguousarray(raw.transpose(3, 0, 2, 1)[:body_count])


def export(shards_dir, out_pkl, dtype=DEFAULT_DTYPE, overwrite=False, verify=True, progress=None, _any_mode=False):
    """Writes the PYSKL annotation pickle of clean-mode NTU shards to ``out_pkl`` (atomically).

    ``dtype``: "float16" (as PYSKL's script writes, default) or "float32". ``progress(done, total)`` is called
    while the samples are read. Returns {"samples": N, "split": {key: count}, "bytes": size}."""
    dtype = np.dtype(dtype)
    if dtype not in (np.float16, np.float32):
        raise PysklError(f"keypoint dtype {dtype}: use float16 (PYSKL's) or float32")
    directory = Path(shards_dir)
    with hshards.open(directory, verify=verify) as shard_set:
        manifest = shard_set.manifest
        dataset = manifest.get("dataset")
        if dataset not in SPLIT_KEYS:
            raise PysklError(f"{directory / 'manifest.json'} [dataset]: '{dataset}'; PYSKL's 3-D annotation "
                             "files are made from NTU RGB+D 60 or 120 shards")
        mode = manifest.get("mode")
        choice = manifest.get("options", {}).get(RAW_BODY_CHOICE_KEY, "reference-reader")
        where = f"{directory / 'manifest.json'}"
        if manifest.get("options", {}).get("keep_raw") == "false":
            raise PysklError(f"{where} [options.keep_raw]: false: these shards keep no raw frames, which PYSKL's "
                             f"keypoints come from; {_rerun(dataset)}")
        if choice != PYSKL_BODY_CHOICE and not _any_mode:  # (_any_mode: tests only, reference-mode round trip)
            if mode != "clean":
                raise PysklError(f"{where} [mode]: '{mode}' shards keep the bodies the reference reader picks "
                                 f"(options.{RAW_BODY_CHOICE_KEY} '{choice}'), not PYSKL's denoised bodies; "
                                 f"{_rerun(dataset)}")
            raise PysklError(f"{where} [options.{RAW_BODY_CHOICE_KEY}]: '{choice}': these clean-mode shards come "
                             "from a hiclr whose clean mode did not yet follow PYSKL's denoising; "
                             f"{_rerun(dataset)}")
        dataset, _, rows = _sample_rows(shard_set, directory)
        names = sorted(rows)                                   # ntu_preproc.py:136-137
        for name in names:
            path, row, label = rows[name]
            try:
                expected = pyskl_label(name)
            except (ValueError, IndexError):
                raise PysklError(f"{path} [name][{row}]: '{name}' is not an NTU sample name") from None
            if label != expected:
                raise PysklError(f"{path} [label][{row}]: {label}, PYSKL's label of {name} is {expected}")
        split = pyskl_split(names, dataset)
        _check_parts_agree(shard_set, directory, split)

        annotations = []
        by_file = {}
        for name in names:
            by_file.setdefault(rows[name][0], []).append(name)
        keypoints = {}
        done = 0
        for path, members in by_file.items():
            with h5py.File(path, "r") as f:
                frames = f["raw_frames"][()].astype(np.int64)
                starts = np.concatenate([[0], np.cumsum(frames)])
                count_field = next((c for c in RAW_BODY_COUNT_FIELDS if c in f), None)
                counts = f[count_field][()] if count_field else None
                raw = f["raw"]
                if raw.shape != (int(starts[-1]), 3, 25, 2):
                    raise PysklError(f"{path} [raw]: shape {raw.shape}, raw_frames sum to {int(starts[-1])}")
                for name in members:
                    row = rows[name][1]
                    block = np.asarray(raw[int(starts[row]):int(starts[row + 1])], dtype=np.float32)
                    if counts is not None:
                        m = int(counts[row])
                    else:
                        nonzero = np.any(block != 0, axis=(0, 1, 2))
                        m = int(np.flatnonzero(nonzero).max()) + 1 if nonzero.any() else 0
                    if not 1 <= m <= 2 or block.shape[0] == 0:
                        raise PysklError(f"{path} [raw][{row}]: sample {name} has {m} bodies in "
                                         f"{block.shape[0]} frames; PYSKL leaves such samples out, and so should "
                                         "the shards")
                    keypoints[name] = _keypoint(block, m).astype(dtype)
                    done += 1
                    if progress:
                        progress(done, len(names))
        for name in names:                                     # ntu_preproc.py:160, :190, :199
            keypoint = keypoints.pop(name)
            annotations.append(dict(frame_dir=name, label=pyskl_label(name), keypoint=keypoint,
                                    total_frames=int(keypoint.shape[1])))
    data = dict(split=split, annotations=annotations)

    def write(partial):
        with open(partial, "wb") as f:
            pickle.dump(data, f, protocol=PICKLE_PROTOCOL)
    _atomic_write(out_pkl, write, overwrite)
    return {"samples": len(annotations), "dataset": dataset,
            "split": {k: len(v) for k, v in split.items()}, "bytes": Path(out_pkl).stat().st_size}


# --- load and validate: pickle -> checked dict -----------------------------------------------------------------

#: The only globals a PYSKL pickle may name: NumPy's array and scalar reconstruction (NumPy 1 and 2 names).
ALLOWED_GLOBALS = frozenset([
    ("numpy.core.multiarray", "_reconstruct"), ("numpy._core.multiarray", "_reconstruct"),
    ("numpy.core.multiarray", "scalar"), ("numpy._core.multiarray", "scalar"),
    ("numpy.core.numeric", "_frombuffer"), ("numpy._core.numeric", "_frombuffer"),
    ("numpy", "ndarray"), ("numpy", "dtype"),
    ("_codecs", "encode"),  # protocol 2 stores bytes as _codecs.encode(text, 'latin1'); only latin1 is allowed
])


def _latin1_encode(text, encoding="utf-8"):
    if encoding not in ("latin1", "latin-1") or not isinstance(text, str):
        raise pickle.UnpicklingError(f"_codecs.encode with encoding {encoding!r} (only latin1 bytes are allowed)")
    return text.encode("latin1")


class _RestrictedUnpickler(pickle.Unpickler):
    def __init__(self, file, source):
        super().__init__(file)
        self.source = source

    def find_class(self, module, name):
        if (module, name) not in ALLOWED_GLOBALS:
            raise PysklError(f"{self.source}: the pickle names {module}.{name}, which is not one of NumPy's array "
                             "reconstruction functions; refused without running it (a pickle can run any "
                             "function it names: only load pickles you trust)")
        if module == "_codecs":
            return _latin1_encode
        for candidate in (module, module.replace("numpy.core", "numpy._core"),
                          module.replace("numpy._core", "numpy.core")):
            try:
                return getattr(importlib.import_module(candidate), name)
            except (ImportError, AttributeError):
                continue
        raise PysklError(f"{self.source}: {module}.{name} is not available in this NumPy ({np.__version__})")

    def persistent_load(self, pid):
        raise PysklError(f"{self.source}: the pickle uses persistent ids; refused")


def load(path):
    """Unpickles a PYSKL annotation file allowing only NumPy's reconstruction globals (see ALLOWED_GLOBALS),
    then checks it with ``validate``. Returns (data, dataset) with dataset "ntu60" or "ntu120"."""
    path = Path(path)
    data = _unpickle(path)
    return data, validate(data, path)


def _unpickle(path):
    try:
        with open(path, "rb") as f:
            return _RestrictedUnpickler(io.BufferedReader(f), path).load()
    except PysklError:
        raise
    except FileNotFoundError:
        raise PysklError(f"{path}: no such file") from None
    except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError, IndexError,
            KeyError, MemoryError, RecursionError) as error:
        raise PysklError(f"{path}: not a readable pickle: {type(error).__name__}: {error}") from None


def _is_int(value):
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def validate(data, source="<pickle>", max_coordinate=DEFAULT_MAX_COORDINATE):
    """Checks a loaded PYSKL annotation dict; returns "ntu60" or "ntu120" (from the split names). Raises
    PysklError naming the key and index of the first problem (docs/pyskl.md lists the rules)."""
    def fail(where, message):
        raise PysklError(f"{source}: {where}: {message}")

    if not isinstance(data, dict):
        fail("top level", f"a {type(data).__name__}, not a dict with 'split' and 'annotations'")
    for key in ("split", "annotations"):
        if key not in data:
            fail(key, "missing key")
    split, annotations = data["split"], data["annotations"]
    if not isinstance(split, dict):
        fail("split", f"a {type(split).__name__}, not a dict of name lists")
    dataset = next((d for d, keys in SPLIT_KEYS.items() if set(split) == set(keys)), None)
    if dataset is None:
        fail("split", f"keys {sorted(map(str, split))} are neither NTU60's {list(SPLIT_KEYS['ntu60'])} nor "
                      f"NTU120's {list(SPLIT_KEYS['ntu120'])}")
    if not isinstance(annotations, list):
        fail("annotations", f"a {type(annotations).__name__}, not a list")
    if not annotations:
        fail("annotations", "empty")
    classes = CLASSES[dataset]
    seen = {}
    for i, a in enumerate(annotations):
        where = f"annotations[{i}]"
        if not isinstance(a, dict):
            fail(where, f"a {type(a).__name__}, not a dict")
        for key in ANNOTATION_KEYS:
            if key not in a:
                fail(f"{where}.{key}", "missing key")
        name = a["frame_dir"]
        if not isinstance(name, str) or not name:
            fail(f"{where}.frame_dir", f"{name!r} is not a non-empty string")
        if name in seen:
            fail(f"{where}.frame_dir", f"'{name}' repeats annotations[{seen[name]}].frame_dir")
        seen[name] = i
        label = a["label"]
        if not _is_int(label):
            fail(f"{where}.label", f"{label!r} ({type(label).__name__}) is not an integer")
        if not 0 <= int(label) < classes:
            fail(f"{where}.label", f"{int(label)} is outside 0..{classes - 1} ({dataset})")
        k = a["keypoint"]
        if not isinstance(k, np.ndarray):
            fail(f"{where}.keypoint", f"a {type(k).__name__}, not a NumPy array")
        if k.dtype not in (np.float16, np.float32, np.float64):
            fail(f"{where}.keypoint", f"dtype {k.dtype} is not float16, float32 or float64")
        if k.ndim != 4 or k.shape[2:] != (25, 3):
            fail(f"{where}.keypoint", f"shape {tuple(k.shape)} is not (M, T, 25, 3)")
        if not 1 <= k.shape[0] <= 2:
            fail(f"{where}.keypoint", f"shape {tuple(k.shape)}: M = {k.shape[0]} bodies, NTU files hold 1 or 2")
        if k.shape[1] < 1:
            fail(f"{where}.keypoint", f"shape {tuple(k.shape)}: no frame")
        finite = np.isfinite(k)
        if not finite.all():
            m, t, v, c = (int(x) for x in np.argwhere(~finite)[0])
            fail(f"{where}.keypoint", f"{k[m, t, v, c]} at [{m}, {t}, {v}, {c}] (values must be finite)")
        big = np.abs(k) > max_coordinate
        if big.any():
            m, t, v, c = (int(x) for x in np.argwhere(big)[0])
            fail(f"{where}.keypoint", f"{k[m, t, v, c]} at [{m}, {t}, {v}, {c}] exceeds {max_coordinate:g} m")
        total = a["total_frames"]
        if not _is_int(total):
            fail(f"{where}.total_frames", f"{total!r} ({type(total).__name__}) is not an integer")
        if int(total) != k.shape[1]:
            fail(f"{where}.total_frames", f"{int(total)} is not T = {k.shape[1]} of keypoint {tuple(k.shape)}")
    for key in SPLIT_KEYS[dataset]:
        names = split[key]
        if not isinstance(names, list):
            fail(f"split.{key}", f"a {type(names).__name__}, not a list of frame_dir names")
        listed = set()
        for j, name in enumerate(names):
            if not isinstance(name, str):
                fail(f"split.{key}[{j}]", f"{name!r} is not a string")
            if name not in seen:
                fail(f"split.{key}[{j}]", f"'{name}' is not the frame_dir of any annotation")
            if name in listed:
                fail(f"split.{key}[{j}]", f"'{name}' is listed twice")
            listed.add(name)
    for benchmark in dict.fromkeys(k.rsplit("_", 1)[0] for k in SPLIT_KEYS[dataset]):
        train, val = set(split[f"{benchmark}_train"]), set(split[f"{benchmark}_val"])
        both = train & val
        if both:
            fail(f"split.{benchmark}_val", f"'{sorted(both)[0]}' is also in split.{benchmark}_train")
        for i, a in enumerate(annotations):
            if a["frame_dir"] not in train and a["frame_dir"] not in val:
                fail(f"annotations[{i}].frame_dir", f"'{a['frame_dir']}' is in neither split.{benchmark}_train "
                                                    f"nor split.{benchmark}_val")
    return dataset


# --- unpack: checked pickle -> HDF5 for the Swift converter ----------------------------------------------------

def _sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def unpack(pkl, out_h5, overwrite=False, max_coordinate=DEFAULT_MAX_COORDINATE, progress=None):
    """Loads and validates ``pkl``, then writes (atomically) the HDF5 file `hiclr convert pyskl` reads:
    attributes ``format``, ``format_version``, ``dataset``, ``source``, ``source_sha256``, ``split_keys``;
    datasets ``name`` (UTF-8), ``label``, ``frames``, ``bodies`` int64 (N) in annotation order, ``raw`` float32
    (sum of frames, 3, 25, 2) (frame, xyz, joint, body slot; the shards' raw layout) and one int64 (N)
    ``part_<benchmark>`` per benchmark: 0 train, 1 val, -1 in neither list. Returns the sample count."""
    path = Path(pkl)
    data = _unpickle(path)
    dataset = validate(data, path, max_coordinate=max_coordinate)
    annotations, split = data["annotations"], data["split"]
    n = len(annotations)
    index = {a["frame_dir"]: i for i, a in enumerate(annotations)}
    frames = np.array([a["keypoint"].shape[1] for a in annotations], np.int64)
    starts = np.concatenate([[0], np.cumsum(frames)])

    def write(partial):
        with h5py.File(partial, "w") as f:
            f.attrs["format"] = UNPACKED_FORMAT
            f.attrs["format_version"] = UNPACKED_VERSION
            f.attrs["dataset"] = dataset
            f.attrs["source"] = str(path.resolve())
            f.attrs["source_sha256"] = _sha256(path)
            f.attrs["split_keys"] = json.dumps(list(SPLIT_KEYS[dataset]))
            f.create_dataset("name", data=[a["frame_dir"] for a in annotations], dtype=h5py.string_dtype("utf-8"))
            f.create_dataset("label", data=np.array([int(a["label"]) for a in annotations], np.int64))
            f.create_dataset("frames", data=frames)
            f.create_dataset("bodies", data=np.array([a["keypoint"].shape[0] for a in annotations], np.int64))
            for benchmark in dict.fromkeys(k.rsplit("_", 1)[0] for k in SPLIT_KEYS[dataset]):
                part = np.full(n, -1, np.int64)
                for value, side in ((0, "train"), (1, "val")):
                    for name in split[f"{benchmark}_{side}"]:
                        part[index[name]] = value
                f.create_dataset(f"part_{benchmark}", data=part)
            raw = f.create_dataset("raw", shape=(int(starts[-1]), 3, 25, 2), dtype=np.float32,
                                   chunks=(min(max(1, int(starts[-1])), 512), 3, 25, 2))
            for i, a in enumerate(annotations):
                k = a["keypoint"]
                block = np.zeros((k.shape[1], 3, 25, 2), np.float32)
                block[..., :k.shape[0]] = k.astype(np.float32).transpose(1, 3, 2, 0)
                raw[int(starts[i]):int(starts[i + 1])] = block
                if progress:
                    progress(i + 1, n)
    _atomic_write(out_h5, write, overwrite)
    return n


# --- command line ----------------------------------------------------------------------------------------------

class _Progress:
    """One stderr line per second at most: `label: done/total`."""

    def __init__(self, label, quiet=False):
        self.label, self.quiet, self.last = label, quiet, 0.0

    def __call__(self, done, total):
        now = time.monotonic()
        if self.quiet or (done < total and now - self.last < 1.0):
            return
        self.last = now
        print(f"{self.label}: {done}/{total} samples", file=sys.stderr, flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python3 -m hiclr.pyskl",
                                     description="PYSKL 3-D skeleton annotation files (ntu60_3danno.pkl, "
                                                 "ntu120_3danno.pkl) from and to hiclr shards.")
    commands = parser.add_subparsers(dest="command", required=True)
    e = commands.add_parser("export", help="clean-mode NTU shards -> PYSKL annotation pickle")
    e.add_argument("--shards", required=True, help="shard directory from `hiclr convert ntu60|ntu120 --mode clean`")
    e.add_argument("--out", required=True, help="pickle to write, e.g. ntu60_3danno.pkl")
    e.add_argument("--dtype", choices=("float16", "float32"), default=DEFAULT_DTYPE,
                   help="keypoint dtype (default float16, as PYSKL's ntu_preproc.py writes)")
    e.add_argument("--overwrite", action="store_true", help="replace an existing --out file")
    e.add_argument("--no-verify", action="store_true", help="skip the shards' SHA-256 check")
    e.add_argument("--quiet", action="store_true", help="no progress lines")
    u = commands.add_parser("unpack", help="PYSKL annotation pickle -> HDF5 for `hiclr convert pyskl`")
    u.add_argument("--pkl", required=True)
    u.add_argument("--out", required=True)
    u.add_argument("--overwrite", action="store_true")
    u.add_argument("--max-coordinate", type=float, default=DEFAULT_MAX_COORDINATE)
    u.add_argument("--quiet", action="store_true")
    c = commands.add_parser("check", help="load and validate a PYSKL annotation pickle")
    c.add_argument("--pkl", required=True)
    args = parser.parse_args(argv)
    try:
        if args.command == "export":
            start = time.monotonic()
            result = export(args.shards, args.out, dtype=args.dtype, overwrite=args.overwrite,
                            verify=not args.no_verify, progress=_Progress("export pyskl", args.quiet))
            seconds = time.monotonic() - start
            splits = ", ".join(f"{k} {v}" for k, v in result["split"].items())
            print(f"wrote {args.out}: {result['samples']} {result['dataset']} samples ({splits}), "
                  f"{result['bytes'] / 1e6:.1f} MB in {seconds:.2f} s")
        elif args.command == "unpack":
            n = unpack(args.pkl, args.out, overwrite=args.overwrite, max_coordinate=args.max_coordinate,
                       progress=_Progress("unpack pyskl", args.quiet))
            print(f"unpacked {n} annotations into {args.out}")
        else:
            data, dataset = load(args.pkl)
            print(f"{args.pkl}: {len(data['annotations'])} {dataset} annotations, splits "
                  + ", ".join(f"{k} {len(v)}" for k, v in data["split"].items()))
    except (HiclrError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
