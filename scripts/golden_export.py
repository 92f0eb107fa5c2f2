#!/usr/bin/env python3
"""Checks the files of `hiclr export reference` against an independent NumPy implementation of the reference
HiCLR data scripts, run on the raw fixture files.

  python3 scripts/golden_export.py --dataset ntu60 --raw fixtures/ntu60 --export DIR [--missing FILE]

What the reference writes (JHang2020/HiCLR): tools/ntu_gendata.py lines 48-96 (sorted file names minus the
missing list, split by performer / camera, `<part>_label.pkl` = pickle of (names, labels - 1), `<part>_data.npy`
float32 (N, 3, 300, 25, 2) from tools/utils/ntu_read_skeleton.py read_xyz: first 2 bodies per frame in file order),
tools/pku_part1_gendata.py lines 65-110 and tools/utils/pku_read_skeleton.py lines 57-72 (centred 300 frames),
feeder/preprocess_ntu.py lines 36-84 (`_position.npy`, `_motion.npy` float32 (N, 3, 50, 25, 2), `_label.npy`
int64 (N, 1)). The 50-frame values come from golden_preprocess.reference (the spec's reference steps).
Every file is read with np.load, np.load(mmap_mode='r') and pickle.load; values must agree within 1e-5
(relative above magnitude 1).
Exit status 0 and a line "golden_export OK ..." when everything matches.
"""
import argparse
import os
import pickle
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cv2  # noqa: E402
import golden_preprocess  # noqa: E402
from golden_preprocess import read_ntu, reference  # noqa: E402


def resize_cv2(x, L):
    """Step 5 as the reference does it (OpenCV INTER_LINEAR on the (L, 50) plane of each channel), without
    golden_preprocess's 1e-6 cross-check against the float64 formula: on the zero-padded motion of the
    fixtures cv2's float32 arithmetic differs from it by more than that (the export is held to 1e-5)."""
    return np.stack([cv2.resize(np.ascontiguousarray(x[c, :L].reshape(L, 50)), (50, 50),
                                interpolation=cv2.INTER_LINEAR).reshape(50, 25, 2) for c in range(3)])


golden_preprocess.resize = resize_cv2

NTU60_SUBJECTS = {1, 2, 4, 5, 8, 9, 13, 14, 15, 16, 17, 18, 19, 25, 27, 28, 31, 34, 35, 38}
NTU120_SUBJECTS = NTU60_SUBJECTS | {45, 46, 47, 49, 50, 52, 53, 54, 55, 56, 57, 58, 59, 70, 74, 78, 80, 81, 82,
                                    83, 84, 85, 86, 89, 91, 92, 93, 94, 95, 97, 98, 100, 103}
VIEWS = {"L": 1, "M": 2, "R": 3}


def ntu_samples(raw, dataset, missing):
    skip = set()
    if missing:
        skip = {ln.strip() + ".skeleton" for ln in open(missing) if ln.strip()}
    folder = os.path.join(raw, "nturgb+d_skeletons")
    out = []
    for name in sorted(os.listdir(folder)):
        if name in skip or not name.endswith(".skeleton"):
            continue
        s, c, p, a = (int(name[name.find(k) + 1:name.find(k) + 4]) for k in "SCPA")
        if dataset == "ntu60":
            parts = {"xsub": p in NTU60_SUBJECTS, "xview": c in (2, 3)}
        else:
            parts = {"xsub": p in NTU120_SUBJECTS, "xset": s % 2 == 0}
        data, _ = read_ntu(os.path.join(folder, name))
        out.append(dict(name=name, label=a - 1, raw=data, train=parts))
    return out


def pku_samples(raw, dataset):
    def split(path):
        lines = open(path).read().split("\n")
        ids = lambda ln: {s.strip() for s in ln.split(",") if s.strip()}
        return ids(lines[1])
    train = {"xsub": split(os.path.join(raw, "split", "cross-subject.txt")),
             "xview": split(os.path.join(raw, "split", "cross-view.txt"))}
    labels = {os.path.splitext(f)[0]: os.path.join(raw, "label", f) for f in os.listdir(os.path.join(raw, "label"))}
    out = []
    for f in sorted(os.listdir(os.path.join(raw, "skeleton"))):
        video = os.path.splitext(f)[0]
        rows = [np.array([np.float32(x) for x in ln.split()], np.float32)
                for ln in open(os.path.join(raw, "skeleton", f)).read().split("\n") if ln.strip()]
        frames = np.stack(rows).reshape(len(rows), 2, 25, 3).transpose(3, 0, 2, 1)   # (3, F, 25, 2)
        instances = [ln for ln in open(labels[video]).read().split("\n") if ln.strip()]
        for i, ln in enumerate(instances):
            cls, start, end = (int(x) for x in ln.split(",")[:3])
            n = end - start + 1
            first = start - 1 + max(0, (n - 300) // 2)
            data = frames[:, first:first + min(n, 300)].copy()
            view = "%03d" % VIEWS[video[-1]]
            if dataset == "pku1":
                name = "F%sV%sC%03dL%03d.skeleton" % (video[1:4], view, cls, i + 1)
            else:
                name = "A0%sN0%sV%sC%03dL%03d.skeleton" % (video[1:3], video[4:6], view, cls, i + 1)
            out.append(dict(name=name, label=cls - 1, raw=data,
                            train={b: video[:-2] + "-" + video[-1] in train[b] for b in train}))
    return out


def check(samples, export, benchmarks):
    checked = 0
    for b in benchmarks:
        for part in ("train", "val"):
            chosen = [s for s in samples if s["train"][b] == (part == "train")]
            # The converter rejects samples with no valid frame (L = 0): the reference's 50-frame step cannot
            # resize them either.
            chosen = [s for s in chosen if np.any(s["raw"][:, :, 0, 0] != 0)]
            chosen.sort(key=lambda s: s["name"])
            d = os.path.join(export, b)
            names, labels = pickle.load(open(os.path.join(d, part + "_label.pkl"), "rb"))
            assert isinstance(names, list) and isinstance(labels, list), (type(names), type(labels))
            assert names == [s["name"] for s in chosen], (b, part, names, [s["name"] for s in chosen])
            assert labels == [s["label"] for s in chosen] and all(type(x) is int for x in labels), (b, part)
            n = len(chosen)
            expect = {"data": np.zeros((n, 3, 300, 25, 2), np.float32),
                      "position": np.zeros((n, 3, 50, 25, 2), np.float32),
                      "motion": np.zeros((n, 3, 50, 25, 2), np.float32)}
            for k, s in enumerate(chosen):
                expect["data"][k, :, :s["raw"].shape[1]] = s["raw"]
                r = reference(s["raw"])
                expect["position"][k] = r["joint"]
                expect["motion"][k] = r["motion"]
            for key, want in expect.items():
                path = os.path.join(d, "%s_%s.npy" % (part, key))
                for mmap in (None, "r"):
                    got = np.load(path, mmap_mode=mmap)
                    assert got.dtype == np.float32 and got.shape == want.shape, (path, got.dtype, got.shape)
                    # within 1e-5, relative for values above 1 (cv2's float32 resize weights alone differ from
                    # the exact linear interpolation by up to 1.1e-5 on the 2-3 m jumps of the zero-padded motion)
                    err = float(np.max(np.abs(got - want) / np.maximum(1.0, np.abs(want)))) if n else 0.0
                    assert err <= 1e-5, (path, err)
            lab = np.load(os.path.join(d, part + "_label.npy"))
            assert lab.dtype == np.int64 and lab.shape == (n, 1), (lab.dtype, lab.shape)
            assert lab.reshape(-1).tolist() == [s["label"] for s in chosen]
            with open(os.path.join(d, part + "_data.npy"), "rb") as f:
                head = f.read(128)
            assert head[:8] == b"\x93NUMPY\x01\x00" and (10 + int.from_bytes(head[8:10], "little")) % 64 == 0
            checked += n
    return checked


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dataset", required=True, choices=["ntu60", "ntu120", "pku1", "pku2"])
    ap.add_argument("--raw", required=True)
    ap.add_argument("--export", required=True)
    ap.add_argument("--missing")
    a = ap.parse_args()
    if a.dataset.startswith("ntu"):
        samples = ntu_samples(a.raw, a.dataset, a.missing)
        benchmarks = ["xsub", "xview"] if a.dataset == "ntu60" else ["xsub", "xset"]
    else:
        samples = pku_samples(a.raw, a.dataset)
        benchmarks = ["xsub", "xview"]
    n = check(samples, a.export, benchmarks)
    print("golden_export OK %s: %d samples over %s" % (a.dataset, n, ",".join(benchmarks)))


if __name__ == "__main__":
    main()
