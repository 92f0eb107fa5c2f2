"""Checkpoints in hiclr-swift's HDF5 layout (Sources/Train/StateDictFile.swift), both ways.

Layout version 2: one root dataset per state_dict entry, named as the key, with the tensor's own shape
(0-d ``num_batches_tracked`` is a scalar dataset); counters int64, everything else float32; the root attribute
``layout_version`` = 2, plus the metadata ``hiclr train`` writes (``format``, ``config``, ``epoch``, ``seed``,
``name``, ``stream``). Optimizer momentum buffers are entries ``optimizer.momentum_buffer.<parameter>``.

    state = hiclr.checkpoint.load("runs/tiny/epoch_0005.h5")   # OrderedDict[str, Tensor]
    model.load_state_dict(state, strict=True)
    hiclr.checkpoint.save("mine.h5", model.state_dict(), attributes=hiclr.checkpoint.train_attributes(...))

Older files (layout 1, before data_bn followed the reference): `python3 -m hiclr.checkpoint upgrade old.h5 new.h5`.
"""

from collections import OrderedDict
from pathlib import Path

import h5py
import numpy as np

from ._files import write_atomically
from .errors import CheckpointError

LAYOUT_VERSION = 2
LAYOUT_ATTRIBUTE = "layout_version"
FORMAT = "hiclr-checkpoint"
OPTIMIZER_PREFIX = "optimizer."
# Integrity (Sources/Train/StateDictFile.swift): each dataset's sha256 of its stored bytes, and the root attributes'
# sha256 over UTF-8 lines "name=value\n" sorted by name (itself excluded). Checked when present.
CHECKSUM_ATTRIBUTE = "sha256"
METADATA_CHECKSUM_ATTRIBUTE = "metadata_sha256"


def _sha256(data):
    import hashlib
    return hashlib.sha256(data).hexdigest()


def _metadata_digest(attrs):
    lines = "".join(f"{k}={attrs[k]}\n" for k in sorted(attrs) if k != METADATA_CHECKSUM_ATTRIBUTE)
    return _sha256(lines.encode("utf-8"))


def _plain(value):
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, np.generic):
        return value.item()
    return value


def _torch():
    import torch
    return torch


def _layout_version(path, f):
    if LAYOUT_ATTRIBUTE not in f.attrs:
        return 1
    try:
        return int(f.attrs[LAYOUT_ATTRIBUTE])
    except (TypeError, ValueError):
        raise CheckpointError(f"{path} [{LAYOUT_ATTRIBUTE}]: not an integer: {f.attrs[LAYOUT_ATTRIBUTE]!r}") from None


def _open(path):
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"{path}: no such checkpoint file")
    try:
        return h5py.File(path, "r")
    except OSError as error:
        raise CheckpointError(f"{path}: not an HDF5 checkpoint: {error}") from None


def read_arrays(path, optimizer=False):
    """The entries as NumPy arrays (file order), without torch. Refuses another layout version."""
    with _open(path) as f:
        version = _layout_version(path, f)
        if version != LAYOUT_VERSION:
            hint = " (use hiclr.checkpoint.upgrade to convert it)" if version == 1 else ""
            raise CheckpointError(f"{path} [{LAYOUT_ATTRIBUTE}]: checkpoint layout version {version}; this package "
                                  f"reads layout version {LAYOUT_VERSION}{hint}")
        out = OrderedDict()
        for name, item in f.items():
            if not isinstance(item, h5py.Dataset):
                continue
            if name.startswith(OPTIMIZER_PREFIX) and not optimizer:
                continue
            if item.dtype.kind not in "fiub":
                raise CheckpointError(f"{path} [{name}]: unsupported element type {item.dtype}")
            array = np.asarray(item[()])
            if CHECKSUM_ATTRIBUTE in item.attrs:
                stored = _plain(item.attrs[CHECKSUM_ATTRIBUTE])
                if _sha256(np.ascontiguousarray(array).tobytes()) != stored:
                    raise CheckpointError(f"{path} [{name}]: the values do not match the sha256 stored when the "
                                          "checkpoint was written: the file is damaged (use an earlier checkpoint)")
            out[name] = array
        if METADATA_CHECKSUM_ATTRIBUTE in f.attrs:
            attrs = {k: _plain(v) for k, v in f.attrs.items()}
            if _metadata_digest(attrs) != attrs[METADATA_CHECKSUM_ATTRIBUTE]:
                raise CheckpointError(f"{path} [{METADATA_CHECKSUM_ATTRIBUTE}]: the root attributes do not match "
                                      "their stored sha256: the file is damaged (use an earlier checkpoint)")
        return out


def load(path, optimizer=False):
    """``OrderedDict[str, torch.Tensor]``: the model's state_dict from a checkpoint (Swift- or Python-written).

    float32 entries stay float32, int64 counters int64, 0-d entries 0-d: ``model.load_state_dict(state,
    strict=True)`` works for a model with the reference's keys. ``optimizer=True`` keeps the
    ``optimizer.momentum_buffer.*`` entries a training checkpoint also holds."""
    torch = _torch()
    return OrderedDict((k, torch.from_numpy(np.array(v, order="C"))) for k, v in read_arrays(path, optimizer).items())


def attributes(path):
    """The checkpoint's root attributes (``layout_version``, ``format``, ``config``, ``epoch``, …) as Python values."""
    with _open(path) as f:
        out = {}
        for key, value in f.attrs.items():
            if isinstance(value, bytes):
                value = value.decode("utf-8")
            elif isinstance(value, np.generic):
                value = value.item()
            out[key] = value
        return out


def train_attributes(config_text, epoch, seed=0, name="pytorch", stream="joint"):
    """The attributes ``hiclr train`` writes and ``hiclr eval``/``train --resume`` read: the YAML config text
    (``hiclr eval`` rebuilds the encoder from its ``model:`` section), epochs done, seed, run name, stream."""
    return {"format": FORMAT, "config": str(config_text), "epoch": int(epoch), "seed": str(seed), "name": str(name),
            "stream": str(stream)}


def _as_array(key, value):
    if hasattr(value, "detach"):  # torch.Tensor
        value = value.detach().cpu()
        if value.is_floating_point():
            value = value.float()
        elif value.dtype.is_complex:
            raise CheckpointError(f"{key}: complex tensors have no place in the layout")
        else:
            value = value.long()
        return value.numpy()
    array = np.asarray(value)
    if array.dtype.kind == "f":
        return array.astype(np.float32)
    if array.dtype.kind in "iub":
        return array.astype(np.int64)
    raise CheckpointError(f"{key}: unsupported element type {array.dtype}")


def save(path, state_dict, attributes=None, optimizer=None):
    """Writes ``state_dict`` (tensors or arrays) in layout version 2: floating entries as float32, integer ones as
    int64, shapes kept. ``attributes`` become root attributes (str or int); ``optimizer`` maps parameter names to
    momentum buffers (stored as ``optimizer.momentum_buffer.<name>``). Written to a temporary name and renamed,
    so a crash never leaves a half file under ``path``."""
    path = Path(path)
    entries = OrderedDict()
    for key, value in state_dict.items():
        if not isinstance(key, str) or not key or "/" in key:
            raise CheckpointError(f"{path}: state_dict key {key!r} cannot be a dataset name")
        entries[key] = _as_array(key, value)
    for key, value in (optimizer or {}).items():
        entries[f"{OPTIMIZER_PREFIX}momentum_buffer.{key}"] = _as_array(key, value)
    def write(partial):
        with h5py.File(partial, "w") as f:
            for key, array in entries.items():
                dataset = f.create_dataset(key, data=array)
                dataset.attrs[CHECKSUM_ATTRIBUTE] = _sha256(np.ascontiguousarray(array).tobytes())
            attrs = {k: v for k, v in (attributes or {}).items() if k != METADATA_CHECKSUM_ATTRIBUTE}
            for key, value in attrs.items():
                if isinstance(value, bool) or not isinstance(value, (str, int)):
                    raise CheckpointError(f"{path}: attribute {key} must be a str or an int, not {type(value).__name__}")
            attrs[LAYOUT_ATTRIBUTE] = LAYOUT_VERSION
            attrs[METADATA_CHECKSUM_ATTRIBUTE] = _metadata_digest(attrs)
            for key, value in sorted(attrs.items()):
                f.attrs[key] = np.int64(value) if isinstance(value, int) else value

    write_atomically(path, write)


def upgrade(source, destination):
    """Converts a layout-1 checkpoint (written before ``data_bn`` followed the reference) to layout 2.

    Layout 1 normalised the input over M·V·C = 150 channels (body-major: channel m·75 + v·3 + c); the reference,
    and layout 2, over V·C = 75 with both bodies as rows of the batch. The two bodies' statistics are pooled
    (running_mean: their mean; running_var: the mean variance plus the variance of the means; weight and bias:
    their mean), so outputs match only approximately: fine-tune or re-evaluate after converting. Counters of
    shape (1,) named ``num_batches_tracked`` become 0-d."""
    with _open(source) as f:
        version = _layout_version(source, f)
        if version != 1:
            raise CheckpointError(f"{source} [{LAYOUT_ATTRIBUTE}]: layout version {version}, not 1: nothing to upgrade")
        arrays = OrderedDict((k, np.asarray(v[()])) for k, v in f.items() if isinstance(v, h5py.Dataset))
        attrs = {k: (v.decode("utf-8") if isinstance(v, bytes) else v.item() if isinstance(v, np.generic) else v)
                 for k, v in f.attrs.items()}
    out = OrderedDict()
    for key, array in arrays.items():
        if ".data_bn." in "." + key and array.ndim == 1 and array.shape[0] % 2 == 0 and array.shape[0] >= 150:
            bodies = array.reshape(2, -1).astype(np.float64)
            if key.endswith("running_var"):
                means = arrays[key[: -len("running_var")] + "running_mean"].reshape(2, -1).astype(np.float64)
                array = bodies.mean(0) + means.var(0)
            else:
                array = bodies.mean(0)
            array = array.astype(np.float32)
        elif key.endswith("num_batches_tracked") and array.shape == (1,):
            array = array.reshape(())
        out[key] = array
    save(destination, out, attributes={k: v for k, v in attrs.items()
                                       if k != LAYOUT_ATTRIBUTE and isinstance(v, (str, int))})


def _main(argv=None):
    import argparse
    parser = argparse.ArgumentParser(prog="python3 -m hiclr.checkpoint",
                                     description="Convert a layout-1 hiclr checkpoint to layout 2 (see upgrade()).")
    parser.add_argument("command", choices=["upgrade"])
    parser.add_argument("source")
    parser.add_argument("destination")
    args = parser.parse_args(argv)
    try:
        upgrade(args.source, args.destination)
    except CheckpointError as error:
        raise SystemExit(f"error: {error}")
    print(f"{args.destination}: layout version {LAYOUT_VERSION}")


if __name__ == "__main__":
    _main()
