"""Checkpoints move both ways: Python reads what `hiclr train` writes (reference keys, dtypes, 0-d counters) and
writes files that `hiclr eval` and `hiclr train --resume` read back to the same results."""

import json
import re
from collections import OrderedDict

import h5py
import numpy as np
import pytest
import torch

from conftest import PIPELINE, REPO, run_hiclr

import hiclr
from hiclr import checkpoint


def test_round_trip_keeps_values_dtypes_and_shapes(tmp_path):
    state = OrderedDict([
        ("encoder.weight", torch.randn(4, 3)),
        ("encoder.bn.num_batches_tracked", torch.tensor(7)),          # 0-d int64, as PyTorch
        ("queue_ptr", torch.tensor([3], dtype=torch.int64)),
        ("mask_param", torch.tensor([0.25], dtype=torch.float64)),     # stored as float32
        ("counter32", torch.tensor([5], dtype=torch.int32)),           # stored as int64
    ])
    path = tmp_path / "ck.h5"
    checkpoint.save(path, state, attributes={"format": "test", "epoch": 3})
    assert not (tmp_path / ".ck.h5.partial").exists()
    loaded = checkpoint.load(path)
    assert set(loaded) == set(state)
    assert torch.equal(loaded["encoder.weight"], state["encoder.weight"])
    assert loaded["encoder.bn.num_batches_tracked"].shape == () and loaded["encoder.bn.num_batches_tracked"].dtype == torch.int64
    assert int(loaded["encoder.bn.num_batches_tracked"]) == 7
    assert loaded["queue_ptr"].tolist() == [3] and loaded["queue_ptr"].dtype == torch.int64
    assert loaded["mask_param"].dtype == torch.float32 and loaded["mask_param"].item() == 0.25
    assert loaded["counter32"].dtype == torch.int64
    attrs = checkpoint.attributes(path)
    assert {k: v for k, v in attrs.items() if k != "metadata_sha256"} == {"format": "test", "epoch": 3, "layout_version": 2}
    # A module's state_dict loads back strictly.
    module = torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.BatchNorm1d(2))
    module[1].num_batches_tracked += 5
    checkpoint.save(path, module.state_dict())
    fresh = torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.BatchNorm1d(2))
    fresh.load_state_dict(checkpoint.load(path), strict=True)
    for a, b in zip(module.state_dict().values(), fresh.state_dict().values()):
        assert torch.equal(a, b)


def test_swift_checkpoint_has_the_reference_layout(swift_run):
    _, path = swift_run
    state = checkpoint.load(path)
    assert not any(k.startswith("optimizer.") for k in state)
    assert state["encoder_q.data_bn.weight"].shape == (75,)
    assert state["encoder_q.data_bn.num_batches_tracked"].shape == ()
    assert state["encoder_q.data_bn.num_batches_tracked"].dtype == torch.int64
    # One epoch of 3 batches, each passing encoder_q three times (q, q1, q2).
    assert int(state["encoder_q.data_bn.num_batches_tracked"]) == 9
    assert state["queue_ptr"].dtype == torch.int64 and state["queue_ptr"].shape == (1,)
    assert state["queue"].shape == (128, 8) and state["mask_param"].shape == (1,)
    assert all(v.dtype == torch.float32 for k, v in state.items() if not k.endswith(("num_batches_tracked", "queue_ptr")))
    with_optimizer = checkpoint.load(path, optimizer=True)
    assert any(k.startswith("optimizer.momentum_buffer.encoder_q.") for k in with_optimizer)
    attrs = checkpoint.attributes(path)
    assert attrs["layout_version"] == 2 and attrs["format"] == "hiclr-checkpoint" and attrs["epoch"] == 1


def test_python_written_checkpoint_is_read_by_hiclr_eval_and_resume(swift_run, shards, tmp_path):
    config, swift_path = swift_run
    state = checkpoint.load(swift_path, optimizer=True)
    attrs = checkpoint.attributes(swift_path)
    py_path = tmp_path / "from_python.h5"
    checkpoint.save(py_path, state, attributes={k: v for k, v in attrs.items() if k != "layout_version"})

    def knn(path):
        out = run_hiclr("eval", "knn", "--checkpoint", path, "--shards", shards, "--benchmark", "xview", "--k", 5).stdout
        return [line.split("]:", 1)[-1] for line in out.splitlines() if "top-1" in line]

    assert knn(py_path) == knn(swift_path) != []

    def resumed_loss(path):
        run_hiclr("train", "--config", config, "--resume", path, "--epochs", 2)
        log = (swift_path.parent / "log.jsonl").read_text().splitlines()
        return json.loads(log[-1])

    a, b = resumed_loss(swift_path), resumed_loss(py_path)
    assert a["epoch"] == b["epoch"] == 2
    assert a["loss"] == b["loss"] and np.isfinite(a["loss"])


def test_other_layout_refused_naming_the_file(tmp_path):
    old = tmp_path / "old.h5"
    with h5py.File(old, "w") as f:
        f["encoder_q.data_bn.weight"] = np.ones(150, np.float32)
        f["encoder_q.data_bn.bias"] = np.zeros(150, np.float32)
        f["encoder_q.data_bn.running_mean"] = np.concatenate([np.zeros(75), np.full(75, 2.0)]).astype(np.float32)
        f["encoder_q.data_bn.running_var"] = np.ones(150, np.float32)
        f["encoder_q.data_bn.num_batches_tracked"] = np.array([4], np.int64)
        f.attrs["format"] = "hiclr-checkpoint"
    with pytest.raises(hiclr.CheckpointError, match=str(old)) as caught:
        checkpoint.load(old)
    assert "layout version 1" in str(caught.value) and "layout version 2" in str(caught.value)
    new = tmp_path / "new.h5"
    checkpoint.upgrade(old, new)
    state = checkpoint.load(new)
    assert state["encoder_q.data_bn.weight"].shape == (75,)
    assert state["encoder_q.data_bn.num_batches_tracked"].shape == ()
    # Pooled statistics of two bodies with means 0 and 2, variances 1: mean 1, variance 1 + 1.
    assert torch.allclose(state["encoder_q.data_bn.running_mean"], torch.ones(75))
    assert torch.allclose(state["encoder_q.data_bn.running_var"], torch.full((75,), 2.0))
    assert checkpoint.attributes(new)["format"] == "hiclr-checkpoint"


def test_not_a_checkpoint(tmp_path):
    junk = tmp_path / "junk.h5"
    junk.write_bytes(b"not hdf5 at all")
    with pytest.raises(hiclr.CheckpointError, match=str(junk)):
        checkpoint.load(junk)
    with pytest.raises(hiclr.CheckpointError, match=str(tmp_path / "absent.h5")):
        checkpoint.load(tmp_path / "absent.h5")


def test_checksums_written_and_checked(swift_run, tmp_path):
    """Python writes the per-dataset and metadata sha256 Swift writes; a damaged value is refused naming the entry."""
    _, swift_path = swift_run
    path = tmp_path / "ck.h5"
    checkpoint.save(path, checkpoint.load(swift_path), attributes={"format": "x", "epoch": 2})
    with h5py.File(path, "r+") as f, h5py.File(swift_path, "r") as g:
        name = "encoder_q.data_bn.weight"
        assert f[name].attrs["sha256"] == g[name].attrs["sha256"]  # same bytes, same digest as Swift's
        f[name][0] = f[name][0] + 1
    with pytest.raises(hiclr.CheckpointError, match=r"ck\.h5 \[encoder_q\.data_bn\.weight\]"):
        checkpoint.load(path)
    checkpoint.save(path, checkpoint.load(swift_path), attributes={"format": "x", "epoch": 2})
    with h5py.File(path, "r+") as f:
        f.attrs["epoch"] = np.int64(7)
    with pytest.raises(hiclr.CheckpointError, match="metadata_sha256"):
        checkpoint.load(path)
