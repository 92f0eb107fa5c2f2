"""A `hiclr train` checkpoint loads with strict=True into the PyTorch HiCLR model (hiclr.torch.models) and gives
the features `hiclr eval features` writes, within 1e-4; a checkpoint saved from the PyTorch model gives `hiclr eval
features` the PyTorch model's features. Skipped until hiclr.torch.models is present."""

import importlib.util

import h5py
import numpy as np
import pytest
import torch

from conftest import run_hiclr

import hiclr.torch as ht
from hiclr import checkpoint

pytestmark = pytest.mark.skipif(importlib.util.find_spec("hiclr.torch.models") is None,
                                reason="hiclr.torch.models not present")


def tiny_model():
    from hiclr.torch.models import HiCLR
    # configs/fixtures_tiny.yaml: hidden_channels 16, hidden_dim 256, feature_dim 128, queue 8.
    return HiCLR(hidden_channels=16, hidden_dim=256, feature_dim=128, queue_size=8, dropout=0.5)


def torch_features(model, shards):
    data = ht.ShardDataset(shards, benchmark="xview", part="val")
    x = torch.stack([data[i]["joint"] for i in range(len(data))])
    model.eval()
    with torch.no_grad():
        return model.encoder_q.features(x).numpy()


def swift_features(path, shards, out):
    run_hiclr("eval", "features", "--checkpoint", path, "--shards", shards, "--benchmark", "xview", "--part", "val",
              "--out", out)
    with h5py.File(out, "r") as f:
        return f["features"][()]


def test_swift_checkpoint_into_pytorch(swift_run, shards, tmp_path):
    _, path = swift_run
    model = tiny_model()
    model.load_state_dict(checkpoint.load(path), strict=True)
    ours = torch_features(model, shards)
    theirs = swift_features(path, shards, tmp_path / "f.h5")
    assert ours.shape == theirs.shape == (8, 256)
    assert np.abs(ours).max() > 1e-3
    np.testing.assert_allclose(ours, theirs, atol=1e-4, rtol=0)


def test_pytorch_checkpoint_into_hiclr(swift_run, shards, tmp_path):
    config, _ = swift_run
    torch.manual_seed(3)
    model = tiny_model()
    with torch.no_grad():  # non-trivial batch-norm statistics and weights
        for name, value in model.state_dict().items():
            if name.endswith("running_mean"):
                value.normal_(0, 0.1)
            elif name.endswith("running_var"):
                value.uniform_(0.5, 2.0)
            elif name.endswith("num_batches_tracked"):
                value.fill_(11)
    path = tmp_path / "torch.h5"
    checkpoint.save(path, model.state_dict(), attributes=checkpoint.train_attributes(config.read_text(), epoch=1))
    ours = torch_features(model, shards)
    theirs = swift_features(path, shards, tmp_path / "f.h5")
    np.testing.assert_allclose(ours, theirs, atol=1e-4, rtol=0)
