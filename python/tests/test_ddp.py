"""Two DDP processes (gloo on localhost, started here) streaming with ShardStream: their shares are disjoint, the
union is the epoch (drop_last: all but N mod world samples; pad: every sample), and after a few training steps
both ranks hold identical parameters with finite losses."""

import os
import socket
import subprocess
import sys
from pathlib import Path

import torch

from conftest import PIPELINE, REPO

HERE = Path(__file__).resolve().parent


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_two_process_ddp(shards, tmp_path):
    port = str(free_port())
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(REPO / "python"), str(HERE)]), OMP_NUM_THREADS="1")
    procs = [subprocess.Popen([sys.executable, str(HERE / "ddp_worker.py"), str(r), "2", port, str(shards),
                               str(PIPELINE), str(tmp_path / f"rank{r}.pt")], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) for r in (0, 1)]
    outputs = []
    for p in procs:
        try:
            outputs.append(p.communicate(timeout=240)[0])
        except subprocess.TimeoutExpired:
            for q in procs:
                q.kill()
            raise AssertionError("DDP workers did not finish in 240 s")
    for p, out in zip(procs, outputs):
        assert p.returncode == 0, out
    r0, r1 = (torch.load(tmp_path / f"rank{r}.pt") for r in (0, 1))
    assert (r0["rank"], r1["rank"], r0["world"]) == (0, 1, 2)
    n = 15
    for epoch in (0, 1):
        a, b = r0["drop_last"][epoch], r1["drop_last"][epoch]
        # drop_last (batch 7): floor(15 / 2) = 7 samples per rank, disjoint; the union is the epoch's 14 samples.
        assert len(a) == len(b) == 7
        assert not set(a) & set(b)
        assert len(set(a) | set(b)) == n - n % 2
        a, b = r0["pad"][epoch], r1["pad"][epoch]
        # pad: ceil(15 / 2) = 8 per rank (batches of 7 and 1); the one padded sample repeats the permutation's start, so the union is every sample.
        assert len(a) == len(b) == 8
        assert set(a) | set(b) == set(range(n))
        assert len(set(a) & set(b)) == 1
    assert r0["drop_last"][0] != r0["drop_last"][1]  # a fresh permutation per epoch
    assert len(r0["losses"]) == len(r1["losses"]) == 6
    assert all(torch.isfinite(torch.tensor(r["losses"])).all() for r in (r0, r1))
    assert r0["losses"] != r1["losses"]  # different data on each rank …
    assert torch.equal(r0["parameters"], r1["parameters"])  # … and the same model after every all-reduce
    assert r0["parameters"].abs().sum() > 0
