"""examples/pretrain_torch.py (one process, one epoch on the fixtures) writes a checkpoint that `hiclr eval knn`
scores (test_checkpoint covers `train --resume` from a Python-written file). Needs hiclr.torch.models (the PyTorch HiCLR)."""

import importlib.util
import os
import re
import subprocess
import sys

import pytest

from conftest import PIPELINE, REPO, run_hiclr

from hiclr import checkpoint

pytestmark = pytest.mark.skipif(importlib.util.find_spec("hiclr.torch.models") is None,
                                reason="hiclr.torch.models not present")


def test_example_checkpoint_is_read_by_hiclr(shards, tmp_path):
    text = (REPO / "configs" / "fixtures_tiny.yaml").read_text()
    text = re.sub(r"(?m)^shards: .*$", f"shards: {shards}", text)
    text = re.sub(r"(?m)^output: .*$", f"output: {tmp_path / 'run'}", text)
    text = re.sub(r"(?m)^pipeline: .*$", f"pipeline: {PIPELINE}", text)
    config = tmp_path / "config.yaml"
    config.write_text(text)
    env = dict(os.environ, PYTHONPATH=str(REPO / "python"), OMP_NUM_THREADS="2")
    out = subprocess.run([sys.executable, str(REPO / "examples" / "pretrain_torch.py"), "--config", str(config),
                          "--epochs", "1", "--output", str(tmp_path / "torch")], capture_output=True, text=True,
                         env=env, timeout=600)
    assert out.returncode == 0, out.stdout + out.stderr
    loss = float(re.search(r"epoch 1/1 lr [\d.e-]+ loss ([\d.]+)", out.stdout).group(1))
    assert 0 < loss < 100
    path = tmp_path / "torch" / "epoch_0001.h5"
    attrs = checkpoint.attributes(path)
    assert attrs["epoch"] == 1 and attrs["layout_version"] == 2 and attrs["format"] == "hiclr-checkpoint"
    knn = run_hiclr("eval", "knn", "--checkpoint", path, "--shards", shards, "--benchmark", "xview", "--k", 5).stdout
    assert re.search(r"top-1 [\d.]+ %", knn), knn
