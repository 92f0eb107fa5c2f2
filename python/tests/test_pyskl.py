"""PYSKL 3-D annotation files: `hiclr export pyskl` / `python3 -m hiclr.pyskl export` and `hiclr convert pyskl`.

Golden facts come from kennymckormick/pyskl tools/data/ntu_preproc.py (commit 3f6795f), recomputed here
independently of python/hiclr/pyskl.py:
- names sorted (lines 136-137); annotations in that order (lines 190, 199);
- an annotation is dict(frame_dir, label, keypoint, total_frames) in that order (line 160), label = action - 1
  (line 158), keypoint cast to float16 (line 157), total_frames = keypoint.shape[1] (line 159);
- split dict keys in the order xsub_train, xsub_val, then xview_* (NTU60, line 198) or xset_* (NTU120, line 189);
  cross-subject by the training-subject list (lines 178-182), cross-setup by even setup (lines 187-188),
  cross-view by 'C001' in the name (lines 196-197).
"""

import os
import pickle
import re
import shutil
import subprocess
import sys

import h5py
import numpy as np
import pytest

from conftest import REPO, run_hiclr

from hiclr import pyskl
from hiclr import shards as hshards

# ntu_preproc.py:178-182, written out again here (not imported from the package under test).
PYSKL_TRAINING_SUBJECTS = {1, 2, 4, 5, 8, 9, 13, 14, 15, 16, 17, 18, 19, 25, 27, 28, 31, 34, 35, 38, 45, 46, 47, 49,
                           50, 52, 53, 54, 55, 56, 57, 58, 59, 70, 74, 78, 80, 81, 82, 83, 84, 85, 86, 89, 91, 92, 93,
                           94, 95, 97, 98, 100, 103}
NAME = re.compile(r"^S(\d{3})C(\d{3})P(\d{3})R(\d{3})A(\d{3})$")


def golden_split(names, dataset):
    fields = {n: tuple(map(int, NAME.match(n).groups())) for n in names}
    names = sorted(names)
    out = {"xsub_train": [n for n in names if fields[n][2] in PYSKL_TRAINING_SUBJECTS],
           "xsub_val": [n for n in names if fields[n][2] not in PYSKL_TRAINING_SUBJECTS]}
    if dataset == "ntu120":
        out["xset_train"] = [n for n in names if fields[n][0] % 2 == 0]
        out["xset_val"] = [n for n in names if fields[n][0] % 2 == 1]
    else:
        out["xview_train"] = [n for n in names if fields[n][1] != 1]
        out["xview_val"] = [n for n in names if fields[n][1] == 1]
    return out


def convert(dataset, out, mode="clean", *extra):
    args = ["convert", dataset, "--raw", REPO / "fixtures" / dataset, "--out", out, "--mode", mode, *extra]
    if dataset == "ntu60":
        args += ["--missing", REPO / "fixtures" / "ntu60" / "missing_skeletons.txt"]
    run_hiclr(*args)
    return out


@pytest.fixture(scope="session")
def clean_shards(tmp_path_factory):
    root = tmp_path_factory.mktemp("pyskl")
    return {d: convert(d, root / d) for d in ("ntu60", "ntu120")}


def shard_samples(directory):
    """{name: (label, raw (T, 3, 25, 2))} and {benchmark_part: [names]} read with h5py directly."""
    samples, parts = {}, {}
    with hshards.open(directory) as s:
        records = s.manifest["shards"]
    for r in records:
        with h5py.File(directory / r["file"], "r") as f:
            names = [n.decode() if isinstance(n, bytes) else n for n in f["name"][()]]
            starts = np.concatenate([[0], np.cumsum(f["raw_frames"][()])])
            for i, n in enumerate(names):
                samples[n] = (int(f["label"][i]), f["raw"][starts[i]:starts[i + 1]])
        parts.setdefault(f"{r['benchmark']}_{r['part']}", []).extend(names)
    return samples, parts


def joints_by_name(directory, stream="joint"):
    out = {}
    with hshards.open(directory) as s:
        for b, p in s.parts:
            part = s.part(b, p)
            for i in range(len(part)):
                out[(b, p, part[i]["name"])] = part.read(stream, i)
    return out


@pytest.mark.parametrize("dataset", ["ntu60", "ntu120"])
@pytest.mark.parametrize("dtype", ["float16", "float32"])
def test_export_layout_is_pyskls(clean_shards, tmp_path, dataset, dtype):
    out = tmp_path / f"{dataset}_3danno.pkl"
    args = ["export", "pyskl", "--shards", clean_shards[dataset], "--out", out]
    run_hiclr(*args, *(["--float32"] if dtype == "float32" else []))
    with open(out, "rb") as f:
        data = pickle.load(f)
    samples, parts = shard_samples(clean_shards[dataset])
    names = sorted(samples)
    assert list(data) == ["split", "annotations"]
    keys = ["xsub_train", "xsub_val"] + (["xset_train", "xset_val"] if dataset == "ntu120" else
                                         ["xview_train", "xview_val"])
    assert list(data["split"]) == keys
    assert data["split"] == golden_split(names, dataset)
    assert [a["frame_dir"] for a in data["annotations"]] == names
    for a in data["annotations"]:
        assert list(a) == ["frame_dir", "label", "keypoint", "total_frames"]
        assert type(a["frame_dir"]) is str and type(a["label"]) is int and type(a["total_frames"]) is int
        assert a["label"] == int(a["frame_dir"][-3:]) - 1 == samples[a["frame_dir"]][0]
        k = a["keypoint"]
        assert type(k) is np.ndarray and k.dtype == np.dtype(dtype) and k.flags.c_contiguous
        raw = samples[a["frame_dir"]][1]
        m = k.shape[0]
        assert m in (1, 2) and k.shape == (m, raw.shape[0], 25, 3) and a["total_frames"] == raw.shape[0]
        expected = raw.transpose(3, 0, 2, 1)[:m]
        # float32: the raw frames exactly; float16: the raw frames rounded to float16 exactly as numpy's cast.
        np.testing.assert_array_equal(k, expected.astype(dtype))
        assert not raw.transpose(3, 0, 2, 1)[m:].any()      # no body beyond M is dropped
    # PYSKL's splits and our benchmark parts hold the same samples on the fixtures.
    for key, members in parts.items():
        assert sorted(members) == data["split"][key], key


# PYSKL's own script (tools/data/ntu_preproc.py, commit 3f6795f) run on the fixture .skeleton files by
# scripts/golden_pyskl_file.py (outside the tree, NumPy 1.24, float16 as the script writes): file SHA-256 and
# content digest of ntu60_3danno.pkl (fixtures/ntu60, its missing list applied) and ntu120_3danno.pkl
# (fixtures/ntu120).
PYSKL_GOLDEN = {
    "ntu60": ("8ede06a83d933c2786f653005068d1e7cb969e891dba75a68cb775d8304d33b9",
              "fd941e9cde8ccbdd4e56d7972c97fb163b2a8181832555ed0c0f8617d051eec3"),
    "ntu120": ("82785ddd3ec411db6e2dd93b57c87717bf4c39f34ca05140e50909241e34d912",
               "9e69367a9101c07db0b9c4ea1c15bea3ef5cb87ccb44a47aa9ff779e3574d2a4"),
}


@pytest.mark.parametrize("dataset", ["ntu60", "ntu120"])
def test_export_equals_pyskls_own_file(clean_shards, tmp_path, dataset):
    """raw files -> `convert --mode clean` -> `export pyskl` gives the file PYSKL's script writes from the same raw
    files: the same content (names, splits, labels, frames, float16 keypoint bytes), and with NumPy 1 (whose
    pickles name numpy.core, as when the golden was made) the same bytes."""
    sys.path.insert(0, str(REPO / "scripts"))
    from golden_pyskl_file import file_digests
    out = tmp_path / f"{dataset}_3danno.pkl"
    run_hiclr("export", "pyskl", "--shards", clean_shards[dataset], "--out", out)
    sha, content = file_digests(out)
    assert content == PYSKL_GOLDEN[dataset][1]
    if np.__version__.startswith("1."):
        assert sha == PYSKL_GOLDEN[dataset][0]


def test_export_refuses_reference_and_rawless_shards(clean_shards, tmp_path):
    ref = convert("ntu60", tmp_path / "ref", "reference")
    result = run_hiclr("export", "pyskl", "--shards", ref, "--out", tmp_path / "a.pkl", check=False)
    assert result.returncode != 0
    assert "[mode]: 'reference'" in result.stderr and "--mode clean" in result.stderr
    norawdir = convert("ntu60", tmp_path / "noraw", "clean", "--no-keep-raw")
    result = run_hiclr("export", "pyskl", "--shards", norawdir, "--out", tmp_path / "a.pkl", check=False)
    assert result.returncode != 0 and "[options.keep_raw]: false: these shards keep no raw frames" in result.stderr and "--no-keep-raw" in result.stderr
    assert sorted(os.listdir(tmp_path)) == ["noraw", "ref"]     # nothing written, no partial file left


def test_export_does_not_replace_without_overwrite(clean_shards, tmp_path):
    out = tmp_path / "a.pkl"
    out.write_bytes(b"keep")
    with pytest.raises(pyskl.PysklError, match="already exists"):
        pyskl.export(clean_shards["ntu60"], out)
    assert out.read_bytes() == b"keep"
    pyskl.export(clean_shards["ntu60"], out, overwrite=True)
    assert pickle.loads(out.read_bytes())["annotations"]
    assert sorted(os.listdir(tmp_path)) == ["a.pkl"]


def test_python_module_command_line(clean_shards, tmp_path):
    out = tmp_path / "ntu60_3danno.pkl"
    env = dict(os.environ, PYTHONPATH=str(REPO / "python"))
    result = subprocess.run([sys.executable, "-m", "hiclr.pyskl", "export", "--shards", str(clean_shards["ntu60"]),
                             "--out", str(out)], capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    assert "23 ntu60 samples" in result.stdout and "23/23 samples" in result.stderr
    data, dataset = pyskl.load(out)
    assert dataset == "ntu60" and len(data["annotations"]) == 23


@pytest.mark.parametrize("dtype", ["float32", "float16"])
def test_round_trip_keeps_keypoints_and_parts(clean_shards, tmp_path, dtype):
    """shards -> pkl -> convert pyskl -> shards -> pkl: the keypoints come back exactly (float32) or as the same
    float16 values (float16: the first export rounds them, the second gives the same float16 bits), and every
    benchmark part holds the same samples."""
    first = tmp_path / "first.pkl"
    pyskl.export(clean_shards["ntu60"], first, dtype=dtype)
    back = tmp_path / "back"
    run_hiclr("convert", "pyskl", "--pkl", first, "--out", back, "--mode", "clean")
    second = tmp_path / "second.pkl"
    pyskl.export(back, second, dtype=dtype)
    a, b = pickle.loads(first.read_bytes()), pickle.loads(second.read_bytes())
    assert a["split"] == b["split"]
    for x, y in zip(a["annotations"], b["annotations"], strict=True):
        assert x["frame_dir"] == y["frame_dir"] and x["label"] == y["label"]
        assert x["total_frames"] == y["total_frames"]
        np.testing.assert_array_equal(x["keypoint"], y["keypoint"])
    _, parts_before = shard_samples(clean_shards["ntu60"])
    samples_after, parts_after = shard_samples(back)
    assert {k: sorted(v) for k, v in parts_before.items()} == {k: sorted(v) for k, v in parts_after.items()}
    with hshards.open(back) as s:
        assert s.manifest["createdBy"] == "hiclr convert pyskl"
        assert s.manifest["options"]["source"] == "pyskl"
        assert s.manifest["options"]["source_file"] == str(first.resolve())
        assert len(s.manifest["options"]["source_sha256"]) == 64
    # the unpacked intermediate file is removed
    assert not [p for p in os.listdir(tmp_path) if "unpacked" in p]


@pytest.mark.parametrize("dtype", ["float32", "float16"])
def test_round_trip_joint_arrays(clean_shards, tmp_path, dtype):
    """shards -> pkl -> `convert pyskl --mode clean` -> shards: the same joint arrays. float32 keypoints: within
    1e-5 (the conversion repeats clean mode's steps after its body choice on the same bodies); float16: within
    the rounding of the keypoints to float16 (bound as in the reference-mode test below)."""
    with hshards.open(clean_shards["ntu60"]) as s:
        if s.manifest["options"].get("raw_body_choice") != "pyskl-denoise":
            pytest.skip("clean-mode raw frames do not hold PYSKL's denoised bodies yet (branch clean)")
    pkl = tmp_path / "a.pkl"
    pyskl.export(clean_shards["ntu60"], pkl, dtype=dtype)
    back = tmp_path / "back"
    run_hiclr("convert", "pyskl", "--pkl", pkl, "--out", back, "--mode", "clean")
    before, after = joints_by_name(clean_shards["ntu60"]), joints_by_name(back)
    assert before.keys() == after.keys()
    worst = max(float(np.abs(before[k] - after[k]).max()) for k in before)
    if dtype == "float32":
        assert worst <= 1e-5, worst
    else:
        samples, _ = shard_samples(clean_shards["ntu60"])
        largest = max(float(np.abs(raw).max()) for _, raw in samples.values())
        assert 0 < worst <= 2 * np.sqrt(3) * 2.0 ** -11 * largest, (worst, largest)


@pytest.mark.parametrize("dtype", ["float32", "float16"])
def test_convert_pyskl_reference_mode_matches_reference_shards(tmp_path, dtype):
    """In reference mode the bodies are read in slot order as the reference reader reads them in file order, so
    a PYSKL file holding the reference reader's bodies gives the reference shards' joint arrays: exactly with
    float32 keypoints; with float16 within the rounding of the keypoints to float16 (relative error at most
    2^-11 per value; centring subtracts two rounded values, the resize averages, the alignment rotates, so each
    joint value is off by at most 2 * sqrt(3) * 2^-11 * the largest magnitude)."""
    ref = convert("ntu60", tmp_path / "ref", "reference")
    pkl = tmp_path / "a.pkl"
    pyskl.export(ref, pkl, dtype=dtype, _any_mode=True)
    back = tmp_path / "back"
    run_hiclr("convert", "pyskl", "--pkl", pkl, "--out", back, "--mode", "reference")
    before, after = joints_by_name(ref), joints_by_name(back)
    assert before.keys() == after.keys()
    if dtype == "float32":
        for k in before:
            np.testing.assert_array_equal(before[k], after[k], err_msg=str(k))
    else:
        samples, _ = shard_samples(ref)
        largest = max(float(np.abs(raw).max()) for _, raw in samples.values())
        bound = 2 * np.sqrt(3) * 2.0 ** -11 * largest
        worst = max(float(np.abs(before[k] - after[k]).max()) for k in before)
        assert 0 < worst <= bound, (worst, bound)


# --- bad input ---------------------------------------------------------------------------------------------------

class Evil:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def good_data(clean_shards, tmp_path):
    path = tmp_path / "good.pkl"
    pyskl.export(clean_shards["ntu60"], path)
    return pickle.loads(path.read_bytes())


def damaged(data, how, tmp_path):
    data = {"split": {k: list(v) for k, v in data["split"].items()},
            "annotations": [dict(a) for a in data["annotations"]]}
    a = data["annotations"]
    if how == "missing_key":
        del a[17]["keypoint"]
        return data, "annotations[17].keypoint: missing key"
    if how == "wrong_shape":
        a[17]["keypoint"] = a[17]["keypoint"][..., 0]
        shape = tuple(a[17]["keypoint"].shape)
        return data, f"annotations[17].keypoint: shape {shape} is not (M, T, 25, 3)"
    if how == "nan":
        k = a[5]["keypoint"].copy()
        k[0, 3, 7, 1] = np.nan
        a[5]["keypoint"] = k
        return data, "annotations[5].keypoint: nan at [0, 3, 7, 1]"
    if how == "total_frames":
        a[2]["total_frames"] += 1
        return data, "annotations[2].total_frames:"
    if how == "label":
        a[4]["label"] = 60
        return data, "annotations[4].label: 60 is outside 0..59"
    if how == "duplicate":
        a[6]["frame_dir"] = a[1]["frame_dir"]
        return data, "annotations[6].frame_dir: '" + a[1]["frame_dir"] + "' repeats annotations[1].frame_dir"
    if how == "split_name":
        data["split"]["xview_val"].append("S099C001P001R001A001")
        return data, "split.xview_val[8]: 'S099C001P001R001A001' is not the frame_dir of any annotation"
    if how == "unlisted":
        name = a[0]["frame_dir"]
        for key in ("xsub_train", "xsub_val"):
            data["split"][key] = [n for n in data["split"][key] if n != name]
        return data, f"annotations[0].frame_dir: '{name}' is in neither split.xsub_train nor split.xsub_val"
    if how == "missing_split":
        del data["split"]
        return data, "split: missing key"
    if how == "global":
        data["annotations"][3]["extra"] = Evil(tmp_path / "ran")
        return data, "names posix.system" if os.name == "posix" else "names nt.system"
    raise ValueError(how)


CASES = ["missing_key", "wrong_shape", "nan", "total_frames", "label", "duplicate", "split_name", "unlisted",
         "missing_split", "global"]


@pytest.mark.parametrize("how", CASES)
def test_bad_pickle_is_refused_naming_key_and_index(clean_shards, tmp_path, how):
    data, message = damaged(good_data(clean_shards, tmp_path), how, tmp_path)
    bad = tmp_path / "bad.pkl"
    bad.write_bytes(pickle.dumps(data, protocol=2))
    with pytest.raises(pyskl.PysklError) as raised:
        pyskl.load(bad)
    assert message in str(raised.value) and str(bad) in str(raised.value)
    out = tmp_path / "out"
    result = run_hiclr("convert", "pyskl", "--pkl", bad, "--out", out, check=False)
    assert result.returncode != 0
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert errors[0] == f"error: {raised.value}"                 # Python's message, once, passed through
    assert not out.exists() and not (tmp_path / "ran").exists()
    assert sorted(os.listdir(tmp_path)) == ["bad.pkl", "good.pkl"]   # nothing written, no temporary left


def test_forbidden_global_is_not_run_by_any_entry_point(tmp_path):
    marker = tmp_path / "ran"
    bad = tmp_path / "bad.pkl"
    bad.write_bytes(pickle.dumps(Evil(marker), protocol=4))
    for call in (lambda: pyskl.load(bad), lambda: pyskl.unpack(bad, tmp_path / "u.h5")):
        with pytest.raises(pyskl.PysklError, match=r"system, which is not one of NumPy's array reconstruction"):
            call()
    assert not marker.exists() and not (tmp_path / "u.h5").exists()


def test_newer_protocols_load(clean_shards, tmp_path):
    data = good_data(clean_shards, tmp_path)
    for protocol in (3, 4, 5):
        path = tmp_path / f"p{protocol}.pkl"
        path.write_bytes(pickle.dumps(data, protocol=protocol))
        loaded, dataset = pyskl.load(path)
        assert dataset == "ntu60"
        np.testing.assert_array_equal(loaded["annotations"][7]["keypoint"], data["annotations"][7]["keypoint"])
