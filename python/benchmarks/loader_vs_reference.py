"""Benchmark (``make bench REFERENCE=DIR``; not a test): ``hiclr bench stream`` with one worker against the
reference's own 4-view feeder, measured in the same run.

The reference feeder is ``Feeder_triple`` of JHang2020/HiCLR (feeder/ntu_feeder.py, with the augmentations of
feeder/tools.py), the train feeder of the pretext configs (config/release/gcn_ntu60/pretext/*.yaml,
``train_feeder: feeder.ntu_feeder.Feeder_triple``). It is not part of this project: pass a checkout of the
reference with ``--reference DIR``; its code is imported from there and run as it is, in this process, one sample
at a time (``feeder[i]``, what each DataLoader worker does). Its input is what ``hiclr export reference`` writes
from the same shards: ``<benchmark>/train_position.npy`` (the 50-frame array the configs' ``data_path`` names) and
``train_label.pkl``, opened with ``mmap=True`` as the configs do.

As in a DataLoader worker (torch/utils/data/_utils/worker.py sets one thread), torch runs on one thread here, so
the reference's CPU time is one core's. ``feeder/ntu_feeder.py`` imports ``matplotlib.use`` without using it; when
matplotlib is not installed an empty stand-in module is registered so that the import succeeds.

Both sides are compared by samples per CPU-second (user + system time of all threads: ``hiclr bench stream``
prints it for each run, and this process measures the reference with ``time.process_time``), so the ratio is per
core and holds on a loaded machine; wall-clock rates are printed too. Target: >= 15x per core. The reference
reads a plain .npy; hiclr reads its replicated shards at ``--deflate-level`` (default 0, what ``hiclr convert``
writes: uncompressed with a Fletcher-32 checksum; 1-9 for shuffle + deflate, as shards written before the option existed, at 4).

Usage: /usr/bin/python3 python/benchmarks/loader_vs_reference.py --shards demo-out/bench-ntu60 \\
           --reference /tmp/HiCLR [--hiclr .build/release/hiclr] [--samples 5120] [--reference-samples 1000]
"""

import argparse
import os
import random
import re
import subprocess
import sys
import tempfile
import time
import types
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]


def run_swift_bench(hiclr, shards, samples, scratch, deflate_level):
    """`hiclr bench stream --workers 1`: (samples/s, samples per CPU-second) of its first run."""
    args = [str(hiclr), "bench", "stream", "--shards", str(shards), "--samples", str(samples), "--batch", "128",
            "--workers", "1", "--scratch", str(scratch), "--deflate-level", str(deflate_level)]
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    print(out.rstrip())
    # With --workers 1 both of its runs ("1 worker", "1 workers") use one worker: the better one counts.
    rows = re.findall(r"^\s*1 workers?\s+([\d.]+) s\s+(\d+) samples/s.*?cpu\s+([\d.]+) s\s+(\d+) samples/cpu-s", out,
                      re.M)
    if not rows:
        raise SystemExit(f"could not read the 1-worker rates from hiclr bench stream:\n{out}")
    return max(float(r[1]) for r in rows), max(float(r[3]) for r in rows)


def export_reference(hiclr, shards, out):
    subprocess.run([str(hiclr), "export", "reference", "--shards", str(shards), "--out", str(out)],
                   capture_output=True, text=True, check=True)
    found = sorted(Path(out).glob("*/train_position.npy"))
    if not found:
        raise SystemExit(f"hiclr export reference wrote no */train_position.npy under {out}")
    return found[0], found[0].with_name("train_label.pkl")


def write_label_pickle(position, label_npy, path):
    """The (names, labels) pickle Feeder_triple reads, when the export wrote only the 50-frame files."""
    import pickle
    labels = [int(x) for x in np.load(label_npy).reshape(-1)]
    names = [f"sample{i}.skeleton" for i in range(len(labels))]
    with open(path, "wb") as f:
        pickle.dump((names, labels), f)


def load_reference_feeder(reference):
    reference = Path(reference).resolve()
    if not (reference / "feeder" / "ntu_feeder.py").is_file():
        raise SystemExit(f"{reference}: no feeder/ntu_feeder.py (pass a checkout of JHang2020/HiCLR)")
    try:
        import matplotlib  # noqa: F401
    except ImportError:  # ntu_feeder.py imports matplotlib.use and never calls it
        stub = types.ModuleType("matplotlib")
        stub.use = lambda *args, **kwargs: None
        sys.modules["matplotlib"] = stub
    sys.path.insert(0, str(reference))
    from feeder.ntu_feeder import Feeder_triple  # noqa: E402  (the reference's code, run as it is)
    return Feeder_triple


def time_reference(feeder, samples, rounds=2):
    """Calls feeder[i] for `samples` indices cycling over the data set, `rounds` times (the better round counts,
    as the better of `hiclr bench stream`'s two runs does): (wall s, CPU s, samples) of that round."""
    n = len(feeder)
    feeder[0]  # warm-up: first touches of the memory map and of torch's conv2d
    best = None
    for _ in range(rounds):
        wall0, cpu0 = time.perf_counter(), time.process_time()
        for i in range(samples):
            views, label = feeder[i % n]
            assert len(views) == 4 and views[0].shape == (3, 50, 25, 2)
        run = (time.perf_counter() - wall0, time.process_time() - cpu0, samples)
        best = run if best is None or run[1] < best[1] else best
    return best


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shards", required=True, help="reference-mode shard directory (e.g. demo-out/bench-ntu60)")
    parser.add_argument("--reference", required=True, help="a checkout of JHang2020/HiCLR (run, never copied)")
    parser.add_argument("--hiclr", default=str(REPO / ".build" / "release" / "hiclr"))
    parser.add_argument("--samples", type=int, default=5120, help="samples in hiclr bench stream's replicated set")
    parser.add_argument("--reference-samples", type=int, default=1000, help="samples the reference feeder makes")
    parser.add_argument("--deflate-level", type=int, default=0,
                        help="zlib level of hiclr's replicated shards (0, the convert default: uncompressed like the "
                             "reference's plain .npy, with a Fletcher-32 checksum; 1-9: shuffle + deflate)")
    args = parser.parse_args()

    import torch
    torch.set_num_threads(1)  # as in a DataLoader worker process
    Feeder_triple = load_reference_feeder(args.reference)

    with tempfile.TemporaryDirectory(prefix="hiclr-bench-ref-") as scratch:
        swift_rate, swift_cpu_rate = run_swift_bench(args.hiclr, args.shards, args.samples, Path(scratch) / "bench",
                                                     args.deflate_level)
        position, label_pkl = export_reference(args.hiclr, args.shards, Path(scratch) / "export")
        if not label_pkl.exists():
            write_label_pickle(position, position.with_name("train_label.npy"), label_pkl)
        random.seed(1)
        np.random.seed(1)
        torch.manual_seed(1)
        feeder = Feeder_triple(str(position), str(label_pkl), shear_amplitude=0.5, temperal_padding_ratio=6,
                               mmap=True)
        wall, cpu, count = time_reference(feeder, args.reference_samples)

    ref_rate, ref_cpu_rate = count / wall, count / cpu
    print(f"reference Feeder_triple (single process, torch 1 thread): {count} samples in {wall:.2f} s, "
          f"cpu {cpu:.2f} s: {ref_rate:.0f} samples/s, {ref_cpu_rate:.0f} samples/cpu-s")
    ratio = swift_cpu_rate / ref_cpu_rate
    print(f"hiclr bench stream, 1 worker (shards at deflate level {args.deflate_level}): {swift_rate:.0f} samples/s, "
          f"{swift_cpu_rate:.0f} samples/cpu-s")
    print(f"per core (samples per CPU-second): {ratio:.1f}x the reference feeder (target >= 15x) "
          f"{'ok' if ratio >= 15 else 'MISSED'}; wall-clock: {swift_rate / ref_rate:.1f}x")


if __name__ == "__main__":
    main()
