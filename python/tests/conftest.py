"""Shared fixtures: the built `hiclr` tool and its loader library, and the NTU60 fixture shards converted once."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "python"))


def _build_dir():
    """The build folder of the tool under test: $HICLR_BUILD, else the newer of .build/debug and .build/release
    that holds both the tool and the library."""
    if os.environ.get("HICLR_BUILD"):
        return Path(os.environ["HICLR_BUILD"])
    found = [REPO / ".build" / c for c in ("debug", "release")
             if (REPO / ".build" / c / "hiclr").is_file() and (REPO / ".build" / c / "libHiCLRLoaderC.so").is_file()]
    if not found:
        pytest.exit("no build with both hiclr and libHiCLRLoaderC.so: run `swift build` first", returncode=2)
    return max(found, key=lambda d: (d / "libHiCLRLoaderC.so").stat().st_mtime)


BUILD = _build_dir()
HICLR = BUILD / "hiclr"
os.environ.setdefault("HICLR_LIB", str(BUILD / "libHiCLRLoaderC.so"))
PIPELINE = REPO / "pipelines" / "hiclr.yaml"


def run_hiclr(*args, check=True):
    result = subprocess.run([str(HICLR), *map(str, args)], capture_output=True, text=True)
    if check and result.returncode != 0:
        raise AssertionError(f"hiclr {' '.join(map(str, args))} failed ({result.returncode}):\n{result.stderr}")
    return result


def stream_digests(shards, **options):
    """[(epoch, batch, digest)] printed by `hiclr stream --hash` with the given options (underscores → dashes)."""
    args = ["stream", "--shards", shards, "--pipeline", PIPELINE, "--hash"]
    for key, value in options.items():
        flag = "--" + key.replace("_", "-")
        args += [flag] if value is True else [flag, value]
    out = run_hiclr(*args).stdout
    return [(int(e), int(b), d) for e, b, d in re.findall(r"^epoch (\d+) batch (\d+) ([0-9a-f]{64})$", out, re.M)]


@pytest.fixture(scope="session")
def shards(tmp_path_factory):
    """NTU60 fixture shards (xsub and xview, train and val), converted by the tool under test."""
    out = tmp_path_factory.mktemp("shards") / "ntu60"
    run_hiclr("convert", "ntu60", "--raw", REPO / "fixtures" / "ntu60", "--missing",
              REPO / "fixtures" / "ntu60" / "missing_skeletons.txt", "--out", out)
    return out


@pytest.fixture
def shard_copy(shards, tmp_path):
    """A private copy of the fixture shards that a test may damage."""
    copy = tmp_path / "ntu60"
    shutil.copytree(shards, copy)
    return copy
