"""Shard directories read with h5py alone, checked against their manifest.

    with hiclr.shards.open("demo-out/ntu60") as shards:
        part = shards.part("xview", "train")
        sample = part[0]          # {"joint": (3, 50, 25, 2) float32, "bone", "motion", "label", "name", "length"}

Layout (Sources/Shards/ShardFormat.swift): each shard file holds N samples as float32 datasets ``joint``,
``bone``, ``motion`` of shape (N, 3, 50, 25, 2), int64 ``label``, ``length``, ``bodies`` and UTF-8 ``name``;
``manifest.json`` lists every file with its size and SHA-256.
"""

import bisect
import builtins
import hashlib
import json
import os
from pathlib import Path

import h5py
import numpy as np

from .errors import ShardError

FORMAT = "hiclr-shards"
FORMAT_VERSION = 1
STREAMS = ("joint", "bone", "motion")
SAMPLE_SHAPE = (3, 50, 25, 2)


def sha256_of(path, block=1 << 20):
    hasher = hashlib.sha256()
    with builtins.open(path, "rb") as f:
        while True:
            chunk = f.read(block)
            if not chunk:
                return hasher.hexdigest()
            hasher.update(chunk)


def open(directory, verify=True):  # noqa: A001 (shaped like h5py.File / builtins.open)
    """Opens a shard directory. Checks the manifest's format and that every listed file exists with its size
    and, with ``verify`` (default), its SHA-256. Raises ShardError naming the file on any mismatch."""
    return ShardSet(directory, verify=verify)


class ShardSet:
    """A shard directory and its manifest. Parts open their files lazily (once per process)."""

    def __init__(self, directory, verify=True):
        self.directory = Path(directory)
        manifest_path = self.directory / "manifest.json"
        if not self.directory.is_dir():
            raise ShardError(f"{self.directory}: no such shard directory")
        try:
            with manifest_path.open("r", encoding="utf-8") as f:
                manifest = json.load(f)
        except FileNotFoundError:
            raise ShardError(f"{manifest_path}: missing (not a shard directory; run hiclr convert)") from None
        except (OSError, ValueError) as error:
            raise ShardError(f"{manifest_path}: not a manifest: {error}") from None
        if not isinstance(manifest, dict):
            raise ShardError(f"{manifest_path}: not a manifest (not a JSON object)")
        for field in ("format", "formatVersion", "shards"):
            if field not in manifest:
                raise ShardError(f"{manifest_path} [{field}]: missing")
        if manifest["format"] != FORMAT:
            raise ShardError(f"{manifest_path} [format]: '{manifest['format']}' is not '{FORMAT}'")
        if manifest["formatVersion"] != FORMAT_VERSION:
            raise ShardError(f"{manifest_path} [formatVersion]: version {manifest['formatVersion']}; "
                             f"this package reads version {FORMAT_VERSION}")
        self.manifest = manifest
        for i, record in enumerate(manifest["shards"]):
            for field in ("file", "benchmark", "part", "count", "sha256", "bytes"):
                if field not in record:
                    raise ShardError(f"{manifest_path} [shards[{i}].{field}]: missing")
            path = self.directory / record["file"]
            if not path.is_file():
                raise ShardError(f"{path}: missing (listed in {manifest_path})")
            size = path.stat().st_size
            if size != record["bytes"]:
                raise ShardError(f"{path}: {size} bytes, the manifest says {record['bytes']} "
                                 "(truncated or replaced; re-run convert)")
            if verify:
                digest = sha256_of(path)
                if digest != record["sha256"]:
                    raise ShardError(f"{path}: checksum mismatch: SHA-256 {digest}, the manifest says "
                                     f"{record['sha256']} (corrupted or replaced; re-run convert)")

    @property
    def parts(self):
        """(benchmark, part) pairs in manifest order."""
        return list(dict.fromkeys((r["benchmark"], r["part"]) for r in self.manifest["shards"]))

    def part(self, benchmark=None, part="train"):
        """One benchmark part (default benchmark: the manifest's first, as the Swift loader)."""
        if benchmark is None:
            if not self.manifest["shards"]:
                raise ShardError(f"{self.directory / 'manifest.json'}: lists no shards")
            benchmark = self.manifest["shards"][0]["benchmark"]
        records = [r for r in self.manifest["shards"] if r["benchmark"] == benchmark and r["part"] == part]
        if not records:
            raise ShardError(f"{self.directory / 'manifest.json'}: no part {benchmark}/{part} "
                             f"(has {', '.join(b + '/' + p for b, p in self.parts)})")
        return ShardPart(self.directory, benchmark, part, records)

    def close(self):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class ShardPart:
    """The samples of one benchmark part across its shard files, indexed 0..N-1 in manifest order (the indices
    the Swift loader reports as ``index``)."""

    def __init__(self, directory, benchmark, part, records):
        self.directory = Path(directory)
        self.benchmark = benchmark
        self.part = part
        self.records = records
        self.files = [self.directory / r["file"] for r in records]
        self.offsets = list(np.cumsum([0] + [r["count"] for r in records]))
        self._handles = {}
        self._pid = None
        labels = []
        for path, record in zip(self.files, records):
            with h5py.File(path, "r") as f:
                self._check(path, f, record["count"])
                labels.append(np.asarray(f["label"][()], dtype=np.int64))
        self.labels = np.concatenate(labels) if labels else np.zeros(0, np.int64)

    @staticmethod
    def _check(path, f, count):
        for name in ("label", *STREAMS):
            if name not in f:
                raise ShardError(f"{path} [{name}]: missing dataset")
        for stream in STREAMS:
            if f[stream].shape != (count, *SAMPLE_SHAPE):
                raise ShardError(f"{path} [{stream}]: shape {f[stream].shape}, expected {(count, *SAMPLE_SHAPE)}")
        if f["label"].shape != (count,):
            raise ShardError(f"{path} [label]: shape {f['label'].shape}, the manifest says {count} samples")

    def __len__(self):
        return int(self.offsets[-1])

    def __getstate__(self):  # open h5py files cannot be pickled (spawned DataLoader workers reopen them)
        state = dict(self.__dict__)
        state["_handles"], state["_pid"] = {}, None
        return state

    def _file(self, k):
        if self._pid != os.getpid():  # h5py handles must not cross fork()
            self._handles, self._pid = {}, os.getpid()
        if k not in self._handles:
            try:
                self._handles[k] = h5py.File(self.files[k], "r")
            except OSError as error:
                raise ShardError(f"{self.files[k]}: cannot open: {error}") from None
        return self._handles[k]

    def locate(self, index):
        """(file number, row) of sample ``index``."""
        n = len(self)
        if not -n <= index < n:
            raise IndexError(f"sample {index} outside 0..{n - 1} of {self.benchmark}/{self.part}")
        index %= n
        k = bisect.bisect_right(self.offsets, index) - 1
        return k, index - int(self.offsets[k])

    def read(self, stream, index):
        """Sample ``index`` of ``stream`` as float32 (3, 50, 25, 2)."""
        if stream not in STREAMS:
            raise ValueError(f"unknown stream {stream!r} (one of {', '.join(STREAMS)})")
        k, row = self.locate(index)
        try:
            return np.asarray(self._file(k)[stream][row], dtype=np.float32)
        except (OSError, KeyError, ValueError) as error:
            raise ShardError(f"{self.files[k]} [{stream}]: cannot read sample {row}: {error}") from None

    def __getitem__(self, index):
        k, row = self.locate(index)
        f = self._file(k)
        sample = {stream: self.read(stream, index) for stream in STREAMS}
        sample["label"] = int(f["label"][row])
        sample["length"] = int(f["length"][row]) if "length" in f else None
        name = f["name"][row] if "name" in f else b""
        sample["name"] = name.decode("utf-8") if isinstance(name, bytes) else str(name)
        return sample

    def close(self):
        for f in self._handles.values():
            f.close()
        self._handles = {}
