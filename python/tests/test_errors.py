"""Bad input from Python raises a Python exception whose message names the file; the process never crashes."""

import os
import subprocess
import sys

import h5py
import pytest

from conftest import PIPELINE, REPO, run_hiclr

import hiclr
import hiclr.torch as ht
from hiclr import shards as hshards


def damage(path, offset_fraction=0.5):
    data = bytearray(path.read_bytes())
    at = int(len(data) * offset_fraction)
    for i in range(at, at + 64):
        data[i] ^= 0xFF
    path.write_bytes(bytes(data))


def damage_joint_chunk(path, row):
    """Flips 16 bytes in the middle of the stored chunk that holds sample ``row`` of ``joint``."""
    with h5py.File(path, "r") as f:
        info = f["joint"].id.get_chunk_info_by_coord((row, 0, 0, 0, 0))
    data = bytearray(path.read_bytes())
    middle = info.byte_offset + info.size // 2
    for i in range(middle, middle + 16):
        data[i] ^= 0xFF
    path.write_bytes(bytes(data))


def test_missing_folder(tmp_path):
    missing = tmp_path / "nowhere"
    with pytest.raises(hiclr.LoaderError, match=str(missing)):
        ht.ShardStream(missing, pipeline=PIPELINE, batch_size=4, workers=1)
    with pytest.raises(hiclr.ShardError, match=str(missing)):
        hshards.open(missing)
    with pytest.raises(hiclr.ShardError, match=str(missing)):
        ht.ShardDataset(missing)


def test_folder_without_manifest(tmp_path):
    with pytest.raises(hiclr.LoaderError, match="manifest.json"):
        ht.ShardStream(tmp_path, pipeline=PIPELINE, batch_size=4, workers=1)
    with pytest.raises(hiclr.ShardError, match=str(tmp_path / "manifest.json")):
        hshards.open(tmp_path)


def test_damaged_shard_named_by_checksum(shard_copy):
    shard = shard_copy / "xview_train_00000.h5"
    damage(shard)
    with pytest.raises(hiclr.LoaderError, match=str(shard)) as caught:
        ht.ShardStream(shard_copy, benchmark="xview", pipeline=PIPELINE, batch_size=4, workers=2)
    assert "checksum" in str(caught.value)
    with pytest.raises(hiclr.ShardError, match=str(shard)):
        hshards.open(shard_copy)
    # Other parts are still readable: the check covers the part being opened.
    ht.ShardStream(shard_copy, benchmark="xsub", pipeline=PIPELINE, batch_size=4, workers=1)


@pytest.mark.parametrize("level", ["0", "4"])
def test_damaged_chunk_without_verification_fails_the_batch(tmp_path, level):
    """With verification off, damage inside a chunk is found while building a batch: next() raises naming the
    shard. Level 0 (the default) stores each chunk with HDF5's Fletcher-32 checksum, which no longer matches;
    a deflated chunk (level 4) no longer inflates. h5py (libhdf5's own filters) refuses the chunk too."""
    out = tmp_path / "ntu60"
    run_hiclr("convert", "ntu60", "--raw", REPO / "fixtures" / "ntu60", "--missing",
              REPO / "fixtures" / "ntu60" / "missing_skeletons.txt", "--out", out, "--deflate-level", level)
    shard = out / "xview_train_00000.h5"
    with h5py.File(shard, "r") as f:
        assert f["joint"].fletcher32 == (level == "0")
        f["joint"][3]  # undamaged: libhdf5 verifies the checksum and inflates
    damage_joint_chunk(shard, 3)
    with h5py.File(shard, "r") as f:
        with pytest.raises(OSError):
            f["joint"][3]
        f["joint"][2]  # the neighbouring chunk still reads
    stream = ht.ShardStream(out, benchmark="xview", pipeline=PIPELINE, batch_size=15, workers=2,
                            verify=False, drop_last=False)
    with pytest.raises(hiclr.LoaderError, match=str(shard)) as caught:
        list(stream)
    if level == "0":
        assert "Fletcher-32" in str(caught.value) and "joint" in str(caught.value)


def test_truncated_shard(shard_copy):
    shard = shard_copy / "xview_train_00000.h5"
    data = shard.read_bytes()
    shard.write_bytes(data[: len(data) // 2])
    with pytest.raises(hiclr.LoaderError, match=str(shard)):
        ht.ShardStream(shard_copy, benchmark="xview", pipeline=PIPELINE, batch_size=4, workers=1, verify=False)
    with pytest.raises(hiclr.ShardError, match=str(shard)):
        hshards.open(shard_copy, verify=False)


def test_missing_pipeline(shards, tmp_path):
    missing = tmp_path / "no_such_pipeline.yaml"
    with pytest.raises(hiclr.LoaderError, match=str(missing)):
        ht.ShardStream(shards, pipeline=missing, batch_size=4, workers=1)


def test_invalid_pipeline_names_file_and_field(shards, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\nbranches:\n  - name: q\n    stages:\n      - {stage: no_such_stage, p: 1}\n")
    with pytest.raises(hiclr.LoaderError, match=str(bad)) as caught:
        ht.ShardStream(shards, pipeline=bad, batch_size=4, workers=1)
    assert "no_such_stage" in str(caught.value)


@pytest.mark.parametrize("kwargs, words", [
    (dict(batch_size=0), "batch size"),
    (dict(workers=0), "workers"),
    (dict(prefetch=0), "prefetch"),
    (dict(rank=2, world=2), "rank 2"),
    (dict(rank=0, world=0), "world"),
])
def test_bad_configuration(shards, kwargs, words):
    args = dict(pipeline=PIPELINE, batch_size=4, workers=1)
    args.update(kwargs)
    with pytest.raises(hiclr.LoaderError, match=words):
        ht.ShardStream(shards, **args)


def test_missing_benchmark_part(shards):
    with pytest.raises(hiclr.LoaderError, match="nope"):
        ht.ShardStream(shards, benchmark="xview", part="nope", pipeline=PIPELINE, batch_size=4, workers=1)
    with pytest.raises(hiclr.ShardError, match="nope"):
        hshards.open(shards).part("xview", "nope")


def test_library_not_found(tmp_path):
    """A wrong HICLR_LIB is an exception naming the path, in a fresh interpreter (the library loads once)."""
    code = ("import hiclr, hiclr.torch as ht\n"
            "try:\n    ht.ShardStream('x', pipeline='y')\nexcept hiclr.LibraryNotFound as e:\n    print('OK', e)\n")
    env = {"HICLR_LIB": str(tmp_path / "libnothing.so"), "PYTHONPATH": str(REPO / "python")}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("OK") and str(tmp_path / "libnothing.so") in out.stdout


def test_pip_install_needs_no_compiler(shards, tmp_path):
    """`pip install ./python` (pure Python, the header included) gives a package that streams the same batches."""
    target = tmp_path / "site"
    out = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-build-isolation", "--no-deps",
                          "--target", str(target), str(REPO / "python")], capture_output=True, text=True)
    if out.returncode != 0 and "No module named pip" in out.stderr:
        pytest.skip("pip is not installed")
    assert out.returncode == 0, out.stderr
    assert (target / "hiclr" / "include" / "hiclr_loader.h").is_file()
    code = ("import sys, hiclr.torch as ht\n"
            "assert ht.__file__.startswith(sys.argv[1]), ht.__file__\n"
            "s = ht.ShardStream(sys.argv[2], benchmark='xview', pipeline=sys.argv[3], batch_size=4, workers=1)\n"
            "print(' '.join(ht.batch_digest(b) for b in s))\n")
    env = dict(os.environ, PYTHONPATH=str(target))
    run = subprocess.run([sys.executable, "-c", code, str(target), str(shards), str(PIPELINE)], capture_output=True,
                         text=True, env=env, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    stream = ht.ShardStream(shards, benchmark="xview", pipeline=PIPELINE, batch_size=4, workers=1)
    assert run.stdout.split() == [ht.batch_digest(b) for b in stream]
